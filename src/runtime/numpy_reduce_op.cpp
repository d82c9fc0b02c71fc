// The reduction op-layers (Mean, Sum, Max, Min): oneDNN's reduction primitive over the input's plain bytes,
// into dims where each reduced axis is 1; the Keras output (reduced axes dropped unless keepdims) is a view.
#include <algorithm>

#include "layers/numpy_reduce_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

dnnl::algorithm algorithm_of(core::ReduceOpKind kind) {
  switch (kind) {
    case core::ReduceOpKind::Mean: return dnnl::algorithm::reduction_mean;
    case core::ReduceOpKind::Sum: return dnnl::algorithm::reduction_sum;
    case core::ReduceOpKind::Max: return dnnl::algorithm::reduction_max;
    case core::ReduceOpKind::Min: return dnnl::algorithm::reduction_min;
  }
  return dnnl::algorithm::reduction_sum;
}

void lower_reduce(PlanBuilder& b, const core::NumpyReduceOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto x_arg = op.operand(op.call_of(node), 0, "x");
  const ValueId x = b.to_plain(b.value_of(node.inputs.at(static_cast<std::size_t>(x_arg.tensor))), name);
  const std::vector<int64_t> in_dims = b.dims(x);
  const std::vector<int64_t> axes = op.axes(static_cast<int64_t>(in_dims.size()));
  std::vector<int64_t> kept = in_dims, out_dims;
  for (std::size_t i = 0; i < in_dims.size(); ++i) {
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
    if (reduced) kept[i] = 1;
    if (!reduced) out_dims.push_back(in_dims[i]);
    else if (op.keepdims()) out_dims.push_back(1);
  }
  b.check_dims(node.outputs[0], out_dims, name);
  // oneDNN wants a tensor of rank >= 1: a scalar input is a (1,) one.
  std::vector<int64_t> src_dims = in_dims.empty() ? std::vector<int64_t>{1} : in_dims;
  if (kept.empty()) kept = {1};
  const ValueId out = b.add_plain(kept);
  if (product(in_dims, 0, in_dims.size()) == 0) {
    throw_unsupported(name, "a reduction of an empty tensor");
  }
  const dnnl::memory::desc src_md = plain_md(src_dims), dst_md = plain_md(kept);
  const dnnl::reduction::desc desc(algorithm_of(op.kind()), src_md, dst_md, 0.f, 0.f);
  const dnnl::reduction::primitive_desc pd(desc, b.attributes(), b.engine());
  b.add_primitive(name, dnnl::reduction(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC, x, src_md}, {DNNL_ARG_DST, out, dst_md}});
  b.set_output(node.outputs[0], b.add_alias(out, out_dims));
}

}  // namespace

const LayerLowering numpy_reduce_lowering = {.lower = lower_as<core::NumpyReduceOp, lower_reduce>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
