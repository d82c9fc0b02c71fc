// The one-tensor elementwise ops as op-layers: keras.src.ops.numpy's Negative, Absolute / Abs, Square, Sqrt,
// Exp, Log, Tanh and keras.src.ops.nn's activations (Relu, Relu6, Sigmoid, Silu, HardSigmoid, HardSilu,
// Softplus, Softsign, Selu, Gelu, Softmax). The output has the input's shape and dtype.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

enum class ElementwiseOpKind { Negative, Absolute, Square, Sqrt, Exp, Log, Tanh, Activation };

class ElementwiseOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  ElementwiseOpKind kind() const { return kind_; }
  // For kind Activation: the Keras activation the op computes (Gelu with approximate=False, Softmax over the
  // last axis); nullopt for an nn op whose arguments Keras's activations do not cover (the runtime refuses it).
  std::optional<Activation> activation() const { return activation_; }
  // Softmax's axis (Keras's default -1); null for the others.
  const Json& axis() const { return axis_; }
  Json get_config() const override;

 private:
  ElementwiseOp(std::string name, std::string_view module, std::string_view op_name, ElementwiseOpKind kind)
      : OpLayer(std::move(name), module, op_name), kind_(kind) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  ElementwiseOpKind kind_;
  std::optional<Activation> activation_;
  Json axis_;                            // Softmax
  std::optional<bool> approximate_;      // Gelu
};

}  // namespace inlay::core
