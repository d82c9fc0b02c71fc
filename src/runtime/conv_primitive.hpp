// The oneDNN convolution step every convolution class lowers to (Conv1D/2D/3D, DepthwiseConv1D/2D, both
// halves of SeparableConv1D/2D): TensorFlow's padding made explicit (asymmetric for "same" with even
// windows, left-only for "causal") plus any ZeroPadding the fusion pass folded in, dilation, strides and
// groups, in the layout oneDNN prefers (format any), with the bias, the layer's own activation and the fused
// ones as post-ops and the NaN / Inf guard of fused_guard.hpp. A depthwise kernel (k..., in, multiplier) is
// byte for byte a grouped kernel (k..., 1, in * multiplier) with groups = in, so all of them share this code.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runtime/fusion_pass.hpp"
#include "runtime/plan_builder.hpp"

namespace inlay::core {
class BaseDepthwiseConv;
}

namespace inlay::runtime {

struct ConvSpec {
  std::string name;                                        // the layer's, for steps and messages
  std::vector<int64_t> kernel_size, strides, dilation_rate;  // one entry per spatial axis
  std::string padding;                                     // "valid", "same" or "causal"
  bool channels_first = false;
  int64_t filters = 0, groups = 1;
  core::Activation activation = core::Activation::Linear;  // the layer's own
  std::vector<float> kernel;  // Keras's layout (k..., in / groups, filters), a BatchNormalization folded in
  std::vector<float> bias;    // empty: none
  // Winograd may be used (a plain Conv2D); its guard then recomputes from keras_kernel() (FusedLayer).
  bool winograd_candidate = false;
  std::function<std::vector<float>()> keras_kernel;
};

// Where the window goes: oneDNN's (N, C, spatial...) output dims, strides, dilations (gaps) and paddings.
struct ConvWindow {
  std::vector<int64_t> out_nc;
  dnnl::memory::dims strides, dilates, pad_left, pad_right;
};

// The window of `spec` over an input of (N, C, spatial...) dims `in_nc` padded by `input_padding` (a folded
// ZeroPadding: (before, after) per spatial axis, or empty). An input too small for a "valid" window fails
// with Keras's message (check_window_output).
ConvWindow conv_window(const ConvSpec& spec, const std::vector<int64_t>& in_nc,
                       const std::vector<std::pair<int64_t, int64_t>>& input_padding);

// Adds the convolution of x (input channels > 0) over `window`, its own activation and then
// `fusion.activations` (as post-ops where oneDNN has them, else as steps after); returns the output value,
// in the layout the primitive chose. Reads nothing else of `fusion`.
ValueId add_convolution(PlanBuilder& b, const ConvSpec& spec, ValueId x, const ConvWindow& window,
                        const Fusion& fusion);

// The depthwise convolution of `layer` (a DepthwiseConv, or a SeparableConv's first half) over
// `in_channels` channels as a grouped one: kernel (k..., in, depth_multiplier) read as (k..., 1, in *
// depth_multiplier), groups = in. No bias, no activation (the caller adds them). In depthwise_conv.cpp.
ConvSpec depthwise_spec(const core::BaseDepthwiseConv& layer, int64_t in_channels, std::span<const float> kernel);

// Lowers a convolution node whose output is the fusion's: `spec` with any BatchNormalization already folded
// in, x the tensor it reads (the fusion's unpadded input when a ZeroPadding was folded). Checks the output
// dims against the node's; an input of 0 channels gives the bias everywhere.
void lower_conv_node(PlanBuilder& b, const ConvSpec& spec, ValueId x, const Node& node, const Fusion& fusion);

}  // namespace inlay::runtime
