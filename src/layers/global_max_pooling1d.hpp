// keras.layers.GlobalMaxPooling1D: max over the steps axis: (batch, steps, features) -> (batch, features), or keepdims.
// Everything is in BaseGlobalPooling; this class gives the pooled dimensions, the mode and the class
// name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class GlobalMaxPooling1D final : public BaseGlobalPooling {
 public:
  static constexpr std::string_view kClassName = "GlobalMaxPooling1D";
  // GlobalMaxPooling1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit GlobalMaxPooling1D(BaseLayerConfig base) : BaseGlobalPooling(1, PoolMode::Max, std::move(base)) {}
};

}  // namespace inlay::core
