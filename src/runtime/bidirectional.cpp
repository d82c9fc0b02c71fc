// Bidirectional: its two inner recurrent layers lowered as they are (recurrent.cpp: oneDNN's primitives or the
// loop), on the wrapper's input and mask, then one merge step. Keras flips the backward sequence back into
// input order before merging; the merge step reads it flipped instead of copying it.
#include <algorithm>

#include "layers/bidirectional.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {
namespace {

using Merge = core::Bidirectional::Merge;

// out = merge(y, flip(y_rev)) over rows of `u` values; `steps` is 0 for final outputs (nothing to flip).
// A backward_layer may have other units than the forward one: concat then gives uf + ub values per row.
ValueId add_merge(PlanBuilder& b, const std::string& name, Merge merge, ValueId y, ValueId y_rev, int64_t batch,
                  int64_t steps, int64_t uf, int64_t ub, std::vector<int64_t> out_dims) {
  const int64_t u = uf;
  const ValueId out = b.add_plain(std::move(out_dims));
  b.add_custom(
      name,
      [=](const RunContext& ctx) {
        const float* f = ctx.f32(y);
        const float* r = ctx.f32(y_rev);
        float* o = ctx.f32(out);
        const int64_t t_count = std::max<int64_t>(steps, 1);
        for (int64_t n = 0; n < batch; ++n) {
          for (int64_t t = 0; t < t_count; ++t) {
            const float* fr = f + (n * t_count + t) * u;
            const float* rr = r + (n * t_count + (steps > 0 ? steps - 1 - t : 0)) * ub;
            float* dst = o + (n * t_count + t) * (merge == Merge::Concat ? uf + ub : ub);
            switch (merge) {
              case Merge::Concat:
                std::copy_n(fr, u, dst);
                std::copy_n(rr, ub, dst + uf);
                break;
              case Merge::Sum: for (int64_t j = 0; j < u; ++j) dst[j] = fr[j] + rr[j]; break;
              case Merge::Mul: for (int64_t j = 0; j < u; ++j) dst[j] = fr[j] * rr[j]; break;
              case Merge::Ave: for (int64_t j = 0; j < u; ++j) dst[j] = (fr[j] + rr[j]) / 2.f; break;
              case Merge::None: std::copy_n(rr, ub, dst); break;  // the flipped backward output alone
            }
          }
        }
      },
      {y, y_rev}, {out});
  return out;
}

void lower_bidirectional(PlanBuilder& b, const core::Bidirectional& layer, const Node& node) {
  const std::string& name = layer.name();
  const Node& fnode = layer.forward_node(node);
  const Node& bnode = layer.backward_node(node);
  const ValueId x = b.value_of(node.inputs[0]);
  const std::optional<ValueId> mask = b.mask_of(node.inputs[0]);
  for (const Node* inner : {&fnode, &bnode}) {
    b.set_output(inner->inputs[0], x);
    if (mask) b.set_mask(inner->inputs[0], *mask);
  }
  // The initial states: the forward layer's half first, then the backward layer's (the inner calls' order).
  std::size_t next_state = 1;
  for (const Node* inner : {&fnode, &bnode}) {
    for (std::size_t i = 1; i < inner->inputs.size(); ++i) {
      b.set_output(inner->inputs[i], b.value_of(node.inputs.at(next_state++)));
    }
  }
  b.lower_nested(layer.forward(), fnode);
  b.lower_nested(layer.backward(), bnode);
  const ValueId y = b.to_plain(b.value_of(fnode.outputs[0]), name);
  const ValueId y_rev = b.to_plain(b.value_of(bnode.outputs[0]), name);
  const std::vector<int64_t> dims = b.dims(y);
  const bool sequences = layer.forward().return_sequences();
  const int64_t batch = dims[0], steps = sequences ? dims[1] : 0, uf = dims.back(), ub = b.dims(y_rev).back();
  if (uf != ub && layer.merge_mode() != Merge::Concat && layer.merge_mode() != Merge::None) {
    throw_unsupported(name, "merging forward and backward outputs of different sizes (" + std::to_string(uf) + " and " +
                                std::to_string(ub) + ")");
  }
  std::vector<int64_t> out_dims = dims;
  if (layer.merge_mode() == Merge::Concat) out_dims.back() = uf + ub;
  // Keras's symbolic shape doubles the forward units whatever the backward layer's: checked where they agree.
  if (uf == ub) b.check_dims(node.outputs[0], out_dims, name);
  std::vector<int64_t> rev_dims = dims;
  rev_dims.back() = ub;
  std::size_t next = 0;
  if (layer.merge_mode() == Merge::None) {
    b.set_output(node.outputs[next++], y);
    b.set_output(node.outputs[next++],
                 sequences ? add_merge(b, name, Merge::None, y, y_rev, batch, steps, uf, ub, rev_dims) : y_rev);
  } else {
    b.set_output(node.outputs[next++],
                 add_merge(b, name, layer.merge_mode(), y, y_rev, batch, steps, uf, ub, out_dims));
  }
  // RNN.compute_mask: the sequence keeps the input's mask; final outputs and states have none.
  if (mask && sequences) {
    for (std::size_t i = 0; i < next; ++i) b.set_mask(node.outputs[i], *mask);
  }
  for (const Node* inner : {&fnode, &bnode}) {
    for (std::size_t i = 1; i < inner->outputs.size(); ++i) b.set_output(node.outputs[next++], b.value_of(inner->outputs[i]));
  }
}

}  // namespace

const LayerLowering bidirectional_lowering = {
    .lower = lower_as<core::Bidirectional, lower_bidirectional>,
    .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
