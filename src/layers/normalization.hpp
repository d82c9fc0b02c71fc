// keras.layers.Normalization: (x - mean) / max(sqrt(variance), 1e-7) per index of the kept axes (`axis`),
// or its inverse (invert=True). mean / variance come from the config (numbers or arrays broadcast to the
// kept axes) or, when the config has none, from the layer's non-trainable weights mean, variance and count
// (what adapt() fills and .keras files store, in that order).
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/rescaling.hpp"

namespace inlay::core {

class Normalization final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Normalization";
  // Normalization(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  bool invert() const { return invert_; }
  // Set by build: the kept axes (sorted, non-negative) and the input rank.
  const std::vector<int>& keep_axes() const { return keep_axes_; }
  int input_rank() const { return input_rank_; }
  // Keras's _broadcast_shape: the input's size on kept axes, 1 elsewhere.
  const std::vector<int64_t>& broadcast_shape() const { return broadcast_shape_; }
  // Whether mean and variance come from the config (else from the weights).
  bool has_config_values() const { return !mean_json_.is_null(); }
  // The config's mean / variance (only when has_config_values()).
  const NumericArray& config_mean() const { return mean_; }
  const NumericArray& config_variance() const { return variance_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Normalization(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  std::vector<int64_t> axis_;  // Keras's self.axis tuple
  Json invert_json_ = false;
  bool invert_ = false;
  Json mean_json_, variance_json_;  // np.array(value).tolist() of what was given
  NumericArray mean_, variance_;
  std::vector<int> keep_axes_;
  int input_rank_ = 0;
  std::vector<int64_t> broadcast_shape_;
};

}  // namespace inlay::core
