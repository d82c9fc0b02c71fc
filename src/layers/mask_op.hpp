// The boolean ops Keras 3 records in a functional model for its masks (Embedding(mask_zero=True) and Masking
// write `not_equal`, `any`; merges `logical_or`; Concatenate `ones_like` / `zeros_like`), as op-layers of
// keras.src.ops.numpy: NotEqual, LogicalOr, LogicalAnd (two operands, tensors or numbers, broadcast as
// numpy's), Any, All (over `axis`, an int or None, with `keepdims`), ZerosLike, OnesLike (with `dtype`).
// Their outputs are bool; Keras passes them to the consuming layers as `mask=` keyword arguments, which
// inlay does not read: it propagates the same masks itself (runtime/plan_builder.cpp), so these nodes are
// usually off every output's path. When a model does use one as a value, it runs as 0.0 / 1.0 floats.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

enum class MaskOpKind { NotEqual, LogicalOr, LogicalAnd, Any, All, ZerosLike, OnesLike };

class MaskOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  MaskOpKind kind() const { return kind_; }
  // Any / All: the reduced axis (nullopt: every axis) and keepdims.
  const std::optional<int64_t>& axis() const { return axis_; }
  bool keepdims() const { return keepdims_; }
  Json get_config() const override;

 private:
  MaskOp(std::string name, std::string_view module, std::string_view op_name, MaskOpKind kind)
      : OpLayer(std::move(name), module, op_name), kind_(kind) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  MaskOpKind kind_;
  std::optional<int64_t> axis_;
  Json axis_arg_;
  bool keepdims_ = false;
  Json dtype_;  // ZerosLike / OnesLike
};

}  // namespace inlay::core
