// keras.layers.GlobalMaxPooling3D: max over the three spatial axes: (batch, d1, d2, d3, channels) -> (batch,
// channels), or keepdims.
// Everything is in BaseGlobalPooling; this class gives the pooled dimensions, the mode and the class
// name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class GlobalMaxPooling3D final : public BaseGlobalPooling {
 public:
  static constexpr std::string_view kClassName = "GlobalMaxPooling3D";
  // GlobalMaxPooling3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit GlobalMaxPooling3D(BaseLayerConfig base) : BaseGlobalPooling(3, PoolMode::Max, std::move(base)) {}
};

}  // namespace inlay::core
