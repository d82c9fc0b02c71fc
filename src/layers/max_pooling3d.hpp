// keras.layers.MaxPooling3D: max over 3D windows; pool_size defaults to (2, 2, 2), strides to pool_size.
// Everything is in BasePooling; this class gives the pooled dimensions, the mode and the class name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class MaxPooling3D final : public BasePooling {
 public:
  static constexpr std::string_view kClassName = "MaxPooling3D";
  // MaxPooling3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit MaxPooling3D(BaseLayerConfig base) : BasePooling(3, PoolMode::Max, std::move(base)) {}
};

}  // namespace inlay::core
