// keras.src.ops.numpy's Concatenate and Stack as op-layers (`ops.concatenate([cls, x], axis=1)`,
// `ops.stack([a, b], axis=1)`): the call's first argument is a list of tensors; config: axis (Concatenate's
// default 0, None refused as Keras does; Stack's default 0).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

class NumpyJoinOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  bool stack() const { return stack_; }
  int64_t axis() const { return axis_; }
  // The node input index of each listed tensor, in list order.
  std::vector<std::size_t> operands(const Call& call) const;
  Json get_config() const override;

 private:
  NumpyJoinOp(std::string name, std::string_view module, std::string_view op_name)
      : OpLayer(std::move(name), module, op_name), stack_(op_name == "Stack") {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  bool stack_;
  Json axis_arg_ = 0;
  int64_t axis_ = 0;
};

}  // namespace inlay::core
