// The mask op-layers (layers/mask_op.hpp) when a model uses their bool results as values: 1.0 for true and
// 0.0 for false, in hand-written loops (they are small: one value per step of a sequence). NotEqual,
// LogicalOr and LogicalAnd take two tensors of the same dims or a tensor and a number; Any / All reduce one
// axis or all of them.
#include <algorithm>

#include "layers/mask_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

using core::MaskOpKind;

bool apply(MaskOpKind kind, float a, float b) {
  if (kind == MaskOpKind::NotEqual) return a != b;
  if (kind == MaskOpKind::LogicalOr) return a != 0.0f || b != 0.0f;
  return a != 0.0f && b != 0.0f;
}

void lower_binary(PlanBuilder& b, const core::MaskOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto& call = op.call_of(node);
  const core::OpLayer::Operand x1 = op.operand(call, 0, "x1"), x2 = op.operand(call, 1, "x2");
  const ValueId v1 = x1.is_tensor() ? b.to_plain(b.value_of(node.inputs[static_cast<std::size_t>(x1.tensor)]), name) : -1;
  const ValueId v2 = x2.is_tensor() ? b.to_plain(b.value_of(node.inputs[static_cast<std::size_t>(x2.tensor)]), name) : -1;
  const std::vector<int64_t> dims = b.dims(v1 >= 0 ? v1 : v2);
  if (v1 >= 0 && v2 >= 0 && b.dims(v1) != b.dims(v2)) throw_unsupported(name, "broadcasting two mask tensors");
  b.check_dims(node.outputs[0], dims, name);
  const ValueId out = b.add_plain(dims);
  const auto n = static_cast<std::size_t>(product(dims, 0, dims.size()));
  const auto c1 = static_cast<float>(x1.value), c2 = static_cast<float>(x2.value);
  const MaskOpKind kind = op.kind();
  std::vector<ValueId> reads;
  for (ValueId v : {v1, v2}) {
    if (v >= 0) reads.push_back(v);
  }
  b.add_custom(
      name,
      [kind, v1, v2, c1, c2, out, n](const RunContext& ctx) {
        const float* a = v1 >= 0 ? ctx.f32(v1) : nullptr;
        const float* c = v2 >= 0 ? ctx.f32(v2) : nullptr;
        float* dst = ctx.f32(out);
        for (std::size_t i = 0; i < n; ++i) dst[i] = apply(kind, a ? a[i] : c1, c ? c[i] : c2) ? 1.0f : 0.0f;
      },
      reads, {out});
  b.set_output(node.outputs[0], out);
}

void lower_reduction(PlanBuilder& b, const core::MaskOp& op, const Node& node) {
  const std::string& name = op.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> dims = b.dims(x);
  const auto rank = static_cast<int64_t>(dims.size());
  // (outer, n, inner) around the reduced axis; every axis is one reduction of all the elements.
  int64_t outer = 1, n = product(dims, 0, dims.size()), inner = 1;
  if (op.axis()) {
    const auto a = static_cast<std::size_t>(*op.axis() < 0 ? *op.axis() + rank : *op.axis());
    outer = product(dims, 0, a);
    n = dims[a];
    inner = product(dims, a + 1, dims.size());
  }
  const std::vector<int64_t> out_dims = node.outputs[0]->shape().has_rank() ? [&] {
    std::vector<int64_t> d = dims;
    if (!op.axis()) return op.keepdims() ? std::vector<int64_t>(dims.size(), 1) : std::vector<int64_t>{};
    const auto a = static_cast<std::size_t>(*op.axis() < 0 ? *op.axis() + rank : *op.axis());
    if (op.keepdims()) {
      d[a] = 1;
    } else {
      d.erase(d.begin() + static_cast<std::ptrdiff_t>(a));
    }
    return d;
  }() : dims;
  b.check_dims(node.outputs[0], out_dims, name);
  const ValueId out = b.add_plain(out_dims);
  const bool any = op.kind() == MaskOpKind::Any;
  b.add_custom(
      name,
      [x, out, outer, n, inner, any](const RunContext& ctx) {
        const float* src = ctx.f32(x);
        float* dst = ctx.f32(out);
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            bool result = !any;
            for (int64_t j = 0; j < n; ++j) {
              const bool set = src[(o * n + j) * inner + i] != 0.0f;
              result = any ? (result || set) : (result && set);
            }
            dst[o * inner + i] = result ? 1.0f : 0.0f;
          }
        }
      },
      {x}, {out});
  b.set_output(node.outputs[0], out);
}

void lower_fill(PlanBuilder& b, const core::MaskOp& op, const Node& node) {
  const std::string& name = op.name();
  const std::vector<int64_t> dims = b.dims(b.stored_value_of(node.inputs[0]));
  b.check_dims(node.outputs[0], dims, name);
  const ValueId out = b.add_plain(dims);
  const auto n = static_cast<std::size_t>(product(dims, 0, dims.size()));
  const float value = op.kind() == MaskOpKind::OnesLike ? 1.0f : 0.0f;
  b.add_custom(
      name, [out, n, value](const RunContext& ctx) { std::fill_n(ctx.f32(out), n, value); }, {}, {out});
  b.set_output(node.outputs[0], out);
}

void lower_mask_op(PlanBuilder& b, const core::MaskOp& op, const Node& node) {
  switch (op.kind()) {
    case MaskOpKind::Any:
    case MaskOpKind::All:
      lower_reduction(b, op, node);
      return;
    case MaskOpKind::ZerosLike:
    case MaskOpKind::OnesLike:
      lower_fill(b, op, node);
      return;
    default:
      lower_binary(b, op, node);
  }
}

}  // namespace

const LayerLowering mask_op_lowering = {.lower = lower_as<core::MaskOp, lower_mask_op>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
