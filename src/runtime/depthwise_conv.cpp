// DepthwiseConv1D / DepthwiseConv2D on oneDNN: a grouped convolution with one group per input channel
// (conv_primitive.hpp). Keras's kernel (k..., in, depth_multiplier) is, byte for byte, a grouped kernel
// (k..., 1, in * depth_multiplier) whose output channel c * depth_multiplier + m belongs to group c, so it is
// read in place. A producer for the fusion pass: a following BatchNormalization folds into the kernel and
// bias (the kernel's flat last two axes are the output channel), ReLU / ReLU6 become post-ops, a ZeroPadding
// before it becomes its padding (MobileNet's depthwise block is ZeroPadding, DepthwiseConv2D, BN, ReLU6).
#include <algorithm>
#include <iterator>
#include <span>

#include "layers/depthwise_conv_base.hpp"
#include "runtime/conv_primitive.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_depthwise_conv(PlanBuilder& b, const core::BaseDepthwiseConv& layer, const Node& node) {
  const Fusion fusion = b.fusion(node);
  const ValueId x = b.value_of(fusion.unpadded_input != nullptr ? fusion.unpadded_input : node.inputs[0]);
  const int64_t in_channels = layer.input_channels();
  ConvSpec spec = depthwise_spec(layer, in_channels, weight_values(layer, "kernel"));
  spec.activation = layer.activation();
  if (layer.use_bias()) std::ranges::copy(weight_values(layer, "bias"), std::back_inserter(spec.bias));
  if (fusion.batch_norm != nullptr) fold_batch_norm(spec.kernel, spec.bias, spec.filters, *fusion.batch_norm);
  lower_conv_node(b, spec, x, node, fusion);
}

ProducerTraits depthwise_conv_traits(const Layer& layer, const Node& node) {
  (void)node;
  const auto& conv = layer_as<core::BaseDepthwiseConv>(layer);
  return {conv.channels_first() ? 1 : conv.rank() + 1, conv.activation(), true};
}

}  // namespace

ConvSpec depthwise_spec(const core::BaseDepthwiseConv& layer, int64_t in_channels, std::span<const float> kernel) {
  ConvSpec spec;
  spec.name = layer.name();
  spec.kernel_size = layer.kernel_size();
  spec.strides = layer.strides();
  spec.dilation_rate = layer.dilation_rate();
  spec.padding = layer.padding();
  spec.channels_first = layer.channels_first();
  spec.filters = in_channels * layer.depth_multiplier();
  spec.groups = std::max<int64_t>(in_channels, 1);
  spec.kernel.assign(kernel.begin(), kernel.end());
  return spec;
}

const LayerLowering depthwise_conv_lowering = {
    .lower = lower_as<core::BaseDepthwiseConv, lower_depthwise_conv>,
    .role = FusionRole::Producer,
    .producer = depthwise_conv_traits,
};

}  // namespace inlay::runtime
