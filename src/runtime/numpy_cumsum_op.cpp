// The Cumsum op-layer: a running sum along one axis of the input's plain bytes, in float32 in order (as
// TensorFlow's CPU kernel scans), by a hand-written step (oneDNN 2.6 has no scan primitive).
#include "layers/numpy_cumsum_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_cumsum(PlanBuilder& b, const core::NumpyCumsumOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto x_arg = op.operand(op.call_of(node), 0, "x");
  const ValueId x = b.to_plain(b.value_of(node.inputs.at(static_cast<std::size_t>(x_arg.tensor))), name);
  const std::vector<int64_t> dims = b.dims(x);
  const auto axis = static_cast<std::size_t>(op.axis(static_cast<int64_t>(dims.size())));
  b.check_dims(node.outputs[0], dims, name);
  const ValueId out = b.add_plain(dims);
  const int64_t outer = product(dims, 0, axis), steps = dims[axis], inner = product(dims, axis + 1, dims.size());
  b.add_custom(name,
               [x, out, outer, steps, inner](const RunContext& ctx) {
                 const float* src = ctx.f32(x);
                 float* dst = ctx.f32(out);
                 for (int64_t o = 0; o < outer; ++o) {
                   const int64_t base = o * steps * inner;
                   for (int64_t i = 0; i < inner; ++i) {
                     float sum = 0.f;
                     for (int64_t s = 0; s < steps; ++s) {
                       sum += src[base + s * inner + i];
                       dst[base + s * inner + i] = sum;
                     }
                   }
                 }
               },
               {x}, {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering numpy_cumsum_lowering = {.lower = lower_as<core::NumpyCumsumOp, lower_cumsum>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
