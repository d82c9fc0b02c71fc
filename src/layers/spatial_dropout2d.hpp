// keras.layers.SpatialDropout2D: drops whole feature maps of a rank-4 input in training; the identity at inference.
#pragma once

#include "layers/spatial_dropout_base.hpp"

namespace inlay::core {

class SpatialDropout2D final : public SpatialDropoutBase {
 public:
  static constexpr std::string_view kClassName = "SpatialDropout2D";
  // SpatialDropout2D(**config): `rate` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }

 private:
  explicit SpatialDropout2D(BaseLayerConfig base) : SpatialDropoutBase(std::move(base), 4) {}
};

}  // namespace inlay::core
