// keras.layers.SpatialDropout1D: drops whole feature maps of a rank-3 input in training; the identity at inference.
#pragma once

#include "layers/spatial_dropout_base.hpp"

namespace inlay::core {

class SpatialDropout1D final : public SpatialDropoutBase {
 public:
  static constexpr std::string_view kClassName = "SpatialDropout1D";
  // SpatialDropout1D(**config): `rate` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }

 private:
  explicit SpatialDropout1D(BaseLayerConfig base) : SpatialDropoutBase(std::move(base), 3) {}
};

}  // namespace inlay::core
