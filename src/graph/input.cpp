#include "graph/input.hpp"

#include "graph/input_layer.hpp"
#include "util/error.hpp"

namespace inlay::core {

KerasTensor& Input(Graph& graph, const Json& kwargs, const TypeSpec* type_spec, KerasTensor* tensor) {
  if (!kwargs.is_null() && !kwargs.is_object()) {
    throw Error(Status::ParseError,
                "Input() keyword arguments must be a JSON object, got " + dump_prefix(kwargs, kMaxQuotedBytes));
  }
  InputLayerArgs args;
  args.input_tensor = tensor;
  if (type_spec != nullptr) args.type_spec = *type_spec;
  if (kwargs.is_object()) {
    for (const auto& [key, value] : kwargs.items()) {
      if (key == "tensor") {
        throw_invalid("Input(): pass `tensor` as a tensor handle, not in the JSON keyword arguments.");
      }
      if (key == "type_spec" && type_spec != nullptr) {
        throw_invalid("type_spec was given both in the keyword arguments and as a handle.");
      }
      // input_shape is InputLayer's (tf.keras) spelling; Keras 3's Input() does not take it.
      if (key == "input_shape" || !args.set_keyword(key, value)) {
        throw_invalid("Input() got an unexpected keyword argument '" + key + "'");
      }
    }
  }
  // tf.keras's Input() check; Keras 3 has no batch_input_shape here (it raises TypeError).
  if (args.has_batch_input_shape && !args.shape.is_null() && !args.batch_input_shape.is_null()) {
    throw_invalid(
        "Only provide the `shape` OR `batch_input_shape` argument to Input, not both at the same time.");
  }
  return InputLayer::create(graph, std::move(args)).output();
}

}  // namespace inlay::core
