// keras.layers.DepthwiseConv1D: a depthwise 1D convolution (each input channel convolved with its own
// depth_multiplier kernels). Everything is in BaseDepthwiseConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/depthwise_conv_base.hpp"

namespace inlay::core {

class DepthwiseConv1D final : public BaseDepthwiseConv {
 public:
  static constexpr std::string_view kClassName = "DepthwiseConv1D";
  // DepthwiseConv1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit DepthwiseConv1D(BaseLayerConfig base) : BaseDepthwiseConv(1, std::move(base), false) {}
};

}  // namespace inlay::core
