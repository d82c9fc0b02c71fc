// The reductions of keras.src.ops.numpy as op-layers: Mean, Sum, Max, Min (`ops.mean(x, axis=1)`, the pooling
// of a sequence model written with keras.ops). Config: axis (an int, a list of ints or null: every axis),
// keepdims; Max and Min also take `initial` (only null is supported). Output shape: operation_utils.reduce_shape.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

enum class ReduceOpKind { Mean, Sum, Max, Min };

class NumpyReduceOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  ReduceOpKind kind() const { return kind_; }
  bool keepdims() const { return keepdims_; }
  // The reduced axes of an input of this rank, canonical (0 <= axis < rank), ascending.
  std::vector<int64_t> axes(int64_t rank) const;
  Json get_config() const override;

 private:
  NumpyReduceOp(std::string name, std::string_view module, std::string_view op_name, ReduceOpKind kind)
      : OpLayer(std::move(name), module, op_name), kind_(kind) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  ReduceOpKind kind_;
  Json axis_;               // as given
  Json keepdims_arg_ = false;
  bool keepdims_ = false;
  Json initial_;            // Max / Min
};

}  // namespace inlay::core
