// Flatten: a view of the input's bytes as (batch, rest) when they are in Keras's order. With
// channels_first, Keras 3 first moves the channels last, so the flattened order is (spatial..., C):
// one reorder from the input's layout (blocked or not) straight into that order.
#include "layers/flatten.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_flatten(PlanBuilder& b, const core::Flatten& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.value_of(node.inputs[0]);
  const std::vector<int64_t> in_dims = b.dims(x);
  const std::vector<int64_t> out_dims = {in_dims[0], product(in_dims, 1, in_dims.size())};
  b.check_dims(node.outputs[0], out_dims, name);
  if (layer.channels_first() && in_dims.size() > 2) {
    const dnnl::memory::desc from = b.spatial_view(x, true, name);
    const dnnl::memory::desc to = nc_md(in_dims, true);  // (N, C, spatial...) with the channels innermost
    b.set_output(node.outputs[0], b.reorder(x, from, to, out_dims, false, false, name));
    return;
  }
  const Value& in = b.value(x);
  if (in.spatial && !in.channels_first && in.md.data_type() == dnnl::memory::data_type::f32 &&
      in.ragged_input < 0) {
    const auto& into_dense = b.fusions().flatten_into_dense;
    if (auto it = into_dense.find(&node); it != into_dense.end()) {
      const Node* consumer = it->second;
      // Dense reads the spatial tensor itself: no reorder to Keras's layout, no 2-D view.
      b.set_flattened_input(consumer, x);
      b.set_output(node.outputs[0], x);
      return;
    }
  }
  x = b.to_plain(x, name);
  b.set_output(node.outputs[0], b.add_alias(x, out_dims));
}

}  // namespace

const LayerLowering flatten_lowering = {.lower = lower_as<core::Flatten, lower_flatten>};

}  // namespace inlay::runtime
