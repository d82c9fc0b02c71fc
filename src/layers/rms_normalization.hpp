// keras.layers.RMSNormalization: x * rsqrt(mean(x^2) + epsilon) * scale over `axis` (one axis or several);
// one weight, "scale", of the normalized axes' shape.
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class RMSNormalization final : public Layer {
 public:
  static constexpr std::string_view kClassName = "RMSNormalization";
  // RMSNormalization(axis=-1, epsilon=1e-6, **config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // Once built: the normalized axes, non-negative and sorted.
  const std::vector<int>& normalized_axes() const { return normalized_axes_; }
  // The epsilon as a number; InvalidArgument when the config's is none (Keras fails when it computes).
  double epsilon() const;

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit RMSNormalization(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  BaseLayerConfig base_;
  Json axis_ = -1;  // as given before build, the sorted list after (as Keras's self.axis)
  Json epsilon_ = 1e-6;
  std::vector<int> normalized_axes_;
};

}  // namespace inlay::core
