// keras.layers.DepthwiseConv2D: a depthwise 2D convolution (each input channel convolved with its own
// depth_multiplier kernels). Everything is in BaseDepthwiseConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/depthwise_conv_base.hpp"

namespace inlay::core {

class DepthwiseConv2D final : public BaseDepthwiseConv {
 public:
  static constexpr std::string_view kClassName = "DepthwiseConv2D";
  // DepthwiseConv2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit DepthwiseConv2D(BaseLayerConfig base) : BaseDepthwiseConv(2, std::move(base), false) {}
};

}  // namespace inlay::core
