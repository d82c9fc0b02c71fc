// Conv1DTranspose / Conv2DTranspose / Conv3DTranspose on oneDNN's deconvolution (the backward-data
// convolution TensorFlow's conv_transpose is). Keras's kernel (k..., filters, in) is read in place as
// oneDNN's (filters, in, k...) weights. Each output length is Keras's rule (conv_utils::
// conv_transpose_output_length); TensorFlow pads as the forward convolution from that output back to the
// input would: nothing before for "valid", half of max((in - 1) * stride + window - out, 0) for "same"; the
// rest of the window is oneDNN's right padding, and where the output reaches past the last window (an
// output_padding) the right padding is 0 and those trailing outputs get the bias only, as in TensorFlow.
// The bias is fused; the activation runs as its own step (Keras's NaN / Inf semantics, no guard needed).
#include <algorithm>
#include <span>

#include "layers/conv_transpose_base.hpp"
#include "layers/conv_utils.hpp"
#include "runtime/lowerings.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// Keras's (k_1, ..., k_r, filters, in) kernel as oneDNN's (filters, in, k...) weights, through strides.
memory::desc keras_kernel_md(const core::BaseConvTranspose& layer, int64_t in_channels) {
  const int64_t filters = layer.filters();
  const std::vector<int64_t>& ks = layer.kernel_size();
  memory::dims dims = {filters, in_channels}, strides = {in_channels, 1};
  int64_t stride = in_channels * filters;
  memory::dims spatial(ks.size());
  for (std::size_t i = ks.size(); i-- > 0;) {
    spatial[i] = stride;
    stride *= ks[i];
  }
  dims.insert(dims.end(), ks.begin(), ks.end());
  strides.insert(strides.end(), spatial.begin(), spatial.end());
  return memory::desc(dims, memory::data_type::f32, strides);
}

struct DeconvWindow {
  std::vector<int64_t> out_nc;
  memory::dims strides, dilates, pad_left, pad_right;
};

DeconvWindow deconv_window(const core::BaseConvTranspose& layer, const std::vector<int64_t>& in_nc) {
  DeconvWindow w;
  w.out_nc = {in_nc[0], layer.filters()};
  for (std::size_t i = 0; i < layer.kernel_size().size(); ++i) {
    const int64_t in = in_nc[2 + i], stride = layer.strides()[i], dilation = layer.dilation_rate()[i];
    if (in == 0) {
      throw core::Error(core::Status::Unsupported,
                        "Layer '" + layer.name() + "': a transposed convolution of an empty spatial axis is not "
                        "supported by inlay's runtime");
    }
    const int64_t out = core::conv_utils::conv_transpose_output_length(
        in, layer.kernel_size()[i], stride, layer.padding(), layer.output_padding()[i], dilation);
    const int64_t window = (layer.kernel_size()[i] - 1) * dilation + 1;
    const int64_t reach = (in - 1) * stride + window;  // the output the windows cover without padding
    const int64_t left = layer.padding() == "same" ? std::max<int64_t>(reach - out, 0) / 2 : 0;
    w.strides.push_back(stride);
    w.dilates.push_back(dilation - 1);  // oneDNN counts the gaps
    w.pad_left.push_back(left);
    w.pad_right.push_back(std::max<int64_t>(reach - out - left, 0));
    w.out_nc.push_back(out);
  }
  return w;
}

void lower_conv_transpose(PlanBuilder& b, const core::BaseConvTranspose& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_view = b.spatial_view(x, channels_first, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), channels_first);
  const DeconvWindow w = deconv_window(layer, in_nc);
  const std::vector<int64_t> out_dims = keras_dims(w.out_nc, channels_first);
  b.check_dims(node.outputs[0], out_dims, name);

  std::vector<float> bias;
  if (layer.use_bias()) {
    const std::span<const float> values = weight_values(layer, "bias");
    bias.assign(values.begin(), values.end());
  }
  if (in_nc[1] == 0) {  // no input channels: every output is the bias
    const int channel_axis = channels_first ? 1 : static_cast<int>(out_dims.size()) - 1;
    lower_bias_only(b, x, out_dims, channel_axis, bias, layer.activation(), b.fusion(node), name);
    return;
  }
  const bool bf16 = b.options().bf16;
  const memory::data_type type = bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  const memory::desc user_kernel = keras_kernel_md(layer, in_nc[1]);
  const memory::desc src_md = bf16 ? memory::desc(in_nc, type, memory::format_tag::any) : src_view;
  const memory::desc weights_any(user_kernel.dims(), type, memory::format_tag::any);
  const memory::desc bias_md({layer.filters()}, memory::data_type::f32, memory::format_tag::a);
  const memory::desc dst_any(w.out_nc, memory::data_type::f32, memory::format_tag::any);
  const auto make_pd = [&](const memory::desc& src) {
    const auto prop = dnnl::prop_kind::forward_inference;
    const auto algo = dnnl::algorithm::deconvolution_direct;
    const auto desc = bias.empty() ? dnnl::deconvolution_forward::desc(prop, algo, src, weights_any, dst_any, w.strides,
                                                                       w.dilates, w.pad_left, w.pad_right)
                                   : dnnl::deconvolution_forward::desc(prop, algo, src, weights_any, bias_md, dst_any,
                                                                       w.strides, w.dilates, w.pad_left, w.pad_right);
    return dnnl::deconvolution_forward::primitive_desc(desc, b.attributes(), b.engine());
  };
  dnnl::deconvolution_forward::primitive_desc pd = make_pd(src_md);
  // On the input's own layout oneDNN may only have its reference kernel (a channels-last input of few
  // channels): a layout of its choosing, at the cost of one reorder of the input, runs a jit one.
  if (reference_implementation(pd)) {
    const dnnl::deconvolution_forward::primitive_desc any = make_pd(memory::desc(in_nc, type, memory::format_tag::any));
    if (!reference_implementation(any)) pd = any;
  }
  if (pd.src_desc() != src_view) x = b.reorder(x, src_view, pd.src_desc(), b.dims(x), true, channels_first, name);
  const std::span<const float> kernel = weight_values(layer, "kernel");
  std::vector<ConstantArg> constants = {{DNNL_ARG_WEIGHTS, b.constant(user_kernel, kernel.data(), pd.weights_desc())}};
  if (!bias.empty()) constants.push_back({DNNL_ARG_BIAS, b.constant(bias_md, bias.data(), bias_md)});
  ValueId out = b.add_value(out_dims, pd.dst_desc(), true, channels_first);
  b.add_primitive(name, dnnl::deconvolution_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, pd.src_desc()}, {DNNL_ARG_DST, out, pd.dst_desc()}}, constants);
  b.set_output(node.outputs[0], apply_activation(b, out, layer.activation(), name));
}

}  // namespace

const LayerLowering conv_transpose_lowering = {
    .lower = lower_as<core::BaseConvTranspose, lower_conv_transpose>,
};

}  // namespace inlay::runtime
