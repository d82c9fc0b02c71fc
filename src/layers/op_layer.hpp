// An op-layer: a Keras 3 operation (keras.src.ops.numpy.Add, keras.src.ops.nn.Relu, ...) as a functional
// model records it when `x + 3.0` or `ops.mean(x)` is called on symbolic tensors. Its config is only its
// name (and the op's own arguments, e.g. Softmax's axis); the call's arguments, tensors and constants alike,
// are in the model's "inbound_nodes": {"args": [<tensor>, 3.0], "kwargs": {}}. An op-layer keeps each call's
// arguments with the tensors replaced by placeholders, so that it can infer its outputs, serialize the node
// back exactly and be run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/layer.hpp"
#include "util/error.hpp"

namespace inlay::core {

class OpLayer : public Layer {
 public:
  // A call's arguments as Keras serializes them, each tensor replaced by {"__tensor__": i}, i its index
  // among the call's tensor inputs (in the order they appear: args first, then kwargs).
  struct Call {
    Json args = Json::array();
    Json kwargs = Json::object();
  };
  // One argument of a call: a tensor input (index) or a Python number.
  struct Operand {
    int tensor = -1;     // index into the node's inputs, or -1 for a constant
    double value = 0.0;  // the constant
    bool is_tensor() const { return tensor >= 0; }
  };

  // Reads a serialized node ({"args", "kwargs"}) into its Call, appending the keras_history of every
  // tensor in it to `histories`, in placeholder order.
  static Call read_call(const Json& node, std::vector<const Json*>& histories);

  // Calls the op with these arguments; `inputs` are the tensors the placeholders stand for.
  std::vector<KerasTensor*> call_op(Call call, const std::vector<KerasTensor*>& inputs);
  // The arguments of the call that made `node` (a node of this layer).
  const Call& call_of(const Node& node) const;
  // Positional argument `position` (or keyword `keyword`) of a call as an operand; Unsupported for anything
  // but a tensor or a number (a list constant), InvalidArgument when missing.
  Operand operand(const Call& call, std::size_t position, const char* keyword) const;

  std::string_view class_name() const override { return op_name_; }
  std::string_view module() const override { return module_; }
  Json registered_name() const override { return op_name_; }
  // Operation.get_config: its name (subclasses add their own arguments).
  Json get_config() const override { return Json{{"name", name()}}; }
  Json serialize_call(std::size_t node_index, std::vector<Json> tensors) const override;

 protected:
  OpLayer(std::string name, std::string_view module, std::string_view op_name)
      : Layer(std::move(name)), module_(module), op_name_(op_name) {}
  // The call being made (inside compute_output_specs).
  const Call& current_call() const;
  // Runs `infer` (the op's output inference) with Keras's wrapping of its errors: "Exception encountered
  // when calling Add.call()" ... with every positional argument of the call listed (tensors and numbers).
  template <typename F>
  auto wrap_op_errors(const std::vector<const KerasTensor*>& inputs, F&& infer) const -> decltype(infer()) {
    try {
      return infer();
    } catch (const Error& error) {
      throw_op_call_error(inputs, error);
    }
  }
  [[noreturn]] void throw_op_call_error(const std::vector<const KerasTensor*>& inputs, const Error& error) const;

 private:
  std::string_view module_;   // static strings of the op table
  std::string_view op_name_;
  std::optional<Call> pending_;
  std::vector<Call> calls_;  // one per inbound node
};

// Operation.from_config(config) = cls(**config) for an op whose __init__ takes only `name` (and the
// keywords in `keys`, read by the caller afterwards): Python's TypeError for an unknown keyword; returns the
// name (auto-named after the op when absent or null).
std::string read_op_name(Graph& graph, std::string_view op_name, const Json& config,
                         std::initializer_list<const char*> keys = {});

}  // namespace inlay::core
