// The window arithmetic convolutions and pooling share: TensorFlow's "valid" / "same" / "causal"
// padding turned into oneDNN's explicit (left, right) padding, and the output size it gives.
#pragma once

#include <cstdint>
#include <algorithm>
#include <string>

namespace inlay::runtime {

struct WindowPadding {
  int64_t left = 0, right = 0, output = 0;
};

// One spatial dim: input size, kernel size, stride, dilation (1 = none) and Keras's padding mode.
// "same" pads max((out - 1) * stride + effective_kernel - in, 0) in total, the extra element on the
// right, as TensorFlow does; "causal" pads (kernel - 1) * dilation on the left only.
inline WindowPadding window_padding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                                    const std::string& padding) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  WindowPadding p;
  if (padding == "same") {
    p.output = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((p.output - 1) * stride + effective - in, 0);
    p.left = total / 2;
    p.right = total - p.left;
  } else if (padding == "causal") {
    p.left = effective - 1;
    p.output = (in + p.left - effective) / stride + 1;
  } else {
    p.output = in >= effective ? (in - effective) / stride + 1 : 0;
  }
  return p;
}

}  // namespace inlay::runtime
