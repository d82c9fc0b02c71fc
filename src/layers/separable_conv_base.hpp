// keras.layers BaseSeparableConv (keras/src/layers/convolutional/base_separable_conv.py): a depthwise
// convolution (depthwise_kernel of kernel_size + (input_channels, depth_multiplier), no bias) followed by a
// pointwise one (pointwise_kernel of (1,) * rank + (input_channels * depth_multiplier, filters)), then bias
// and activation. Its arguments and checks are BaseDepthwiseConv's plus filters and the pointwise ones.
#pragma once

#include "layers/depthwise_conv_base.hpp"

namespace inlay::core {

class BaseSeparableConv : public BaseDepthwiseConv {
 public:
  using BaseDepthwiseConv::filters;

 protected:
  BaseSeparableConv(int rank, BaseLayerConfig base) : BaseDepthwiseConv(rank, std::move(base), true) {}
};

}  // namespace inlay::core
