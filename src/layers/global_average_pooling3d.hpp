// keras.layers.GlobalAveragePooling3D: mean over the three spatial axes: (batch, d1, d2, d3, channels) ->
// (batch, channels), or keepdims.
// Everything is in BaseGlobalPooling; this class gives the pooled dimensions, the mode and the class
// name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class GlobalAveragePooling3D final : public BaseGlobalPooling {
 public:
  static constexpr std::string_view kClassName = "GlobalAveragePooling3D";
  // GlobalAveragePooling3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit GlobalAveragePooling3D(BaseLayerConfig base) : BaseGlobalPooling(3, PoolMode::Average, std::move(base)) {}
};

}  // namespace inlay::core
