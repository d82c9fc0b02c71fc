// TimeDistributed: the wrapped layer's own lowering, run once over all time steps. The input's plain bytes
// (batch, steps, ...) are viewed as (batch * steps, ...) rows, the inner layer's node is lowered against that
// view, and its output's plain bytes are viewed back as (batch, steps, ...). Keras computes the same slice by
// slice; every layer that can be wrapped treats rows independently, so no copy is needed either way.
#include "layers/time_distributed.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_time_distributed(PlanBuilder& b, const core::TimeDistributed& layer, const Node& node) {
  const std::string& name = layer.name();
  const Node& inner_node = layer.inner_node(node);
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in_dims = b.dims(x);
  std::vector<int64_t> rows = {in_dims[0] * in_dims[1]};
  rows.insert(rows.end(), in_dims.begin() + 2, in_dims.end());
  b.set_output(inner_node.inputs[0], b.add_alias(x, rows));
  b.lower_nested(layer.inner(), inner_node);
  const ValueId y = b.to_plain(b.value_of(inner_node.outputs[0]), name);
  const std::vector<int64_t>& inner_dims = b.dims(y);
  std::vector<int64_t> out_dims = {in_dims[0], in_dims[1]};
  out_dims.insert(out_dims.end(), inner_dims.begin() + 1, inner_dims.end());
  b.check_dims(node.outputs[0], out_dims, name);
  b.set_output(node.outputs[0], b.add_alias(y, out_dims));
}

}  // namespace

// Keras's TimeDistributed supports masking with the default compute_mask: the output keeps the input's mask.
const LayerLowering time_distributed_lowering = {.lower = lower_as<core::TimeDistributed, lower_time_distributed>,
                                                 .masking = Masking::PassesThrough, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
