// keras.layers.SpatialDropout3D: drops whole feature maps of a rank-5 input in training; the identity at inference.
#pragma once

#include "layers/spatial_dropout_base.hpp"

namespace inlay::core {

class SpatialDropout3D final : public SpatialDropoutBase {
 public:
  static constexpr std::string_view kClassName = "SpatialDropout3D";
  // SpatialDropout3D(**config): `rate` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }

 private:
  explicit SpatialDropout3D(BaseLayerConfig base) : SpatialDropoutBase(std::move(base), 5) {}
};

}  // namespace inlay::core
