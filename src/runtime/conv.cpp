// Conv1D / Conv2D / Conv3D on oneDNN (conv_primitive.hpp): a direct convolution with TensorFlow's padding
// made explicit, dilation, strides and groups, in the layout oneDNN prefers: consecutive convolutions stay in
// blocked layouts, reorders happen only where a consumer needs Keras's own layout. Bias, a folded
// BatchNormalization, a folded ZeroPadding and eltwise activations are fused; a guard step keeps NaN / Inf as
// Keras computes them (fused_guard.hpp). 3x3 stride-1 Conv2Ds with enough work use Winograd's algorithm
// instead, where it is faster, unless the model's precision is INLAY_PRECISION_FLOAT32_STRICT.
#include <algorithm>
#include <iterator>
#include <span>

#include "layers/conv_base.hpp"
#include "runtime/conv_primitive.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

// The layer's kernel with a following BatchNormalization folded in (the kernel's last axis is the filter).
std::vector<float> folded_kernel(const core::BaseConv& layer, const core::BatchNormalization* batch_norm) {
  const std::span<const float> values = weight_values(layer, "kernel");
  std::vector<float> kernel(values.begin(), values.end());
  if (batch_norm == nullptr) return kernel;
  std::vector<float> bias;
  fold_batch_norm(kernel, bias, layer.filters(), *batch_norm);
  return kernel;
}

ConvSpec conv_spec(const core::BaseConv& layer, const core::BatchNormalization* batch_norm) {
  ConvSpec spec;
  spec.name = layer.name();
  spec.kernel_size = layer.kernel_size();
  spec.strides = layer.strides();
  spec.dilation_rate = layer.dilation_rate();
  spec.padding = layer.padding();
  spec.channels_first = layer.channels_first();
  spec.filters = layer.filters();
  spec.groups = layer.groups();
  spec.activation = layer.activation();
  const std::span<const float> kernel = weight_values(layer, "kernel");
  spec.kernel.assign(kernel.begin(), kernel.end());
  if (layer.use_bias()) std::ranges::copy(weight_values(layer, "bias"), std::back_inserter(spec.bias));
  if (batch_norm != nullptr) fold_batch_norm(spec.kernel, spec.bias, spec.filters, *batch_norm);
  spec.winograd_candidate = true;
  // Winograd's guard recomputes from the model's own weights, read when first needed (no copy kept).
  spec.keras_kernel = [&layer, batch_norm] { return folded_kernel(layer, batch_norm); };
  return spec;
}

void lower_conv(PlanBuilder& b, const core::BaseConv& layer, const Node& node) {
  // A ZeroPadding the fusion pass folded into this convolution: read its input, pad as part of the window.
  const Fusion fusion = b.fusion(node);
  const ValueId x = b.value_of(fusion.unpadded_input != nullptr ? fusion.unpadded_input : node.inputs[0]);
  lower_conv_node(b, conv_spec(layer, fusion.batch_norm), x, node, fusion);
}

ProducerTraits conv_traits(const Layer& layer, const Node& node) {
  (void)node;
  const auto& conv = layer_as<core::BaseConv>(layer);
  return {conv.channels_first() ? 1 : conv.rank() + 1, conv.activation(), true};
}

}  // namespace

const LayerLowering conv_lowering = {
    .lower = lower_as<core::BaseConv, lower_conv>,
    .role = FusionRole::Producer,
    .producer = conv_traits,
};

}  // namespace inlay::runtime
