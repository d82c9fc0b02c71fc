// keras.layers.AveragePooling2D: mean over 2D windows; pool_size is required, strides default to it.
// Everything is in BasePooling; this class gives the pooled dimensions, the mode and the class name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class AveragePooling2D final : public BasePooling {
 public:
  static constexpr std::string_view kClassName = "AveragePooling2D";
  // AveragePooling2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit AveragePooling2D(BaseLayerConfig base) : BasePooling(2, PoolMode::Average, std::move(base)) {}
};

}  // namespace inlay::core
