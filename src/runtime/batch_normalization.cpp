// A BatchNormalization that did not fold into a preceding Dense / Conv: in inference a per-channel
// affine map, run as one oneDNN binary multiply with a fused binary add (broadcast along the normalized
// axis). A spatial input normalized over its channels stays in its (possibly blocked) layout.
#include "layers/batch_normalization.hpp"
#include "runtime/elementwise_steps.hpp"
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
  if (in.spatial && axis == channel_axis && !b.is_plain(x)) {
    // A blocked spatial value normalized over its channels stays in its layout.
    src_md = in.md;
    broadcast.assign(in.dims.size(), 1);
    broadcast[1] = in.dims[static_cast<std::size_t>(axis)];
    spatial = true;
  } else {
    // A plain tensor, seen under the fewest axes that keep the broadcast (collapse_broadcast): DenseNet's
    // BatchNormalization after a Concatenate is (N*H*W, C) with (1, C), which oneDNN runs on a jit kernel.
    x = b.to_plain(x, name);
    const std::vector<int64_t>& dims = b.dims(x);
    broadcast.assign(dims.size(), 1);
    broadcast[static_cast<std::size_t>(axis)] = dims[static_cast<std::size_t>(axis)];
    src_md = plain_md(collapse_broadcast(dims, {&broadcast}));
  }
  const Value& src = b.value(x);
  const ChannelAffine affine = batch_norm_affine(layer);
  const memory::desc user_param_md = plain_md(broadcast);
  // Parameters of the input's own dims (a spatial input of 1x1: nothing to broadcast) take the input's layout:
  // oneDNN has no jit kernel for two operands of one shape in different layouts.
  // On AVX2 CPUs a spatial input is channel-blocked (aBcd8b): the parameters take that layout too (the
  // constant's reorder pads them), else oneDNN runs its reference kernel.
  memory::desc param_md = user_param_md.dims() == src_md.dims() ? src_md : user_param_md;
  if (spatial) param_md = blocked_like(src_md, broadcast).value_or(param_md);

  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_add, param_md);
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(ops);
  const dnnl::binary::desc desc(dnnl::algorithm::binary_mul, src_md, param_md, src_md);
  const dnnl::binary::primitive_desc pd(desc, attr, b.engine());

  const ValueId out = b.add_value(src.dims, spatial ? src_md : plain_md(src.dims), spatial, src.channels_first);
  b.add_primitive(name, dnnl::binary(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC_0, x, src_md}, {DNNL_ARG_DST, out, src_md}},
                  {{DNNL_ARG_SRC_1, b.constant(user_param_md, affine.scale.data(), param_md)},
                   {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1,
                    b.constant(user_param_md, affine.shift.data(), param_md)}});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering batch_normalization_lowering = {.lower = lower_as<core::BatchNormalization, lower_batch_normalization>, .role = FusionRole::BatchNormalization, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
