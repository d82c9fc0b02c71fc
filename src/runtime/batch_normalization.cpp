// A BatchNormalization that did not fold into a preceding Dense / Conv: in inference a per-channel
// affine map, run as one oneDNN binary multiply with a fused binary add (broadcast along the normalized
// axis). A spatial input normalized over its channels stays in its (possibly blocked) layout.
#include "layers/batch_normalization.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

void lower_batch_normalization(PlanBuilder& b, const core::BatchNormalization& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.value_of(node.inputs[0]);
  const int axis = layer.normalized_axis();
  const Value& in = b.value(x);
  const int channel_axis = in.channels_first ? 1 : static_cast<int>(in.dims.size()) - 1;

  memory::desc src_md;
  std::vector<int64_t> broadcast;
  bool spatial = false;
  if (in.spatial && axis == channel_axis) {
    src_md = in.md;
    broadcast.assign(in.dims.size(), 1);
    broadcast[1] = in.dims[static_cast<std::size_t>(axis)];
    spatial = true;
  } else {
    x = b.to_plain(x, name);
    const std::vector<int64_t>& dims = b.dims(x);
    if (axis == static_cast<int>(dims.size()) - 1 && dims.size() > 2) {
      // Normalized over the last axis of a plain (N, ..., C) tensor (a channels-last value after a Concatenate,
      // as in DenseNet): the same bytes seen as (rows, C) with a (1, C) broadcast, for which oneDNN 2.6 has a jit
      // kernel; as (1, H, W, C) with a (1, 1, 1, C) broadcast it runs its reference one (~700x slower).
      const int64_t channels = dims.back();
      src_md = plain_md({product(dims, 0, dims.size() - 1), channels});
      broadcast = {1, channels};
    } else {
      src_md = plain_md(dims);
      broadcast.assign(dims.size(), 1);
      broadcast[static_cast<std::size_t>(axis)] = dims[static_cast<std::size_t>(axis)];
    }
  }
  const Value& src = b.value(x);
  const ChannelAffine affine = batch_norm_affine(layer);
  const memory::desc param_md = plain_md(broadcast);

  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_add, param_md);
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(ops);
  const dnnl::binary::desc desc(dnnl::algorithm::binary_mul, src_md, param_md, src_md);
  const dnnl::binary::primitive_desc pd(desc, attr, b.engine());

  const ValueId out = b.add_value(src.dims, spatial ? src_md : plain_md(src.dims), spatial, src.channels_first);
  b.add_primitive(name, dnnl::binary(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC_0, x, src_md}, {DNNL_ARG_DST, out, src_md}},
                  {{DNNL_ARG_SRC_1, b.constant(param_md, affine.scale.data(), param_md)},
                   {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1,
                    b.constant(param_md, affine.shift.data(), param_md)}});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering batch_normalization_lowering = {.lower = lower_as<core::BatchNormalization, lower_batch_normalization>, .role = FusionRole::BatchNormalization, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
