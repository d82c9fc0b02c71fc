// The shape ops of keras.src.ops.numpy as op-layers: Reshape (newshape, one -1 allowed), ExpandDims (axis),
// Squeeze (axis or null: every axis of size 1) and Transpose (axes or null: reversed), as sequence and
// transformer models written with keras.ops record them (`ops.reshape(x, (-1, heads, d))`,
// `ops.transpose(x, (0, 2, 1, 3))`). Reshape, ExpandDims and Squeeze keep the bytes (a view at run time);
// Transpose moves them.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

enum class ShapeOpKind { Reshape, ExpandDims, Squeeze, Transpose };

class NumpyShapeOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  ShapeOpKind kind() const { return kind_; }
  // The output dims for input dims (kNoneDim where unknown): Keras's shape rule at build time, the
  // concrete dims at run time. Throws Keras's messages.
  std::vector<int64_t> output_dims(const std::vector<int64_t>& in) const;
  // Transpose: output axis i reads input axis permutation[i].
  std::vector<int64_t> permutation(std::size_t rank) const;
  Json get_config() const override;

 private:
  NumpyShapeOp(std::string name, std::string_view module, std::string_view op_name, ShapeOpKind kind)
      : OpLayer(std::move(name), module, op_name), kind_(kind) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;
  std::vector<int64_t> reshape(const std::vector<int64_t>& in) const;
  std::vector<int64_t> expand_dims(const std::vector<int64_t>& in) const;
  std::vector<int64_t> squeeze(const std::vector<int64_t>& in) const;

  ShapeOpKind kind_;
  const char* key_ = "";  // the op's own argument: newshape / axis / axes
  Json value_;            // as given
};

}  // namespace inlay::core
