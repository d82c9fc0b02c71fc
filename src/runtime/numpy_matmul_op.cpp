// The Matmul op-layer on oneDNN's matmul primitive, which broadcasts batch dims of size 1 itself: both
// operands are seen with the output's rank (leading 1s prepended, a 1-D x1 as a (1, K) row and a 1-D x2 as a
// (K, 1) column, as numpy promotes them), the output's row-major bytes are (batch..., M, N) with the dropped
// vector axes of size 1.
#include "layers/numpy_matmul_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// oneDNN's largest rank (DNNL_MAX_NDIMS).
constexpr std::size_t kMaxMatmulRank = DNNL_MAX_NDIMS;

// dims promoted as numpy does (`row`: a 1-D x1 becomes (1, K), else a 1-D x2 becomes (K, 1)) and padded with
// leading 1s to `rank`.
std::vector<int64_t> promoted(std::vector<int64_t> dims, bool row, std::size_t rank) {
  if (dims.size() == 1) dims.insert(row ? dims.begin() : dims.end(), 1);
  dims.insert(dims.begin(), rank - dims.size(), 1);
  return dims;
}

void lower_matmul(PlanBuilder& b, const core::NumpyMatmulOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto& call = op.call_of(node);
  const auto value = [&](std::size_t position, const char* keyword) {
    const auto arg = op.operand(call, position, keyword);
    return b.to_plain(b.value_of(node.inputs.at(static_cast<std::size_t>(arg.tensor))), name);
  };
  const ValueId x1 = value(0, "x1"), x2 = value(1, "x2");
  const std::vector<int64_t> d1 = b.dims(x1), d2 = b.dims(x2);
  // Keras's rule on the concrete dims: a None dim of the model may differ from what it met at build time.
  const std::vector<int64_t> out_dims = core::NumpyMatmulOp::output_dims(d1, d2);
  b.check_dims(node.outputs[0], out_dims, name);
  const std::size_t rank = std::max({d1.size(), d2.size(), std::size_t{2}});
  if (rank > kMaxMatmulRank) throw_unsupported(name, "a matmul of rank " + std::to_string(rank) + " (oneDNN's limit is 12)");
  const std::vector<int64_t> a = promoted(d1, true, rank), w = promoted(d2, false, rank);
  std::vector<int64_t> dst(rank);
  for (std::size_t i = 0; i + 2 < rank; ++i) dst[i] = std::max(a[i], w[i]);  // broadcast: one of them is 1
  dst[rank - 2] = a[rank - 2];
  dst[rank - 1] = w[rank - 1];
  const memory::desc a_md = plain_md(a), w_md = plain_md(w), dst_md = plain_md(dst);
  const dnnl::matmul::desc desc(a_md, w_md, dst_md);
  const dnnl::matmul::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(out_dims);
  b.add_primitive(name, dnnl::matmul(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x1, a_md}, {DNNL_ARG_WEIGHTS, x2, w_md}, {DNNL_ARG_DST, out, dst_md}});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering numpy_matmul_lowering = {.lower = lower_as<core::NumpyMatmulOp, lower_matmul>,
                                             .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
