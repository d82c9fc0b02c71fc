// The window arithmetic convolutions and pooling share: TensorFlow's "valid" / "same" / "causal"
// padding turned into oneDNN's explicit (left, right) padding, and the output size it gives.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace inlay::runtime {

struct WindowPadding {
  int64_t left = 0, right = 0, output = 0;
  int64_t stride = 1;  // what oneDNN gets: the layer's stride, or the input's size when that is smaller
};

// One spatial dim: input size (a dim of a tensor the runtime holds, so below 2^31), kernel size, stride
// and dilation (>= 1, anything up to 2^63 - 1 from a config) and Keras's padding mode. "same" pads
// max((out - 1) * stride + effective_kernel - in, 0) in total, the extra element on the right, as
// TensorFlow does; "causal" pads (kernel - 1) * dilation on the left only. No step overflows: a stride past
// the input's end selects the first window only, which stride = max(in, 1) does too (that is what oneDNN
// gets); an effective window of 2^31 or more leaves "valid" no output (Keras's error, check_window_output)
// and would pad "same" / "causal" by that much, which is refused as UNSUPPORTED naming `layer`.
inline WindowPadding window_padding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                                    const std::string& padding, const std::string& layer) {
  constexpr int64_t kMaxWindow = std::numeric_limits<int32_t>::max();
  WindowPadding p;
  p.stride = std::min(stride, std::max<int64_t>(in, 1));
  int64_t effective = 0;
  const bool huge = __builtin_mul_overflow(kernel - 1, dilation, &effective) || effective >= kMaxWindow;
  if (padding != "same" && padding != "causal") {  // "valid"
    p.output = !huge && in >= effective + 1 ? (in - effective - 1) / p.stride + 1 : 0;
    return p;
  }
  if (huge) {
    throw core::Error(core::Status::Unsupported,
                      "Layer '" + layer + "': a window of kernel size " + std::to_string(kernel) + " and dilation rate " +
                          std::to_string(dilation) + " with padding '" + padding +
                          "' is not supported by inlay's runtime (it spans 2^31 elements or more)");
  }
  ++effective;
  p.output = in == 0 ? 0 : (in - 1) / p.stride + 1;  // ceil(in / stride)
  if (padding == "same") {
    const int64_t total = std::max<int64_t>((p.output - 1) * p.stride + effective - in, 0);
    p.left = total / 2;
    p.right = total - p.left;
  } else {
    p.left = effective - 1;
  }
  return p;
}

// At plan time, on concrete dims: an input smaller than a "valid" window (a None spatial dim of the model
// given a small size) leaves no output. Keras's own shape rule raises for that, with its message ("Computed
// output size would be zero or negative. ..."), which predict reports as INLAY_SHAPE_MISMATCH naming the
// layer, before oneDNN is asked for the primitive. `out_nc` is (N, C, spatial...); `keras_rule` runs Keras's
// compute_*_output_shape on the layer's concrete input shape. Sizes Keras's rule accepts (0 from a 0-size
// input with "same" padding) are left to the primitive.
template <typename KerasRule>
void check_window_output(const std::string& layer, const std::vector<int64_t>& out_nc, KerasRule&& keras_rule) {
  if (std::all_of(out_nc.begin() + 2, out_nc.end(), [](int64_t d) { return d > 0; })) return;
  try {
    keras_rule();
  } catch (const core::Error& e) {
    throw core::Error(core::Status::ShapeMismatch, "Layer '" + layer + "': " + e.what());
  }
}

}  // namespace inlay::runtime
