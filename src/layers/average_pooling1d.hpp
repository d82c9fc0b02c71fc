// keras.layers.AveragePooling1D: mean over windows of steps; pool_size is required, strides default to it.
// Everything is in BasePooling; this class gives the pooled dimensions, the mode and the class name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class AveragePooling1D final : public BasePooling {
 public:
  static constexpr std::string_view kClassName = "AveragePooling1D";
  // AveragePooling1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit AveragePooling1D(BaseLayerConfig base) : BasePooling(1, PoolMode::Average, std::move(base)) {}
};

}  // namespace inlay::core
