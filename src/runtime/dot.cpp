// Dot: Keras's batch_dot on oneDNN's batched matmul. x is permuted so that its contracted axis is last and
// seen as (N, M, D); y so that its contracted axis is second and seen as (N, D, K); (N, M, K) is the output's
// row-major order. Permutations are reorders, skipped when the axes are already in place (the usual
// axes=-1 / (2, 1) cases). normalize=True L2-normalizes each input along its axis first.
#include "layers/dot.hpp"
#include "runtime/axis_groups.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

[[noreturn]] void throw_invalid_runtime(const std::string& message) {
  throw core::Error(core::Status::InvalidArgument, message);
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + (dims.size() == 1 ? ",)" : ")");
}

// x (plain) with its axes in `order` (a permutation), as a new plain value; x itself for the identity.
ValueId permuted(PlanBuilder& b, ValueId x, const std::vector<std::size_t>& order, const std::string& layer) {
  bool identity = true;
  for (std::size_t k = 0; k < order.size(); ++k) identity = identity && order[k] == k;
  if (identity) return x;
  const std::vector<int64_t> dims = b.dims(x);
  std::vector<int64_t> out_dims(dims.size());
  for (std::size_t k = 0; k < order.size(); ++k) out_dims[k] = dims[order[k]];
  memory::dims strides(dims.size());
  int64_t stride = 1;
  for (std::size_t k = order.size(); k-- > 0;) {
    strides[order[k]] = stride;  // the source axis order[k] is axis k of the permuted row-major bytes
    stride *= out_dims[k];
  }
  const memory::desc to(to_dnnl(dims), memory::data_type::f32, strides);
  return b.reorder(x, plain_md(dims), to, out_dims, false, false, layer);
}

void check_batch_dot(const std::vector<int64_t>& x, const std::vector<int64_t>& y, std::size_t a0, std::size_t a1) {
  if (x.size() < 2 || y.size() < 2) {
    throw_invalid_runtime("Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes " + dims_text(x) +
                          " and " + dims_text(y) + ".");
  }
  if (x[0] != y[0]) {
    throw_invalid_runtime("Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes " +
                          dims_text(x) + " and " + dims_text(y) + ".");
  }
  if (a0 == 0 || a1 == 0) {
    throw_invalid_runtime("Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch "
                          "dimension to your inputs using keras.ops.expand_dims(x, 0)");
  }
  if (x[a0] != y[a1]) {
    throw_invalid_runtime("Cannot do batch_dot on inputs with shapes " + dims_text(x) + " and " + dims_text(y) +
                          " with axes=[" + std::to_string(a0) + ", " + std::to_string(a1) + "]. x.shape[" +
                          std::to_string(a0) + "] != y.shape[" + std::to_string(a1) + "] (" + std::to_string(x[a0]) +
                          " != " + std::to_string(y[a1]) + ").");
  }
}

void lower_dot(PlanBuilder& b, const core::Dot& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  ValueId y = b.to_plain(b.value_of(node.inputs[1]), name);
  const std::vector<int64_t> xd = b.dims(x), yd = b.dims(y);
  const auto axes = layer.resolved_axes(static_cast<int64_t>(xd.size()), static_cast<int64_t>(yd.size()));
  const auto a0 = static_cast<std::size_t>(axes[0]), a1 = static_cast<std::size_t>(axes[1]);
  if (a0 >= xd.size() || a1 >= yd.size()) throw_invalid_runtime("Layer '" + name + "': its axes are out of range for its inputs");
  check_batch_dot(xd, yd, a0, a1);
  if (layer.normalize()) {  // ops.nn.normalize with Keras's default epsilon (backend.epsilon() = 1e-7)
    x = l2_normalize_step(b, x, {static_cast<int>(a0)}, 1e-7, name);
    y = l2_normalize_step(b, y, {static_cast<int>(a1)}, 1e-7, name);
  }
  std::vector<std::size_t> x_order, y_order{0, a1};
  std::vector<int64_t> out_dims{xd[0]};
  for (std::size_t k = 1; k < xd.size(); ++k) {
    if (k != a0) {
      x_order.push_back(k);
      out_dims.push_back(xd[k]);
    }
  }
  x_order.insert(x_order.begin(), 0);
  x_order.push_back(a0);
  for (std::size_t k = 1; k < yd.size(); ++k) {
    if (k != a1) {
      y_order.push_back(k);
      out_dims.push_back(yd[k]);
    }
  }
  if (out_dims.size() == 1) out_dims.push_back(1);
  b.check_dims(node.outputs[0], out_dims, name);
  x = permuted(b, x, x_order, name);
  y = permuted(b, y, y_order, name);
  const int64_t n = xd[0], depth = xd[a0];
  int64_t m = 1, k = 1;  // the sizes of x's and y's other non-batch axes
  for (std::size_t i = 1; i < xd.size(); ++i) m *= i == a0 ? 1 : xd[i];
  for (std::size_t i = 1; i < yd.size(); ++i) k *= i == a1 ? 1 : yd[i];
  const memory::desc x_md = plain_md({n, m, depth}), y_md = plain_md({n, depth, k}), out_md = plain_md({n, m, k});
  const dnnl::matmul::desc desc(x_md, y_md, out_md);
  const dnnl::matmul::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(out_dims);
  b.add_primitive(name, dnnl::matmul(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, x_md}, {DNNL_ARG_WEIGHTS, y, y_md}, {DNNL_ARG_DST, out, out_md}});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering dot_lowering = {.lower = lower_as<core::Dot, lower_dot>};

}  // namespace inlay::runtime
