// keras.layers.MaxPooling2D: max over 2D windows; pool_size defaults to (2, 2), strides to pool_size.
// Everything is in BasePooling; this class gives the pooled dimensions, the mode and the class name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class MaxPooling2D final : public BasePooling {
 public:
  static constexpr std::string_view kClassName = "MaxPooling2D";
  // MaxPooling2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit MaxPooling2D(BaseLayerConfig base) : BasePooling(2, PoolMode::Max, std::move(base)) {}
};

}  // namespace inlay::core
