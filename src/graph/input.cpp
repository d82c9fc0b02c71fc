#include "graph/input.hpp"

#include "graph/input_layer.hpp"
#include "util/error.hpp"

namespace inlay::core {

KerasTensor& Input(Graph& graph, const Json& kwargs, const TypeSpec* type_spec, KerasTensor* tensor) {
  if (!kwargs.is_null() && !kwargs.is_object()) {
    throw Error(Status::ParseError, "Input() keyword arguments must be a JSON object, got " + kwargs.dump());
  }
  InputLayerArgs args;
  args.input_tensor = tensor;
  if (type_spec != nullptr) args.type_spec = *type_spec;
  if (kwargs.is_object()) {
    for (const auto& [key, value] : kwargs.items()) {
      if (key == "shape") args.shape = value;
      else if (key == "batch_size") args.batch_size = value;
      else if (key == "dtype") args.dtype = value;
      else if (key == "sparse") args.sparse = value;
      else if (key == "ragged") args.ragged = value;
      else if (key == "batch_shape") args.batch_shape = value;
      else if (key == "name") args.name = value;
      else if (key == "optional") args.optional = value;
      else if (key == "batch_input_shape") {  // tf.keras: Input(**kwargs) takes it as batch_shape
        args.batch_input_shape = value;
        args.has_batch_input_shape = true;
      } else if (key == "type_spec") {
        if (type_spec != nullptr) throw_invalid("type_spec was given both in the keyword arguments and as a handle.");
        if (!value.is_null()) args.type_spec = TypeSpec::from_json(value);
      } else if (key == "tensor") {
        throw_invalid("Input(): pass `tensor` as a tensor handle, not in the JSON keyword arguments.");
      } else {
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
