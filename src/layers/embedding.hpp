// keras.layers.Embedding: integer ids (any shape) -> rows of an (input_dim, output_dim) matrix, the output
// of shape (*input_shape, output_dim). With mask_zero, id 0 is padding: the output's Keras mask is ids != 0.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/quantized_config.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class Embedding final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Embedding";
  // Embedding(input_dim, output_dim, **config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  int64_t input_dim() const { return input_dim_; }
  int64_t output_dim() const { return output_dim_; }
  bool mask_zero() const { return mask_zero_; }
  // Keras's quantize() mode and its options (mode None for a float layer).
  const Quantization& quantization() const { return quantization_; }

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  bool saves_variables_in_declared_order() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Embedding(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  void add_embeddings();
  [[noreturn]] void set_initial_weights(const Json& weights);

  BaseLayerConfig base_;
  int64_t input_dim_ = 0, output_dim_ = 0;
  bool mask_zero_ = false;
  Json mask_zero_arg_;
  SharedJson embeddings_initializer_, embeddings_regularizer_, embeddings_constraint_;
  Json quantization_config_;
  Quantization quantization_;
};

}  // namespace inlay::core
