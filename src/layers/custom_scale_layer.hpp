// keras.applications.inception_resnet_v2's CustomScaleLayer (registered as "CustomScaleLayer", module
// keras.src.applications.inception_resnet_v2): inputs[0] + inputs[1] * scale, the scaled residual of each
// Inception-ResNet block.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class CustomScaleLayer final : public Layer {
 public:
  static constexpr std::string_view kClassName = "CustomScaleLayer";
  // CustomScaleLayer(scale, **kwargs): scale is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  std::string_view module() const override { return "keras.src.applications.inception_resnet_v2"; }
  Json registered_name() const override { return kClassName; }
  Json get_config() const override;

  double scale() const { return scale_; }
  // Keras records the build shapes of every layer called (Layer._maybe_build), this one included.
  bool records_build_config() const override { return true; }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit CustomScaleLayer(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json scale_json_;
  double scale_ = 0.0;
};

}  // namespace inlay::core
