// ZeroPadding{1,2,3}D: the output is zero-filled, then a oneDNN reorder copies the input (in whatever layout
// its producer wrote, blocked included) into the output's interior, described as a submemory of it.
// The fusion pass may fold the layer into the convolution that alone reads it (FusionRole::ZeroPadding).
#include <algorithm>
#include <limits>

#include "layers/zero_padding_base.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// size + before + after, saturated: a None spatial dim of the model padded by a huge config value can pass
// int64, and check_dims then refuses the output as too large for the runtime.
int64_t padded_size(int64_t size, int64_t before, int64_t after) {
  int64_t out = 0;
  if (__builtin_add_overflow(size, before, &out) || __builtin_add_overflow(out, after, &out)) {
    return std::numeric_limits<int64_t>::max();
  }
  return out;
}

void lower_zero_padding(PlanBuilder& b, const core::ZeroPaddingBase& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool cf = layer.channels_first();
  const auto& pad = layer.padding();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, cf, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), cf);
  std::vector<int64_t> out_nc = in_nc;
  memory::dims offsets(in_nc.size(), 0);
  for (std::size_t i = 0; i < pad.size(); ++i) {
    // Keras accepts a negative int padding symbolically; TensorFlow's pad then refuses it when run.
    if (pad[i][0] < 0 || pad[i][1] < 0) throw_unsupported(name, "a negative padding");
    out_nc[2 + i] = padded_size(in_nc[2 + i], pad[i][0], pad[i][1]);
    offsets[2 + i] = pad[i][0];
  }
  const std::vector<int64_t> out_dims = keras_dims(out_nc, cf);
  b.check_dims(node.outputs[0], out_dims, name);
  const memory::desc out_md = nc_md(out_nc, !cf);  // Keras's own bytes
  const ValueId out = b.add_value(out_dims, out_md, true, cf);
  const std::size_t count = out_md.get_size() / sizeof(float);
  b.add_custom(
      name, [out, count](const RunContext& ctx) { std::fill_n(ctx.f32(out), count, 0.f); }, {x}, {out});
  if (product(in_nc, 0, in_nc.size()) > 0) {  // an empty input has nothing to copy (and no submemory)
    const memory::desc interior = out_md.submemory_desc(to_dnnl(in_nc), offsets);
    const dnnl::reorder::primitive_desc pd(b.engine(), src_md, b.engine(), interior, b.attributes());
    b.add_primitive(name, dnnl::reorder(pd), pd.scratchpad_desc(),
                    {{DNNL_ARG_FROM, x, src_md}, {DNNL_ARG_TO, out, interior}});
  }
  b.same_magnitude(out, x);  // the input's values and zeros
  b.set_output(node.outputs[0], out);
}

bool padding_of(const Layer& layer, std::vector<std::pair<int64_t, int64_t>>& pads, bool& channels_first) {
  const auto& zp = layer_as<core::ZeroPaddingBase>(layer);
  for (const auto& p : zp.padding()) {
    if (p[0] < 0 || p[1] < 0) return false;  // not a padding a convolution can take
    pads.emplace_back(p[0], p[1]);
  }
  channels_first = zp.channels_first();
  return true;
}

}  // namespace

const LayerLowering zero_padding_lowering = {
    .lower = lower_as<core::ZeroPaddingBase, lower_zero_padding>,
    .role = FusionRole::ZeroPadding,
    .padding = padding_of,
};

}  // namespace inlay::runtime
