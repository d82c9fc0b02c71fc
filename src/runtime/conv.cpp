// Conv1D / Conv2D / Conv3D on oneDNN: a direct convolution with TensorFlow's padding made explicit
// (asymmetric for "same" with even windows, left-only for "causal"), dilation, strides and groups, in
// the layout oneDNN prefers (format any): consecutive convolutions stay in blocked layouts, reorders
// happen only where a consumer needs Keras's own layout. Bias, a folded BatchNormalization and
// eltwise activations are fused; a guard step keeps NaN / Inf as Keras computes them (fused_guard.hpp).
// 3x3 stride-1 Conv2Ds with enough work use Winograd's algorithm instead, where it is faster
// (prefer_winograd), unless the model's precision is INLAY_PRECISION_FLOAT32_STRICT.
#include <algorithm>
#include <iterator>
#include <span>

#include "layers/conv_base.hpp"
#include "layers/conv_utils.hpp"
#include "runtime/fused_guard.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/window.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// The Keras kernel (k_1, ..., k_r, in / groups, filters) described as oneDNN weights: (filters, in, k...)
// or, grouped, (groups, filters / groups, in / groups, k...), through strides over the Keras bytes.
memory::desc keras_kernel_md(const core::BaseConv& layer, int64_t in_per_group) {
  const int64_t filters = layer.filters(), groups = layer.groups();
  const std::vector<int64_t>& ks = layer.kernel_size();
  memory::dims spatial_strides(ks.size());
  int64_t stride = in_per_group * filters;
  for (std::size_t i = ks.size(); i-- > 0;) {
    spatial_strides[i] = stride;
    stride *= ks[i];
  }
  memory::dims dims, strides;
  if (groups > 1) {
    dims = {groups, filters / groups, in_per_group};
    strides = {filters / groups, 1, filters};
  } else {
    dims = {filters, in_per_group};
    strides = {1, filters};
  }
  dims.insert(dims.end(), ks.begin(), ks.end());
  strides.insert(strides.end(), spatial_strides.begin(), spatial_strides.end());
  return memory::desc(dims, memory::data_type::f32, strides);
}

// Winograd's minimal filtering (oneDNN's jit_wino kernels: F(4x4, 3x3) for batches, F(2x2, 3x3) for one
// image; AVX-512 CPUs only) multiplies 2.25-4x less than a direct 3x3 convolution but pays for transforming
// tiles in and out, so it wins only where there is enough to multiply. Measured with oneDNN 2.6 on 2 Zen 4
// cores, 'same' 3x3 with ReLU fused, C channels in and out (bench/conv_algorithms.cpp, two runs agreeing
// within 10%): on outputs of 28x28 and more 1.2-2.8x faster from C = 16; at 14x14 1.5-2.1x from C = 32 with
// 4 images or more, but 0.75-0.9x on one image of 64-128 channels; at 7x7 1.35-1.8x from batch x C x C =
// 32768 (4 x 128^2, 32 x 32^2), 0.3-1.0x below. Its error stays float32's: about twice a direct
// convolution's rounding error (max 1.1e-5 on unit-scale outputs of 576 terms). The choice depends on the
// shapes only, so results are reproducible from run to run.
bool prefer_winograd(const core::BaseConv& layer, int64_t in_channels, const std::vector<int64_t>& out_nc) {
  if (layer.rank() != 2 || layer.groups() != 1) return false;
  for (int i = 0; i < 2; ++i) {
    if (layer.kernel_size()[i] != 3 || layer.strides()[i] != 1 || layer.dilation_rate()[i] != 1) return false;
  }
  const int64_t batch = out_nc[0], filters = layer.filters(), pixels = out_nc[2] * out_nc[3];
  if (pixels >= 20 * 20) return in_channels >= 16 && filters >= 16;
  if (in_channels < 32 || filters < 32 || batch < 4) return false;
  return pixels >= 12 * 12 || batch * in_channels * filters >= 32768;
}

// The layer's kernel with a following BatchNormalization folded in (the kernel's last axis is the filter).
std::vector<float> folded_kernel(const core::BaseConv& layer, const core::BatchNormalization* batch_norm) {
  const std::span<const float> values = weight_values(layer, "kernel");
  std::vector<float> kernel(values.begin(), values.end());
  if (batch_norm == nullptr) return kernel;
  std::vector<float> bias;
  fold_batch_norm(kernel, bias, layer.filters(), *batch_norm);
  return kernel;
}

void lower_conv(PlanBuilder& b, const core::BaseConv& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  // A ZeroPadding the fusion pass folded into this convolution: read its input, pad as part of the window.
  const Fusion fusion = b.fusion(node);
  ValueId x = b.value_of(fusion.unpadded_input != nullptr ? fusion.unpadded_input : node.inputs[0]);
  const memory::desc src_view = b.spatial_view(x, channels_first, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), channels_first);
  std::vector<int64_t> padded_nc = in_nc;  // what the window slides over
  for (std::size_t i = 0; i < fusion.input_padding.size(); ++i) {
    padded_nc[2 + i] += fusion.input_padding[i].first + fusion.input_padding[i].second;
  }
  const int64_t batch = in_nc[0], in_channels = in_nc[1], filters = layer.filters(), groups = layer.groups();
  const int rank = layer.rank();

  memory::dims strides, dilates, pad_left, pad_right;
  std::vector<int64_t> out_nc = {batch, filters};
  for (int i = 0; i < rank; ++i) {
    const WindowPadding p = window_padding(padded_nc[2 + i], layer.kernel_size()[i], layer.strides()[i],
                                           layer.dilation_rate()[i], layer.padding(), name);
    strides.push_back(p.stride);
    dilates.push_back(layer.dilation_rate()[i] - 1);  // oneDNN counts the gaps
    const auto folded = i < static_cast<int>(fusion.input_padding.size()) ? fusion.input_padding[static_cast<std::size_t>(i)]
                                                                         : std::pair<int64_t, int64_t>{0, 0};
    pad_left.push_back(p.left + folded.first);
    pad_right.push_back(p.right + folded.second);
    out_nc.push_back(p.output);
  }
  check_window_output(name, out_nc, [&] {
    core::conv_utils::compute_conv_output_shape(core::Shape(keras_dims(padded_nc, channels_first)), core::Json(filters),
                                                core::Json(layer.kernel_size()), core::Json(layer.strides()),
                                                core::Json(layer.padding()), layer.data_format(),
                                                core::Json(layer.dilation_rate()));
  });
  const std::vector<int64_t> out_dims = keras_dims(out_nc, channels_first);
  b.check_dims(node.outputs[0], out_dims, name);

  const int channel_axis = channels_first ? 1 : rank + 1;
  const std::span<const float> keras_kernel = weight_values(layer, "kernel");
  std::vector<float> kernel(keras_kernel.begin(), keras_kernel.end());
  std::vector<float> bias;
  if (layer.use_bias()) std::ranges::copy(weight_values(layer, "bias"), std::back_inserter(bias));
  if (fusion.batch_norm != nullptr) fold_batch_norm(kernel, bias, filters, *fusion.batch_norm);
  if (in_channels == 0) {  // an input of 0 channels: every output pixel is the bias
    lower_bias_only(b, x, out_dims, channel_axis, bias, layer.activation(), fusion, name);
    return;
  }

  const ProducerPostOps fused = producer_post_ops(layer.activation(), fusion);
  const bool own_fused = fused.own_fused;
  const std::vector<core::Activation>& post_ops = fused.activations;
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(fused.ops);

  const bool bf16 = b.options().bf16;
  const memory::data_type type = bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  const memory::desc user_kernel = keras_kernel_md(layer, in_channels / groups);
  const memory::desc src_any(in_nc, type, memory::format_tag::any);
  const memory::desc weights_any(user_kernel.dims(), type, memory::format_tag::any);
  const memory::desc bias_md({filters}, memory::data_type::f32, memory::format_tag::a);
  const memory::desc dst_any(out_nc, memory::data_type::f32, memory::format_tag::any);
  const auto primitive_desc = [&](dnnl::algorithm algo, const memory::desc& src_md) {
    const auto prop = dnnl::prop_kind::forward_inference;
    const auto desc =
        bias.empty()
            ? dnnl::convolution_forward::desc(prop, algo, src_md, weights_any, dst_any, strides, dilates, pad_left,
                                              pad_right)
            : dnnl::convolution_forward::desc(prop, algo, src_md, weights_any, bias_md, dst_any, strides, dilates,
                                              pad_left, pad_right);
    return dnnl::convolution_forward::primitive_desc(desc, attr, b.engine());
  };
  dnnl::convolution_forward::primitive_desc pd;
  bool winograd = false;
  if (b.options().winograd && !bf16 && prefer_winograd(layer, in_channels, out_nc)) {
    try {
      // Its kernels read blocked sources only: the source layout is left to it (a reorder below if needed).
      pd = primitive_desc(dnnl::algorithm::convolution_winograd, src_any);
      winograd = true;
    } catch (const dnnl::error&) {
      // No Winograd kernel for this CPU (before AVX-512) or these post-ops: the direct one below.
    }
  }
  // Direct: float32 reads the producer's layout as it is; bfloat16 needs a converted (reordered) source.
  if (!pd) pd = primitive_desc(dnnl::algorithm::convolution_direct, bf16 ? src_any : src_view);

  const ValueId x_f32 = x;
  if (pd.src_desc() != src_view) x = b.reorder(x, src_view, pd.src_desc(), b.dims(x), true, channels_first, name);
  std::vector<ConstantArg> constants = {{DNNL_ARG_WEIGHTS, b.constant(user_kernel, kernel.data(), pd.weights_desc())}};
  if (!bias.empty()) constants.push_back({DNNL_ARG_BIAS, b.constant(bias_md, bias.data(), bias_md)});

  ValueId out = b.add_value(out_dims, pd.dst_desc(), true, channels_first);
  b.add_primitive(name, dnnl::convolution_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, pd.src_desc()}, {DNNL_ARG_DST, out, pd.dst_desc()}}, constants);
  if (fused_layer_needs_guard(post_ops, winograd)) {
    FusedLayer guarded;
    guarded.layer = name;
    guarded.src = x_f32;
    guarded.src_md = src_view;
    guarded.dst = out;
    guarded.dst_md = pd.dst_desc();
    guarded.activations = post_ops;
    guarded.winograd = winograd;
    guarded.kernel = kernel;
    guarded.bias = bias;
    guarded.out_channels = filters;
    guarded.weights = constants[0].memory;
    if (!bias.empty()) guarded.bias_memory = constants[1].memory;
    if (winograd) {
      const core::BatchNormalization* batch_norm = fusion.batch_norm;
      guarded.keras_kernel = [&layer, batch_norm] { return folded_kernel(layer, batch_norm); };
      guarded.keras_kernel_md = user_kernel;
    }
    const memory::dims weight_dims = user_kernel.dims();
    const dnnl::primitive_attr plain_attr = b.attributes();
    const bool has_bias = !bias.empty();
    guarded.make = [=](const dnnl::engine& engine, const memory::desc& dst) {
      const memory::desc weights(weight_dims, memory::data_type::f32, memory::format_tag::any);
      const auto prop = dnnl::prop_kind::forward_inference;
      const auto algo = dnnl::algorithm::convolution_direct;
      const auto desc = has_bias ? dnnl::convolution_forward::desc(prop, algo, src_view, weights, bias_md, dst, strides,
                                                                   dilates, pad_left, pad_right)
                                 : dnnl::convolution_forward::desc(prop, algo, src_view, weights, dst, strides, dilates,
                                                                   pad_left, pad_right);
      const dnnl::convolution_forward::primitive_desc conv(desc, plain_attr, engine);
      return PreActivationPrimitive{dnnl::convolution_forward(conv), conv.weights_desc(), conv.scratchpad_desc()};
    };
    add_fused_layer_guard(b, std::move(guarded));
  }
  if (!own_fused) out = apply_activation(b, out, layer.activation(), name);
  b.set_output(fusion.output, out);
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
