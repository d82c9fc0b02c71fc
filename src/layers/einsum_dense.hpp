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
#include "layers/quantized_config.hpp"
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

// How Keras lays out a scale of one einsum operand (its abs max over the axes the einsum contracts, kept as 1s)
// to broadcast against the output: transposed, expanded and squeezed by the axes of Keras's
// _analyze_quantization_info (its quirks included: a reduced axis with no expand axis left reuses the last
// insertion index).
struct ScaleLayout {
  std::vector<int> reduced;    // the operand's axes whose label is not in the output
  std::vector<int> transpose;  // the permutation applied to the reduced operand
  std::vector<int> expand;     // axes where 1s are inserted, in order
  std::vector<int> squeeze;    // axes removed after that
};
struct EinsumQuantization {
  ScaleLayout input, kernel;
};
EinsumQuantization analyze_einsum_quantization(const EinsumLabels& labels);

// A scale laid out by `layout` from the operand's dims (the reduced axes become 1) and strides (the reduced
// operand's row-major strides, 0 on the reduced axes): Keras's _get_kernel_scale_shape (dims) and
// _adjust_scale_for_quant (where each element lives in the row-major scale buffer).
struct StridedDims {
  std::vector<int64_t> dims, strides;
};
StridedDims lay_out_scale(const std::vector<int64_t>& operand_dims, const ScaleLayout& layout);

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
  // Keras's quantize() mode and its options (mode None for a float layer).
  const Quantization& quantization() const { return quantization_; }
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
  bool saves_variables_in_declared_order() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit EinsumDense(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  void build_quantized(const EinsumAnalysis& a);

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
  Json quantization_config_;
  Quantization quantization_;
};

}  // namespace inlay::core
