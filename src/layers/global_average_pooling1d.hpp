// keras.layers.GlobalAveragePooling1D: mean over the steps axis: (batch, steps, features) ->
// (batch, features), or (batch, 1, features) with keepdims.
// Everything is in BaseGlobalPooling; this class gives the pooled dimensions, the mode and the class
// name.
#pragma once

#include <memory>

#include "layers/pooling_base.hpp"

namespace inlay::core {

class GlobalAveragePooling1D final : public BaseGlobalPooling {
 public:
  Json node_kwargs() const override { return {{"mask", nullptr}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "GlobalAveragePooling1D";
  // GlobalAveragePooling1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit GlobalAveragePooling1D(BaseLayerConfig base) : BaseGlobalPooling(1, PoolMode::Average, std::move(base)) {}
};

}  // namespace inlay::core
