// The one-tensor op-layers: the nn activations through the shared activation code (so a producer before them
// fuses them as post-ops, like an Activation layer), the numpy functions as one loop of the C library's
// float function each (exactly TensorFlow's results for NaN, infinities and negative inputs of sqrt / log).
#include <cmath>

#include "layers/elementwise_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using core::ElementwiseOpKind;

namespace {

using Function = float (*)(float);

Function function_of(ElementwiseOpKind kind) {
  switch (kind) {
    case ElementwiseOpKind::Negative: return [](float x) { return -x; };
    case ElementwiseOpKind::Absolute: return [](float x) { return std::fabs(x); };
    case ElementwiseOpKind::Square: return [](float x) { return x * x; };
    case ElementwiseOpKind::Sqrt: return [](float x) { return std::sqrt(x); };
    case ElementwiseOpKind::Exp: return [](float x) { return std::exp(x); };
    case ElementwiseOpKind::Log: return [](float x) { return std::log(x); };
    case ElementwiseOpKind::Tanh: return [](float x) { return std::tanh(x); };
    case ElementwiseOpKind::Activation: return nullptr;
  }
  return nullptr;
}

void lower_elementwise_op(PlanBuilder& b, const core::ElementwiseOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto x_arg = op.operand(op.call_of(node), 0, "x");
  ValueId x = b.value_of(node.inputs.at(static_cast<std::size_t>(x_arg.tensor)));
  if (op.kind() == ElementwiseOpKind::Activation) {
    const auto activation = op.activation();
    if (!activation) throw_unsupported(name, "the op " + std::string(op.class_name()) + " with these arguments");
    b.set_output(node.outputs[0], apply_activation(b, x, *activation, name));
    return;
  }
  const Function f = function_of(op.kind());
  x = b.to_plain(x, name);
  const ValueId out = b.add_plain(b.dims(x));
  const int64_t n = product(b.dims(x), 0, b.dims(x).size());
  b.add_custom(
      name,
      [x, out, n, f](const RunContext& c) {
        const float* in = c.f32(x);
        float* y = c.f32(out);
        for (int64_t i = 0; i < n; ++i) y[i] = f(in[i]);
      },
      {x}, {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering elementwise_op_lowering = {
    .lower = lower_as<core::ElementwiseOp, lower_elementwise_op>,
    .role = FusionRole::Activation,
    .activation = [](const Layer& layer) { return layer_as<core::ElementwiseOp>(layer).activation(); },
};

}  // namespace inlay::runtime
