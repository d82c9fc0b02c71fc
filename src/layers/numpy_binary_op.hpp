// The elementwise binary ops of keras.src.ops.numpy as op-layers: Add, Subtract, Multiply, Divide,
// TrueDivide, Maximum, Minimum, Power (`x + 3.0`, `x * y`, `ops.maximum(x, 0.5)`, `x ** 2`). Each operand is
// a tensor or a Python number; shapes broadcast as numpy's (operation_utils.broadcast_shapes).
#pragma once

#include <memory>
#include <string_view>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

enum class BinaryOpKind { Add, Subtract, Multiply, Divide, Maximum, Minimum, Power };

class NumpyBinaryOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  BinaryOpKind kind() const { return kind_; }
  // Whether swapping the operands gives the same result (Add, Multiply, Maximum, Minimum).
  bool commutative() const;

 private:
  NumpyBinaryOp(std::string name, std::string_view module, std::string_view op_name, BinaryOpKind kind)
      : OpLayer(std::move(name), module, op_name), kind_(kind) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  BinaryOpKind kind_;
};

// operation_utils.broadcast_shapes, with its message for shapes that do not broadcast.
std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

}  // namespace inlay::core
