// TimeDistributed: the wrapped layer's own lowering, run once over all time steps. The input's plain bytes
// (batch, steps, ...) are viewed as (batch * steps, ...) rows, the inner layer's node is lowered against that
// view, and its output's plain bytes are viewed back as (batch, steps, ...). Keras computes the same slice by
// slice; every layer that can be wrapped treats rows independently, so no copy is needed either way. The
// input's mask reaches the inner layer the same way (Keras passes mask[:, i] to a call that takes a mask).
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
  if (const std::optional<ValueId> mask = b.mask_of(node.inputs[0])) {
    // Keras hands the wrapped layer's call the mask of each step (mask[:, i], (batch, ...)); over batch * steps
    // rows that is the mask's bytes viewed as (batch * steps, ...). A layer whose call takes no mask reads none.
    const ValueId m = b.to_plain(*mask, name);
    const std::vector<int64_t>& md = b.dims(m);
    if (md.size() < 2) {
      core::throw_invalid("The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., "
                          "`(batch_size, timesteps)`), but it has " + std::to_string(md.size()) +
                          " dimension(s) with shape " + core::Shape(md).to_tuple_string() + ".");
    }
    if (md[0] != in_dims[0] || md[1] != in_dims[1]) {
      throw_unsupported(name, "a mask whose first two dimensions are not the input's");
    }
    std::vector<int64_t> mask_rows = {md[0] * md[1]};
    mask_rows.insert(mask_rows.end(), md.begin() + 2, md.end());
    b.set_mask(inner_node.inputs[0], b.add_alias(m, mask_rows));
  }
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
