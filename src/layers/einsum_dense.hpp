// keras.layers.EinsumDense: output = activation(einsum(equation, input, kernel) + bias), the projection
// MultiHeadAttention is made of. The equation is "[X],[Y]->[Z]", "...[X],[Y]->...[Z]" or "[X]...,[Y]->[Z]..."
// (Keras's _analyze_einsum_string); the kernel's shape follows from it, the input's shape and output_shape.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

// An einsum equation with its ellipsis resolved for one input rank: one label per axis of the input, the
// kernel and the output (ellipsis axes get the chars 0x80, 0x81, ...: never letters).
struct EinsumLabels {
  std::string input, kernel, output;
};

// What _analyze_einsum_string derives from the equation, the bias axes, the input shape and output_shape.
struct EinsumAnalysis {
  std::vector<int64_t> kernel_shape;                 // -1: None (add_weight refuses it)
  std::optional<std::vector<int64_t>> bias_shape;    // aligned with the output's trailing axes
  std::vector<int64_t> output_shape;                 // the full output shape, batch included
  EinsumLabels labels;
};

// Keras's _analyze_einsum_string (ValueError messages included); `output_shape` is the partial output shape
// (ints, null for None). Shared by MultiHeadAttention, whose projections are EinsumDense layers.
EinsumAnalysis analyze_einsum(const std::string& equation, const std::optional<std::string>& bias_axes,
                              const std::vector<int64_t>& input_shape, const std::vector<int64_t>& output_shape);

class EinsumDense final : public Layer {
 public:
  static constexpr std::string_view kClassName = "EinsumDense";
  // EinsumDense(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  const std::string& equation() const { return equation_; }
  const std::optional<std::string>& bias_axes() const { return bias_axes_; }
  Activation activation() const { return activation_; }
  // The analysis for an input of these dims (the runtime's labels, kernel and bias shapes).
  EinsumAnalysis analysis(const std::vector<int64_t>& input_shape) const {
    return analyze_einsum(equation_, bias_axes_, input_shape, partial_output_shape_);
  }
  // Creates the weights for an input of this shape outside a call: MultiHeadAttention builds its projections
  // itself, as Keras's MultiHeadAttention.build does.
  void build_for_shape(const Shape& shape);

 protected:
  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit EinsumDense(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json equation_arg_;
  std::string equation_;
  Json output_shape_arg_;                   // as get_config writes it (a list)
  std::vector<int64_t> partial_output_shape_;  // -1: None
  std::optional<std::string> bias_axes_;
  Activation activation_ = Activation::Linear;
  SharedJson kernel_initializer_, bias_initializer_, kernel_regularizer_, bias_regularizer_, kernel_constraint_,
      bias_constraint_;
  int input_rank_ = 0;  // the rank the layer was built for (its input_spec)
};

}  // namespace inlay::core
