// keras.layers.GlobalAveragePooling2D: mean over both spatial axes: (batch, rows, cols, channels) ->
// (batch, channels), or keepdims.
// Everything is in BaseGlobalPooling; this class gives the pooled dimensions, the mode and the class
// name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class GlobalAveragePooling2D final : public BaseGlobalPooling {
 public:
  static constexpr std::string_view kClassName = "GlobalAveragePooling2D";
  // GlobalAveragePooling2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit GlobalAveragePooling2D(BaseLayerConfig base) : BaseGlobalPooling(2, PoolMode::Average, std::move(base)) {}
};

}  // namespace inlay::core
