// The numpy binary op-layers (Add, Subtract, Multiply, Divide / TrueDivide, Maximum, Minimum, Power) on
// oneDNN where it computes exactly the same floats: a Python number added, subtracted or multiplied is an
// eltwise linear step (alpha * x + beta with alpha = +-1 or beta = 0 rounds as x + c, c - x, x * c do); a
// number divided by, or compared with, is a binary step against a one-element constant; two tensors are a
// binary step when only the second broadcasts (or the op commutes and only the first does). Everything else
// (Power, a number divided by a tensor, both operands broadcasting) is one hand-written broadcasting loop.
#include <cmath>

#include "layers/numpy_binary_op.hpp"
#include "runtime/elementwise_steps.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using core::BinaryOpKind;
using dnnl::algorithm;
using dnnl::memory;

namespace {

float apply(BinaryOpKind kind, float a, float b) {
  switch (kind) {
    case BinaryOpKind::Add: return a + b;
    case BinaryOpKind::Subtract: return a - b;
    case BinaryOpKind::Multiply: return a * b;
    case BinaryOpKind::Divide: return a / b;
    // NaN in either operand gives NaN (numpy's maximum / minimum).
    case BinaryOpKind::Maximum: return std::isnan(a) || std::isnan(b) ? NAN : (a < b ? b : a);
    case BinaryOpKind::Minimum: return std::isnan(a) || std::isnan(b) ? NAN : (b < a ? b : a);
    case BinaryOpKind::Power: return std::pow(a, b);
  }
  return NAN;
}

// One operand at run time: a value of the plan, or a constant.
struct Side {
  std::optional<ValueId> value;
  float constant = 0.f;
  std::vector<int64_t> dims;  // {} for a constant
};

// Strides of `dims` right-aligned to `out`'s rank, 0 along broadcast (size-1 or missing) axes.
std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& dims, const std::vector<int64_t>& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const std::size_t d = dims.size() - 1 - i, o = out.size() - 1 - i;
    strides[o] = dims[d] == 1 ? 0 : stride;
    stride *= dims[d];
  }
  return strides;
}

void broadcast_loop(PlanBuilder& b, BinaryOpKind kind, const Side& x1, const Side& x2, ValueId out,
                    const std::vector<int64_t>& out_dims, const std::string& name) {
  const std::vector<int64_t> s1 = broadcast_strides(x1.dims, out_dims), s2 = broadcast_strides(x2.dims, out_dims);
  const int64_t n = product(out_dims, 0, out_dims.size());
  std::vector<ValueId> reads;
  if (x1.value) reads.push_back(*x1.value);
  if (x2.value) reads.push_back(*x2.value);
  b.add_custom(
      name,
      [=](const RunContext& c) {
        const float* a = x1.value ? c.f32(*x1.value) : &x1.constant;
        const float* bb = x2.value ? c.f32(*x2.value) : &x2.constant;
        float* y = c.f32(out);
        const std::size_t rank = out_dims.size();
        std::vector<int64_t> index(rank, 0);
        int64_t ia = 0, ib = 0;
        for (int64_t i = 0; i < n; ++i) {
          y[i] = apply(kind, a[ia], bb[ib]);
          // The odometer: the last axis moves fastest.
          for (std::size_t d = rank; d-- > 0;) {
            ia += s1[d];
            ib += s2[d];
            if (++index[d] < out_dims[d]) break;
            ia -= s1[d] * out_dims[d];
            ib -= s2[d] * out_dims[d];
            index[d] = 0;
          }
        }
      },
      reads, {out});
}

ValueId eltwise_linear(PlanBuilder& b, ValueId x, float alpha, float beta, const std::string& name) {
  return eltwise_step(b, x, algorithm::eltwise_linear, alpha, beta, name);
}

std::optional<algorithm> binary_algorithm(BinaryOpKind kind) {
  switch (kind) {
    case BinaryOpKind::Add: return algorithm::binary_add;
    case BinaryOpKind::Subtract: return algorithm::binary_sub;
    case BinaryOpKind::Multiply: return algorithm::binary_mul;
    case BinaryOpKind::Divide: return algorithm::binary_div;
    case BinaryOpKind::Maximum: return algorithm::binary_max;
    case BinaryOpKind::Minimum: return algorithm::binary_min;
    case BinaryOpKind::Power: return std::nullopt;
  }
  return std::nullopt;
}

// dims right-aligned to `rank` with leading 1s.
std::vector<int64_t> padded(const std::vector<int64_t>& dims, std::size_t rank) {
  std::vector<int64_t> out(rank - dims.size(), 1);
  out.insert(out.end(), dims.begin(), dims.end());
  return out;
}

// src0 (plain, of the output's dims) op src1 (a value or a constant, broadcast) on oneDNN's binary.
ValueId broadcast_binary_step(PlanBuilder& b, algorithm alg, ValueId x0, const Side& x1,
                              const std::vector<int64_t>& out_dims, const std::string& name) {
  const memory::desc md0 = plain_md(out_dims);
  const memory::desc md1 = plain_md(padded(x1.dims, out_dims.size()));
  const dnnl::binary::desc desc(alg, md0, md1, md0);
  const dnnl::binary::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(out_dims);
  std::vector<ValueArg> args = {{DNNL_ARG_SRC_0, x0, md0}, {DNNL_ARG_DST, out, md0}};
  std::vector<ConstantArg> constants;
  if (x1.value) {
    args.push_back({DNNL_ARG_SRC_1, *x1.value, md1});
  } else {
    constants.push_back({DNNL_ARG_SRC_1, b.constant(md1, &x1.constant, md1)});
  }
  b.add_primitive(name, dnnl::binary(pd), pd.scratchpad_desc(), std::move(args), std::move(constants));
  return out;
}

void lower_numpy_binary(PlanBuilder& b, const core::NumpyBinaryOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto& call = op.call_of(node);
  auto side = [&](const core::OpLayer::Operand& x) {
    Side s;
    if (x.is_tensor()) {
      s.value = b.value_of(node.inputs.at(static_cast<std::size_t>(x.tensor)));
      s.dims = b.dims(*s.value);
    } else {
      s.constant = static_cast<float>(x.value);  // a Python float meets a float32 tensor as float32
    }
    return s;
  };
  Side x1 = side(op.operand(call, 0, "x1")), x2 = side(op.operand(call, 1, "x2"));
  const std::vector<int64_t> out_dims = core::broadcast_shapes(x1.dims, x2.dims);
  b.check_dims(node.outputs[0], out_dims, name);
  const BinaryOpKind kind = op.kind();

  // A tensor and a number.
  if (x1.value.has_value() != x2.value.has_value()) {
    const bool number_first = !x1.value;
    const Side& t = number_first ? x2 : x1;
    const float c = number_first ? x1.constant : x2.constant;
    std::optional<std::pair<float, float>> linear;  // (alpha, beta)
    if (kind == BinaryOpKind::Add) linear = {{1.f, c}};
    if (kind == BinaryOpKind::Multiply) linear = {{c, 0.f}};
    if (kind == BinaryOpKind::Subtract) linear = number_first ? std::pair{-1.f, c} : std::pair{1.f, -c};
    if (linear && t.dims == out_dims) {
      b.set_output(node.outputs[0], eltwise_linear(b, *t.value, linear->first, linear->second, name));
      return;
    }
  }
  // Binary: src0 must have the output's dims; a commutative op may swap its operands for that.
  if (!x1.value && op.commutative()) std::swap(x1, x2);
  if (const auto alg = binary_algorithm(kind); alg && x1.value) {
    if (x1.dims != out_dims && op.commutative() && x2.value && x2.dims == out_dims) std::swap(x1, x2);
    if (x1.dims == out_dims && (!x2.value || x2.dims.size() <= out_dims.size())) {
      const ValueId x0 = b.to_plain(*x1.value, name);
      if (x2.value) x2.value = b.to_plain(*x2.value, name);
      b.set_output(node.outputs[0], broadcast_binary_step(b, *alg, x0, x2, out_dims, name));
      return;
    }
  }
  if (x1.value) x1.value = b.to_plain(*x1.value, name);
  if (x2.value) x2.value = b.to_plain(*x2.value, name);
  const ValueId out = b.add_plain(out_dims);
  broadcast_loop(b, kind, x1, x2, out, out_dims, name);
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering numpy_binary_lowering = {.lower = lower_as<core::NumpyBinaryOp, lower_numpy_binary>};

}  // namespace inlay::runtime
