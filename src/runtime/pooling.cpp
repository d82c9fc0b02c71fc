// MaxPooling{1,2}D and AveragePooling{1,2}D on oneDNN pooling, in the producer's layout (blocked after a
// convolution). TensorFlow's "same" average pooling divides by the number of input elements in each
// window, which is oneDNN's avg_exclude_padding; max pooling never picks padding.
#include "layers/pooling_base.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/window.hpp"

namespace inlay::runtime {

using dnnl::memory;

void lower_pooling(PlanBuilder& b, const core::BasePooling& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, channels_first, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), channels_first);

  memory::dims strides, kernel, pad_left, pad_right;
  std::vector<int64_t> out_nc = {in_nc[0], in_nc[1]};
  for (int i = 0; i < layer.pool_dimensions(); ++i) {
    const WindowPadding p =
        window_padding(in_nc[2 + i], layer.pool_size()[i], layer.strides()[i], 1, layer.padding());
    kernel.push_back(layer.pool_size()[i]);
    strides.push_back(layer.strides()[i]);
    pad_left.push_back(p.left);
    pad_right.push_back(p.right);
    out_nc.push_back(p.output);
  }
  std::vector<int64_t> out_dims = out_nc;
  if (!channels_first) {
    out_dims.erase(out_dims.begin() + 1);
    out_dims.push_back(in_nc[1]);
  }
  b.check_dims(node.outputs[0], out_dims, name);

  const auto algo = layer.pool_mode() == core::PoolMode::Max ? dnnl::algorithm::pooling_max
                                                             : dnnl::algorithm::pooling_avg_exclude_padding;
  const memory::desc dst_any(out_nc, memory::data_type::f32, memory::format_tag::any);
  const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, algo, src_md, dst_any, strides, kernel,
                                         pad_left, pad_right);
  const dnnl::pooling_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_value(out_dims, pd.dst_desc(), true, channels_first);
  b.add_primitive(name, dnnl::pooling_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, src_md}, {DNNL_ARG_DST, out, pd.dst_desc()}});
  b.set_output(node.outputs[0], out);
}

void lower_global_pooling(PlanBuilder& b, const core::BaseGlobalPooling& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, channels_first, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), channels_first);

  // (N, C, 1, ...) row-major has the bytes of Keras's (N, C), (N, 1, ..., C) and (N, C, 1, ...) alike.
  std::vector<int64_t> reduced(in_nc.size(), 1);
  reduced[0] = in_nc[0];
  reduced[1] = in_nc[1];
  std::vector<int64_t> out_dims;
  if (!layer.keepdims()) {
    out_dims = {in_nc[0], in_nc[1]};
  } else if (channels_first) {
    out_dims = reduced;
  } else {
    out_dims.assign(in_nc.size(), 1);
    out_dims.front() = in_nc[0];
    out_dims.back() = in_nc[1];
  }
  b.check_dims(node.outputs[0], out_dims, name);

  const auto algo = layer.pool_mode() == core::PoolMode::Max ? dnnl::algorithm::reduction_max
                                                             : dnnl::algorithm::reduction_mean;
  const memory::desc dst_md = plain_md(reduced);
  const dnnl::reduction::desc desc(algo, src_md, dst_md, 0.f, 0.f);
  const dnnl::reduction::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(out_dims);
  b.add_primitive(name, dnnl::reduction(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, src_md}, {DNNL_ARG_DST, out, dst_md}});
  b.set_output(node.outputs[0], out);
}

}  // namespace inlay::runtime
