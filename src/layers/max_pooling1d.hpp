// keras.layers.MaxPooling1D: max over windows of steps; pool_size defaults to 2, strides to pool_size.
// Everything is in BasePooling; this class gives the pooled dimensions, the mode and the class name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class MaxPooling1D final : public BasePooling {
 public:
  static constexpr std::string_view kClassName = "MaxPooling1D";
  // MaxPooling1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit MaxPooling1D(BaseLayerConfig base) : BasePooling(1, PoolMode::Max, std::move(base)) {}
};

}  // namespace inlay::core
