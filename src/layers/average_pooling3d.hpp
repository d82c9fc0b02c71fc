// keras.layers.AveragePooling3D: average over 3D windows (padding excluded); pool_size is required, strides
// default to pool_size.
// Everything is in BasePooling; this class gives the pooled dimensions, the mode and the class name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class AveragePooling3D final : public BasePooling {
 public:
  static constexpr std::string_view kClassName = "AveragePooling3D";
  // AveragePooling3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit AveragePooling3D(BaseLayerConfig base) : BasePooling(3, PoolMode::Average, std::move(base)) {}
};

}  // namespace inlay::core
