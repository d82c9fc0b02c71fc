// The Take op-layer: a gather along one axis, hand-written (oneDNN 2.6 has no gather): x seen as
// (outer, n, inner) around the axis (axis=None: (1, size, 1)), one copy of `inner` floats per index. Indices
// are read as stored (int32 / int64 model inputs; float32 values of integer tensors computed in the model),
// wrapped once when negative (Keras's TensorFlow backend) and bounds-checked with TensorFlow's GatherV2
// message; constant indices are checked when the plan is built.
#include <cstring>

#include "layers/numpy_take_op.hpp"
#include "runtime/gather_indices.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

struct Gather {
  std::string who;  // "op '<name>'", for the out-of-range message
  int64_t outer, n, inner;
  std::vector<int64_t> index_dims;
  int64_t count;
  core::DType dtype;                 // of the stored indices (a tensor)
  std::vector<int64_t> constant;     // the indices, when constant (already wrapped and checked)
  std::optional<ValueId> indices;
  ValueId x, out;

  // A float32 index value holds an integer (an integer Keras tensor computed in float32): gather_index casts it
  // as TensorFlow does.
  int64_t row(const void* data, int64_t i) const {
    return data != nullptr ? checked_gather_index(gather_index(dtype, data, i), n, i, index_dims, who)
                           : constant[static_cast<std::size_t>(i)];
  }

  void operator()(const RunContext& ctx) const {
    const float* src = ctx.f32(x);
    float* dst = ctx.f32(out);
    const void* data = indices ? ctx.data(*indices) : nullptr;
    const std::size_t bytes = static_cast<std::size_t>(inner) * sizeof(float);
    // Every index is checked before anything is written; the rows are then read again (no per-call buffer).
    for (int64_t i = 0; i < count; ++i) row(data, i);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < count; ++i) {
        std::memcpy(dst + (o * count + i) * inner, src + (o * n + row(data, i)) * inner, bytes);
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
  Gather gather{"op '" + name + "'", 1, product(dims, 0, dims.size()), 1, given.dims, 0, core::DType::Int64, {}, std::nullopt, x, x};
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
    gather.constant.push_back(
        checked_gather_index(given.values[i], gather.n, static_cast<int64_t>(i), gather.index_dims, gather.who));
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
