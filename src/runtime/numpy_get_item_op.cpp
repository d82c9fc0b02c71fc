// GetItem: a strided copy. Each input axis contributes the elements start, start + step, ... that the key
// selects (one for an integer index); the output's new axes (None in the key) and dropped axes are a view of
// the copied bytes. A key that selects everything is a view of the input.
#include "layers/numpy_get_item_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

using AxisRead = core::NumpyGetItemOp::AxisRead;

bool reads_all(const std::vector<AxisRead>& axes, const std::vector<int64_t>& in) {
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[i].start != 0 || axes[i].step != 1 || axes[i].count != in[i]) return false;
  }
  return true;
}

// Copies the selected elements of a row-major tensor of dims `in` into a row-major tensor of the counts.
void strided_copy(const float* src, float* dst, const std::vector<int64_t>& in, const std::vector<AxisRead>& axes) {
  const std::size_t rank = in.size();
  std::vector<int64_t> stride(rank, 1);
  for (std::size_t i = rank; i-- > 1;) stride[i - 1] = stride[i] * in[i];
  int64_t base = 0;
  for (std::size_t i = 0; i < rank; ++i) base += axes[i].start * stride[i];
  const int64_t inner_count = axes[rank - 1].count, inner_step = axes[rank - 1].step * stride[rank - 1];
  std::vector<int64_t> index(rank, 0);
  while (true) {
    int64_t offset = base;
    for (std::size_t i = 0; i + 1 < rank; ++i) offset += index[i] * axes[i].step * stride[i];
    for (int64_t j = 0; j < inner_count; ++j) *dst++ = src[offset + j * inner_step];
    std::size_t a = rank - 1;
    while (a-- > 0) {
      if (++index[a] < axes[a].count) break;
      index[a] = 0;
    }
    if (a == static_cast<std::size_t>(-1)) return;
  }
}

void lower_get_item(PlanBuilder& b, const core::NumpyGetItemOp& op, const Node& node) {
  const std::string& name = op.name();
  const core::OpLayer::Call& call = op.call_of(node);
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in = b.dims(x);
  const core::Json& key_json = call.args.size() > 1 ? call.args[1] : call.kwargs.at("key");
  const core::NumpyGetItemOp::Plan plan = op.plan(in, op.key_of(call), key_json);
  b.check_dims(node.outputs[0], plan.out_dims, name);
  if (in.empty() || reads_all(plan.axes, in)) {
    b.set_output(node.outputs[0], b.add_alias(x, plan.out_dims));
    return;
  }
  std::vector<int64_t> counts;
  for (const AxisRead& a : plan.axes) counts.push_back(a.count);
  const ValueId out = b.add_plain(counts);
  const std::vector<AxisRead> axes = plan.axes;
  const bool empty = product(counts, 0, counts.size()) == 0;
  b.add_custom(
      name,
      [x, out, in, axes, empty](const RunContext& ctx) {
        if (!empty) strided_copy(ctx.f32(x), ctx.f32(out), in, axes);
      },
      {x}, {out});
  b.same_magnitude(out, x);
  b.set_output(node.outputs[0], b.add_alias(out, plan.out_dims));
}

}  // namespace

const LayerLowering numpy_get_item_lowering = {.lower = lower_as<core::NumpyGetItemOp, lower_get_item>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
