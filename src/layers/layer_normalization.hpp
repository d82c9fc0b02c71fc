// keras.layers.LayerNormalization: each sample normalized over `axis` (one axis or several):
// y = (x - mean) * rsqrt(variance + epsilon) * gamma + beta, gamma and beta of the normalized axes' shape.
// The deprecated rms_scaling=True computes x * rsqrt(variance + epsilon) * gamma (no mean, no beta).
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class LayerNormalization final : public Layer {
 public:
  static constexpr std::string_view kClassName = "LayerNormalization";
  // LayerNormalization(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // Once built: the normalized axes, non-negative and sorted (gamma and beta are laid out over them in
  // this order, as Keras reshapes them).
  const std::vector<int>& normalized_axes() const { return normalized_axes_; }
  // The epsilon as a number; InvalidArgument when the config's is none (Keras fails when it computes).
  double epsilon() const;
  bool center() const { return center_; }
  bool scale() const { return scale_; }
  bool rms_scaling() const { return rms_scaling_; }

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit LayerNormalization(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  BaseLayerConfig base_;
  Json axis_ = -1;  // an int before build, the sorted list after (as Keras's self.axis)
  Json epsilon_ = 1e-3;
  Json center_json_ = true, scale_json_ = true, rms_scaling_json_ = false;  // kept as given
  bool center_ = true, scale_ = true, rms_scaling_ = false;
  SharedJson beta_initializer_, gamma_initializer_, beta_regularizer_, gamma_regularizer_, beta_constraint_,
      gamma_constraint_;
  std::vector<int> normalized_axes_;
};

}  // namespace inlay::core
