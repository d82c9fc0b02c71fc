// Concatenate / Stack op-layers on oneDNN's concat primitive (runtime/merge.hpp's concat_values): a stack is
// the concatenation of the inputs each viewed with a new axis of size 1.
#include "layers/numpy_join_op.hpp"
#include "runtime/merge.hpp"

namespace inlay::runtime {

namespace {

void lower_join(PlanBuilder& b, const core::NumpyJoinOp& op, const Node& node) {
  const std::string& name = op.name();
  std::vector<ValueId> xs;
  for (std::size_t i : op.operands(op.call_of(node))) xs.push_back(b.to_plain(b.value_of(node.inputs.at(i)), name));
  const std::vector<int64_t> first = b.dims(xs.front());
  const auto rank = static_cast<int64_t>(first.size()) + (op.stack() ? 1 : 0);
  const int64_t axis = op.axis() < 0 ? op.axis() + rank : op.axis();
  if (op.stack()) {
    for (ValueId& x : xs) {
      std::vector<int64_t> dims = b.dims(x);
      if (dims != first) throw_unsupported(name, "stacking tensors of different shapes");
      dims.insert(dims.begin() + axis, 1);
      x = b.add_alias(x, dims);
    }
  }
  std::vector<int64_t> out_dims = b.dims(xs.front());
  out_dims[static_cast<std::size_t>(axis)] = 0;
  for (ValueId x : xs) {
    const std::vector<int64_t>& d = b.dims(x);
    for (std::size_t k = 0; k < d.size(); ++k) {
      if (static_cast<int64_t>(k) != axis && d[k] != out_dims[k]) {
        throw_unsupported(name, "joining tensors whose sizes differ off the axis");
      }
    }
    out_dims[static_cast<std::size_t>(axis)] += d[static_cast<std::size_t>(axis)];
  }
  b.check_dims(node.outputs[0], out_dims, name);
  if (xs.size() == 1) {
    b.set_output(node.outputs[0], xs.front());
    return;
  }
  b.set_output(node.outputs[0], concat_values(b, xs, static_cast<int>(axis), name));
}

}  // namespace

const LayerLowering numpy_join_lowering = {.lower = lower_as<core::NumpyJoinOp, lower_join>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
