// SeparableConv1D / SeparableConv2D on oneDNN: the depthwise convolution (a grouped one, depthwise_spec),
// then the pointwise 1x1 convolution with the bias and the activation, two primitives that pass the
// intermediate in the layout they choose. A producer for the fusion pass: a following BatchNormalization
// folds into the pointwise kernel and bias, activations become its post-ops, and a ZeroPadding before it
// becomes the depthwise step's padding.
#include <algorithm>
#include <iterator>

#include "layers/separable_conv_base.hpp"
#include "runtime/conv_primitive.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

ConvSpec pointwise_spec(const core::BaseSeparableConv& layer, const core::BatchNormalization* batch_norm) {
  ConvSpec spec;
  spec.name = layer.name();
  const auto rank = static_cast<std::size_t>(layer.rank());
  spec.kernel_size.assign(rank, 1);
  spec.strides.assign(rank, 1);
  spec.dilation_rate.assign(rank, 1);
  spec.padding = "valid";
  spec.channels_first = layer.channels_first();
  spec.filters = layer.filters();
  spec.activation = layer.activation();
  const std::span<const float> kernel = weight_values(layer, "pointwise_kernel");
  spec.kernel.assign(kernel.begin(), kernel.end());
  if (layer.use_bias()) std::ranges::copy(weight_values(layer, "bias"), std::back_inserter(spec.bias));
  if (batch_norm != nullptr) fold_batch_norm(spec.kernel, spec.bias, spec.filters, *batch_norm);
  return spec;
}

void lower_separable_conv(PlanBuilder& b, const core::BaseSeparableConv& layer, const Node& node) {
  const Fusion fusion = b.fusion(node);
  const ValueId x = b.value_of(fusion.unpadded_input != nullptr ? fusion.unpadded_input : node.inputs[0]);
  const ConvSpec depthwise = depthwise_spec(layer, layer.input_channels(), weight_values(layer, "depthwise_kernel"));
  const ConvSpec pointwise = pointwise_spec(layer, fusion.batch_norm);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), depthwise.channels_first);
  const ConvWindow window = conv_window(depthwise, in_nc, fusion.input_padding);
  if (in_nc[1] == 0) {  // no channels: the pointwise step alone, on the (empty) input, gives the bias
    std::vector<int64_t> empty_nc = window.out_nc;
    empty_nc[1] = 0;
    const ValueId empty = b.add_plain(keras_dims(empty_nc, depthwise.channels_first));
    Fusion after_depthwise = fusion;
    after_depthwise.input_padding.clear();
    lower_conv_node(b, pointwise, empty, node, after_depthwise);
    return;
  }
  const ValueId mid = add_convolution(b, depthwise, x, window, Fusion{});
  Fusion after_depthwise = fusion;  // the folded padding was the depthwise step's
  after_depthwise.input_padding.clear();
  lower_conv_node(b, pointwise, mid, node, after_depthwise);
}

ProducerTraits separable_conv_traits(const Layer& layer, const Node& node) {
  (void)node;
  const auto& conv = layer_as<core::BaseSeparableConv>(layer);
  return {conv.channels_first() ? 1 : conv.rank() + 1, conv.activation(), true};
}

}  // namespace

const LayerLowering separable_conv_lowering = {
    .lower = lower_as<core::BaseSeparableConv, lower_separable_conv>,
    .role = FusionRole::Producer,
    .producer = separable_conv_traits,
};

}  // namespace inlay::runtime
