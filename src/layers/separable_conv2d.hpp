// keras.layers.SeparableConv2D: a depthwise 2D convolution, then a pointwise (1x1) one mixing channels.
// Everything is in BaseSeparableConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/separable_conv_base.hpp"

namespace inlay::core {

class SeparableConv2D final : public BaseSeparableConv {
 public:
  static constexpr std::string_view kClassName = "SeparableConv2D";
  // SeparableConv2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit SeparableConv2D(BaseLayerConfig base) : BaseSeparableConv(2, std::move(base)) {}
};

}  // namespace inlay::core
