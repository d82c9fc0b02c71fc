// The shape op-layers: Reshape, ExpandDims and Squeeze are views of the input's plain bytes; Transpose is a
// oneDNN reorder reading the input through its strides permuted (as Permute does).
#include "layers/numpy_shape_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_transpose(PlanBuilder& b, const std::string& name, ValueId x, const std::vector<int64_t>& perm,
                     const std::vector<int64_t>& out, const KerasTensor* output) {
  const std::vector<int64_t> in = b.dims(x);
  std::vector<int64_t> in_strides(in.size(), 1);
  for (std::size_t i = in.size(); i-- > 1;) in_strides[i - 1] = in_strides[i] * in[i];
  std::vector<int64_t> strides(in.size());
  for (std::size_t i = 0; i < perm.size(); ++i) strides[i] = in_strides[static_cast<std::size_t>(perm[i])];
  if (out.empty() || product(out, 0, out.size()) == 0) {  // nothing to move (or a scalar: the same bytes)
    b.set_output(output, b.add_alias(x, out));
    return;
  }
  const dnnl::memory::desc view(to_dnnl(out), dnnl::memory::data_type::f32, to_dnnl(strides));
  b.set_output(output, b.reorder(x, view, plain_md(out), out, false, false, name));
}

void lower_shape_op(PlanBuilder& b, const core::NumpyShapeOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto x_arg = op.operand(op.call_of(node), 0, "x");
  const ValueId x = b.to_plain(b.value_of(node.inputs.at(static_cast<std::size_t>(x_arg.tensor))), name);
  const std::vector<int64_t> in = b.dims(x);
  const std::vector<int64_t> out = op.output_dims(in);
  b.check_dims(node.outputs[0], out, name);
  if (op.kind() == core::ShapeOpKind::Transpose) {
    lower_transpose(b, name, x, op.permutation(in.size()), out, node.outputs[0]);
    return;
  }
  b.set_output(node.outputs[0], b.add_alias(x, out));
}

}  // namespace

const LayerLowering numpy_shape_lowering = {.lower = lower_as<core::NumpyShapeOp, lower_shape_op>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
