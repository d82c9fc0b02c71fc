// The Take op-layer: a gather along one axis, hand-written (oneDNN 2.6 has no gather): x seen as
// (outer, n, inner) around the axis (axis=None: (1, size, 1)), one copy of `inner` floats per index. Indices
// are read as stored (int32 / int64 model inputs; float32 values of integer tensors computed in the model),
// wrapped once when negative (Keras's TensorFlow backend) and bounds-checked with TensorFlow's GatherV2
// message; constant indices are checked when the plan is built.
#include <cstring>

#include "layers/numpy_take_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

// "indices[0,1] = 7 is not in [0, 5)": TensorFlow's message, the position as a multi-index over the indices' dims.
[[noreturn]] void out_of_range(const std::string& op, const std::vector<int64_t>& dims, int64_t flat, int64_t index,
                               int64_t n) {
  std::vector<int64_t> at(dims.size());
  for (std::size_t d = dims.size(); d-- > 0;) {
    at[d] = dims[d] == 0 ? 0 : flat % dims[d];
    flat = dims[d] == 0 ? 0 : flat / dims[d];
  }
  std::string text = "indices[";
  for (std::size_t d = 0; d < at.size(); ++d) text += (d ? "," : "") + std::to_string(at[d]);
  throw core::Error(core::Status::InvalidArgument, "op '" + op + "': " + text + "] = " + std::to_string(index) +
                                                       " is not in [0, " + std::to_string(n) + ")");
}

struct Gather {
  std::string op;
  int64_t outer, n, inner;
  std::vector<int64_t> index_dims;
  int64_t count;
  core::DType dtype;                 // of the stored indices (a tensor)
  std::vector<int64_t> constant;     // the indices, when constant (already wrapped and checked)
  std::optional<ValueId> indices;
  ValueId x, out;

  // A float32 index value holds an integer (an integer Keras tensor computed in float32): out-of-range and
  // NaN values become INT32_MIN as TensorFlow's float -> int32 cast makes them (and fail the bounds check).
  int64_t index_at(const void* data, int64_t i) const {
    if (dtype == core::DType::Int64) return static_cast<const int64_t*>(data)[i];
    if (dtype == core::DType::Int32) return static_cast<const int32_t*>(data)[i];
    const float v = static_cast<const float*>(data)[i];
    if (!(v > -2147483649.0f && v < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
    return static_cast<int64_t>(v);
  }
  int64_t checked(int64_t index, int64_t i) const {
    if (index < 0) index += n;
    if (index < 0 || index >= n) out_of_range(op, index_dims, i, index, n);
    return index;
  }

  void operator()(const RunContext& ctx) const {
    const float* src = ctx.f32(x);
    float* dst = ctx.f32(out);
    const void* data = indices ? ctx.data(*indices) : nullptr;
    const std::size_t bytes = static_cast<std::size_t>(inner) * sizeof(float);
    std::vector<int64_t> rows(static_cast<std::size_t>(count));
    for (int64_t i = 0; i < count; ++i) rows[i] = indices ? checked(index_at(data, i), i) : constant[i];
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < count; ++i) {
        std::memcpy(dst + (o * count + i) * inner, src + (o * n + rows[i]) * inner, bytes);
      }
    }
  }
};

void lower_take(PlanBuilder& b, const core::NumpyTakeOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto& call = op.call_of(node);
  const auto x_arg = op.operand(call, 0, "x");
  const ValueId x = b.to_plain(b.value_of(node.inputs.at(static_cast<std::size_t>(x_arg.tensor))), name);
  const std::vector<int64_t> dims = b.dims(x);
  core::NumpyTakeOp::Indices given = op.indices_of(call);
  Gather gather{name, 1, product(dims, 0, dims.size()), 1, given.dims, 0, core::DType::Int64, {}, std::nullopt, x, x};
  if (given.tensor >= 0) {
    ValueId ids = b.stored_value_of(node.inputs.at(static_cast<std::size_t>(given.tensor)));
    ids = b.value(ids).dtype == core::DType::Float32 ? b.to_plain(ids, name) : ids;
    gather.indices = ids;
    gather.index_dims = b.dims(ids);
    gather.dtype = b.value(ids).dtype;
  }
  if (const auto axis = op.axis(static_cast<int64_t>(dims.size()))) {
    const auto a = static_cast<std::size_t>(*axis);
    gather.outer = product(dims, 0, a);
    gather.n = dims[a];
    gather.inner = product(dims, a + 1, dims.size());
  }
  gather.count = product(gather.index_dims, 0, gather.index_dims.size());
  const std::vector<int64_t> out_dims = op.output_dims(dims, gather.index_dims);
  b.check_dims(node.outputs[0], out_dims, name);
  for (std::size_t i = 0; i < given.values.size(); ++i) {
    gather.constant.push_back(gather.checked(given.values[i], static_cast<int64_t>(i)));
  }
  gather.out = b.add_plain(out_dims);
  const ValueId out = gather.out;
  std::vector<ValueId> reads = {x};
  if (gather.indices) reads.push_back(*gather.indices);
  b.add_custom(name, std::move(gather), std::move(reads), {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering numpy_take_lowering = {.lower = lower_as<core::NumpyTakeOp, lower_take>};

}  // namespace inlay::runtime
