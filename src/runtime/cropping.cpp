// Cropping{1,2,3}D: a oneDNN reorder of the input's kept window (a submemory of its desc, in whatever layout
// its producer wrote, blocked included) into a new value in Keras's layout.
#include "layers/cropping_base.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

void lower_cropping(PlanBuilder& b, const core::CroppingBase& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool cf = layer.channels_first();
  const auto& crop = layer.cropping();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, cf, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), cf);
  std::vector<int64_t> out_nc = in_nc;
  memory::dims offsets(in_nc.size(), 0);
  for (std::size_t i = 0; i < crop.size(); ++i) {
    const int64_t size = in_nc[2 + i], before = crop[i][0], after = crop[i][1];
    // A None dim of the model given a size the cropping does not fit: Keras's own check, at run time.
    if (before >= size || after >= size - before) {
      throw core::Error(core::Status::InvalidArgument,
                        "Layer '" + name + "': values in `cropping` argument should be smaller than the "
                        "corresponding spatial dimension of the input (axis of size " + std::to_string(size) +
                        ", cropping (" + std::to_string(before) + ", " + std::to_string(after) + "))");
    }
    out_nc[2 + i] = size - before - after;
    offsets[2 + i] = before;
  }
  const std::vector<int64_t> out_dims = keras_dims(out_nc, cf);
  b.check_dims(node.outputs[0], out_dims, name);
  const memory::desc out_md = nc_md(out_nc, !cf);
  if (product(out_nc, 0, out_nc.size()) == 0) {  // nothing to copy (and no submemory of an empty tensor)
    const ValueId out = b.add_value(out_dims, out_md, true, cf);
    b.add_custom(name, [](const RunContext&) {}, {x}, {out});
    b.set_output(node.outputs[0], out);
    return;
  }
  const memory::desc window = src_md.submemory_desc(to_dnnl(out_nc), offsets);
  b.set_output(node.outputs[0], b.reorder(x, window, out_md, out_dims, true, cf, name));
}

}  // namespace

const LayerLowering cropping_lowering = {.lower = lower_as<core::CroppingBase, lower_cropping>};

}  // namespace inlay::runtime
