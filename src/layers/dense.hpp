// keras.layers.Dense: output = activation(dot(input, kernel) + bias), applied on the last axis of an input
// of any rank >= 2.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/quantized_config.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class Dense final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Dense";
  // Dense(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  int64_t units() const { return units_; }
  Activation activation() const { return activation_; }
  bool use_bias() const { return use_bias_; }
  // The last axis of the input the layer was built for.
  int64_t input_dim() const { return input_dim_; }
  // Keras's quantize() mode and its options (mode None for a float layer).
  const Quantization& quantization() const { return quantization_; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  bool saves_variables_in_declared_order() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  void build_quantized(int64_t input_dim);

  explicit Dense(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  int64_t units_ = 0;
  Json units_arg_;
  Activation activation_ = Activation::Linear;
  bool use_bias_ = true;
  SharedJson kernel_initializer_, bias_initializer_, kernel_regularizer_, bias_regularizer_, kernel_constraint_,
      bias_constraint_;
  Json quantization_config_;
  Quantization quantization_;
  int64_t input_dim_ = 0;  // the last axis the kernel was built for
};

}  // namespace inlay::core
