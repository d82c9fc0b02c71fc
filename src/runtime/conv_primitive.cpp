#include "runtime/conv_primitive.hpp"

#include "layers/conv_utils.hpp"
#include "runtime/fused_guard.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/window.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// The Keras kernel (k_1, ..., k_r, in / groups, filters) described as oneDNN weights: (filters, in, k...)
// or, grouped, (groups, filters / groups, in / groups, k...), through strides over the Keras bytes.
memory::desc keras_kernel_md(const ConvSpec& spec, int64_t in_per_group) {
  const int64_t filters = spec.filters, groups = spec.groups;
  const std::vector<int64_t>& ks = spec.kernel_size;
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
bool prefer_winograd(const ConvSpec& spec, int64_t in_channels, const std::vector<int64_t>& out_nc) {
  if (!spec.winograd_candidate || spec.kernel_size.size() != 2 || spec.groups != 1) return false;
  for (std::size_t i = 0; i < 2; ++i) {
    if (spec.kernel_size[i] != 3 || spec.strides[i] != 1 || spec.dilation_rate[i] != 1) return false;
  }
  const int64_t batch = out_nc[0], filters = spec.filters, pixels = out_nc[2] * out_nc[3];
  if (pixels >= 20 * 20) return in_channels >= 16 && filters >= 16;
  if (in_channels < 32 || filters < 32 || batch < 4) return false;
  return pixels >= 12 * 12 || batch * in_channels * filters >= 32768;
}

// The guard step that keeps NaN / Inf as Keras computes them when post-ops or Winograd could differ.
void add_guard(PlanBuilder& b, const ConvSpec& spec, ValueId x_f32, const memory::desc& src_view, ValueId out,
               const dnnl::convolution_forward::primitive_desc& pd, const ConvWindow& w,
               const std::vector<core::Activation>& post_ops, bool winograd, const memory::desc& user_kernel,
               const std::vector<ConstantArg>& constants) {
  FusedLayer guarded;
  guarded.layer = spec.name;
  guarded.src = x_f32;
  guarded.src_md = src_view;
  guarded.dst = out;
  guarded.dst_md = pd.dst_desc();
  guarded.activations = post_ops;
  guarded.winograd = winograd;
  guarded.kernel = spec.kernel;
  guarded.bias = spec.bias;
  guarded.out_channels = spec.filters;
  guarded.weights = constants[0].memory;
  if (!spec.bias.empty()) guarded.bias_memory = constants[1].memory;
  if (winograd) {
    guarded.keras_kernel = spec.keras_kernel;
    guarded.keras_kernel_md = user_kernel;
  }
  const memory::dims weight_dims = user_kernel.dims();
  const dnnl::primitive_attr plain_attr = b.attributes();
  const bool has_bias = !spec.bias.empty();
  const memory::desc bias_md({spec.filters}, memory::data_type::f32, memory::format_tag::a);
  guarded.make = [=](const dnnl::engine& engine, const memory::desc& dst) {
    const memory::desc weights(weight_dims, memory::data_type::f32, memory::format_tag::any);
    const auto prop = dnnl::prop_kind::forward_inference;
    const auto algo = dnnl::algorithm::convolution_direct;
    const auto desc = has_bias ? dnnl::convolution_forward::desc(prop, algo, src_view, weights, bias_md, dst,
                                                                 w.strides, w.dilates, w.pad_left, w.pad_right)
                               : dnnl::convolution_forward::desc(prop, algo, src_view, weights, dst, w.strides,
                                                                 w.dilates, w.pad_left, w.pad_right);
    const dnnl::convolution_forward::primitive_desc conv(desc, plain_attr, engine);
    return PreActivationPrimitive{dnnl::convolution_forward(conv), conv.weights_desc(), conv.scratchpad_desc()};
  };
  add_fused_layer_guard(b, std::move(guarded));
}

}  // namespace

ConvWindow conv_window(const ConvSpec& spec, const std::vector<int64_t>& in_nc,
                       const std::vector<std::pair<int64_t, int64_t>>& input_padding) {
  std::vector<int64_t> padded_nc = in_nc;  // what the window slides over
  for (std::size_t i = 0; i < input_padding.size(); ++i) {
    padded_nc[2 + i] += input_padding[i].first + input_padding[i].second;
  }
  ConvWindow w;
  w.out_nc = {in_nc[0], spec.filters};
  for (std::size_t i = 0; i < spec.kernel_size.size(); ++i) {
    const WindowPadding p = window_padding(padded_nc[2 + i], spec.kernel_size[i], spec.strides[i],
                                           spec.dilation_rate[i], spec.padding, spec.name);
    w.strides.push_back(p.stride);
    w.dilates.push_back(spec.dilation_rate[i] - 1);  // oneDNN counts the gaps
    const auto folded = i < input_padding.size() ? input_padding[i] : std::pair<int64_t, int64_t>{0, 0};
    w.pad_left.push_back(p.left + folded.first);
    w.pad_right.push_back(p.right + folded.second);
    w.out_nc.push_back(p.output);
  }
  check_window_output(spec.name, w.out_nc, [&] {
    core::conv_utils::compute_conv_output_shape(
        core::Shape(keras_dims(padded_nc, spec.channels_first)), core::Json(spec.filters),
        core::Json(spec.kernel_size), core::Json(spec.strides), core::Json(spec.padding),
        spec.channels_first ? "channels_first" : "channels_last", core::Json(spec.dilation_rate));
  });
  return w;
}

ValueId add_convolution(PlanBuilder& b, const ConvSpec& spec, ValueId x, const ConvWindow& w,
                        const Fusion& fusion) {
  const memory::desc src_view = b.spatial_view(x, spec.channels_first, spec.name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), spec.channels_first);
  const int64_t in_channels = in_nc[1];

  const ProducerPostOps fused = producer_post_ops(spec.activation, fusion);
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(fused.ops);

  const bool bf16 = b.options().bf16;
  const memory::data_type type = bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  const memory::desc user_kernel = keras_kernel_md(spec, in_channels / spec.groups);
  const memory::desc src_any(in_nc, type, memory::format_tag::any);
  const memory::desc weights_any(user_kernel.dims(), type, memory::format_tag::any);
  const memory::desc bias_md({spec.filters}, memory::data_type::f32, memory::format_tag::a);
  const memory::desc dst_any(w.out_nc, memory::data_type::f32, memory::format_tag::any);
  const auto primitive_desc = [&](dnnl::algorithm algo, const memory::desc& src_md) {
    const auto prop = dnnl::prop_kind::forward_inference;
    const auto desc = spec.bias.empty()
                          ? dnnl::convolution_forward::desc(prop, algo, src_md, weights_any, dst_any, w.strides,
                                                            w.dilates, w.pad_left, w.pad_right)
                          : dnnl::convolution_forward::desc(prop, algo, src_md, weights_any, bias_md, dst_any,
                                                            w.strides, w.dilates, w.pad_left, w.pad_right);
    return dnnl::convolution_forward::primitive_desc(desc, attr, b.engine());
  };
  dnnl::convolution_forward::primitive_desc pd;
  bool winograd = false;
  if (b.options().winograd && !bf16 && prefer_winograd(spec, in_channels, w.out_nc)) {
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
  // On the producer's layout oneDNN may only have its reference kernel (a blocked source of few channels into a
  // convolution of fewer filters): a source layout of its choosing, at the cost of one reorder, runs a jit one.
  if (reference_implementation(pd) && !bf16) {
    const auto any = primitive_desc(dnnl::algorithm::convolution_direct, src_any);
    if (!reference_implementation(any)) pd = any;
  }

  const ValueId x_f32 = x;
  if (pd.src_desc() != src_view) {
    x = b.reorder(x, src_view, pd.src_desc(), b.dims(x), true, spec.channels_first, spec.name);
  }
  std::vector<ConstantArg> constants = {
      {DNNL_ARG_WEIGHTS, b.constant(user_kernel, spec.kernel.data(), pd.weights_desc())}};
  if (!spec.bias.empty()) constants.push_back({DNNL_ARG_BIAS, b.constant(bias_md, spec.bias.data(), bias_md)});

  ValueId out = b.add_value(keras_dims(w.out_nc, spec.channels_first), pd.dst_desc(), true, spec.channels_first);
  b.add_primitive(spec.name, dnnl::convolution_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, pd.src_desc()}, {DNNL_ARG_DST, out, pd.dst_desc()}}, constants);
  if (fused_layer_needs_guard(fused.activations, winograd)) {
    add_guard(b, spec, x_f32, src_view, out, pd, w, fused.activations, winograd, user_kernel, constants);
  }
  if (!fused.own_fused) out = apply_activation(b, out, spec.activation, spec.name);
  return out;
}

void lower_conv_node(PlanBuilder& b, const ConvSpec& spec, ValueId x, const Node& node, const Fusion& fusion) {
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), spec.channels_first);
  const ConvWindow window = conv_window(spec, in_nc, fusion.input_padding);
  const std::vector<int64_t> out_dims = keras_dims(window.out_nc, spec.channels_first);
  b.check_dims(node.outputs[0], out_dims, spec.name);
  if (in_nc[1] == 0) {  // an input of 0 channels: every output pixel is the bias
    const int channel_axis = spec.channels_first ? 1 : static_cast<int>(out_dims.size()) - 1;
    lower_bias_only(b, x, out_dims, channel_axis, spec.bias, spec.activation, fusion, spec.name);
    return;
  }
  b.set_output(fusion.output, add_convolution(b, spec, x, window, fusion));
}

}  // namespace inlay::runtime
