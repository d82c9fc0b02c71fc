// MultiHeadAttention: the query, key and value projections (einsum steps against the EinsumDense sublayers'
// kernels), the scores as one batched matmul in Keras's (batch dims, heads, query axes, key axes) layout with
// 1/sqrt(key_dim) as the matmul's scale, a softmax over the key axes (oneDNN's when nothing is masked and one
// axis is attended; else attention_mask.hpp's, which broadcasts the masks as Keras does), the weights' matmul
// with the value, times the sigmoid gate projection of the query (use_gate), and the attention_output
// projection. Keras runs two different softmaxes: ops.dot_product_attention (rank-3 inputs, no dropout, no
// scores returned) gives a query step whose every key is masked uniform weights; the Softmax layer path
// zeroes masked weights. Both are kept.
#include <algorithm>
#include <cmath>
#include <functional>

#include "layers/multi_head_attention.hpp"
#include "runtime/attention_mask.hpp"
#include "runtime/einsum.hpp"
#include "runtime/lowerings.hpp"
#include "util/python_text.hpp"

namespace inlay::runtime {

namespace {

using core::EinsumDense;
using core::MultiHeadAttention;

// The EinsumDense sublayer applied to x (plain, one label per axis in x's order): its output in its own
// axis order (bias in the matmul, then its activation).
ValueId project(PlanBuilder& b, ValueId x, const EinsumDense& dense, const std::string& layer) {
  const core::EinsumAnalysis a = dense.analysis(b.dims(x));
  EinsumOptions options;
  if (a.bias_shape) {
    options.bias = weight_values(dense, "bias");
    options.bias_dims = *a.bias_shape;
  }
  const EinsumKernel kernel{weight_values(dense, "kernel"), dense.weights()[0].shape.dims()};
  const ValueId out = einsum_step(b, x, a.labels.input, kernel, a.labels.kernel, a.labels.output, options, layer);
  return apply_activation(b, out, dense.activation(), layer);
}

// A Keras mask of an input, as _compute_attention_mask expands it (expand_dims(mask, axis)): a term of the
// masked softmax.
std::optional<MaskTerm> input_mask(PlanBuilder& b, const KerasTensor* t, int axis, const std::string& layer) {
  const std::optional<ValueId> mask = b.mask_of(t);
  if (!mask) return std::nullopt;
  const ValueId plain = b.to_plain(*mask, layer);
  std::vector<int64_t> dims = b.dims(plain);
  dims.insert(axis == -1 ? dims.end() : dims.end() - 1, 1);
  return MaskTerm{plain, std::move(dims)};
}

// x * y elementwise (plain values of the same dims), as a new plain value: the gate (ops.multiply).
ValueId multiply(PlanBuilder& b, ValueId x, ValueId y, const std::string& layer) {
  const std::vector<int64_t>& dims = b.dims(x);
  if (b.dims(y) != dims) throw_unsupported(layer, "a gate of other dims than the attention output");
  const ValueId out = b.add_plain(dims);
  const int64_t n = product(dims, 0, dims.size());
  b.add_custom(
      layer,
      [=](const RunContext& c) {
        const float* a = c.f32(x);
        const float* g = c.f32(y);
        float* o = c.f32(out);
        for (int64_t i = 0; i < n; ++i) o[i] = a[i] * g[i];
      },
      {x, y}, {out});
  return out;
}

// The scores of one call, and how the attention weights (same layout) combine with the projected value.
struct Attended {
  ValueId scores;
  std::string scores_labels, k_attn;  // k_attn: the key's attention axes, the scores' trailing ones
  std::function<ValueId(PlanBuilder&, ValueId, ValueId)> combine;
};

// MultiHeadAttention: labels are the positional axes 'a'.., the key's attention axes 'A'.., heads 'N',
// channels 'K' / 'V'; the scores are (batch dims, heads, query attention axes, key attention axes).
Attended heads_attended(PlanBuilder& b, const MultiHeadAttention& layer, ValueId qp, ValueId kp, std::size_t rank,
                        const EinsumOptions& scale, const std::string& name) {
  const std::vector<int64_t>& axes = layer.attention_axes();
  auto attended = [&](std::size_t i) {
    return std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
  };
  std::string q_labels, k_labels, batch, q_attn, k_attn;
  for (std::size_t i = 0; i + 2 < rank; ++i) {
    const char qc = static_cast<char>('a' + i);
    const char kc = attended(i) ? static_cast<char>('A' + i) : qc;
    q_labels += qc;
    k_labels += kc;
    if (attended(i)) {
      q_attn += qc;
      k_attn += kc;
    } else {
      batch += qc;
    }
  }
  const std::string scores_labels = batch + "N" + q_attn + k_attn;
  const ValueId scores = einsum_step(b, qp, q_labels + "NK", kp, k_labels + "NK", scores_labels, scale, name);
  auto combine = [=](PlanBuilder& pb, ValueId weights, ValueId vp) {
    return einsum_step(pb, weights, scores_labels, vp, k_labels + "NV", q_labels + "NV", {}, name);
  };
  return {scores, scores_labels, k_attn, combine};
}

// GroupQueryAttention: the query's heads split as (key/value head v, repeat r) (a view: u = v * repeats + r),
// so the scores (batch, v, r, T, S) are Keras's (batch, query heads, T, S) without repeating key and value.
Attended groups_attended(PlanBuilder& b, const MultiHeadAttention& layer, ValueId qp, ValueId kp,
                         const EinsumOptions& scale, const std::string& name) {
  const std::vector<int64_t> qd = b.dims(qp);  // (batch, T, heads, channels)
  const std::vector<int64_t> kd = b.dims(kp);  // (batch, S, kv heads, channels)
  if (qd.size() != 4) throw_unsupported(name, "grouped attention on inputs of rank other than 3");
  const int64_t kv = layer.kv_heads(), repeats = layer.num_heads() / kv;
  const ValueId q5 = b.add_alias(qp, {qd[0], qd[1], kv, repeats, qd[3]});
  const ValueId s5 = einsum_step(b, q5, "abvrK", kp, "aBvK", "avrbB", scale, name);
  const ValueId scores = b.add_alias(s5, {qd[0], layer.num_heads(), qd[1], kd[1]});
  auto combine = [=](PlanBuilder& pb, ValueId weights, ValueId vp) {
    const ValueId w5 = pb.add_alias(weights, {qd[0], kv, repeats, qd[1], kd[1]});
    const ValueId c5 = einsum_step(pb, w5, "avrbB", vp, "aBvV", "abvrV", {}, name);
    const std::vector<int64_t>& cd = pb.dims(c5);
    return pb.add_alias(c5, {cd[0], cd[1], kv * repeats, cd[4]});
  };
  return {scores, "aNbB", "B", combine};
}

// The mask terms of a call in the order Keras ANDs them: attention_mask & (query & value & key & causal &
// sliding window masks).
std::vector<MaskTerm> mask_terms(PlanBuilder& b, const MultiHeadAttention& layer, const Node& node,
                                 const MultiHeadAttention::Roles& roles, bool softmax_layer) {
  const std::string& name = layer.name();
  std::vector<MaskTerm> auto_terms;
  auto push = [&](std::optional<MaskTerm> t) {
    if (t) auto_terms.push_back(std::move(*t));
  };
  push(input_mask(b, node.inputs[roles.query], -1, name));
  push(input_mask(b, node.inputs[roles.value], -2, name));
  // Keras passes key_mask only for a key of its own (the key is value otherwise).
  if (roles.key) push(input_mask(b, node.inputs[*roles.key], -2, name));
  const bool causal = core::python::truthy(node.options.value("use_causal_mask", core::Json(false)));
  const std::vector<int64_t>& qd = b.dims(b.value_of(node.inputs[roles.query]));
  const std::vector<int64_t>& vd = b.dims(b.value_of(node.inputs[roles.value]));
  push(causal_window_mask(b, qd[1], vd[1], causal, layer.sliding_window(), name));
  std::vector<MaskTerm> terms;
  if (roles.attention_mask) {
    const ValueId m = b.to_plain(b.value_of(node.inputs[*roles.attention_mask]), name);
    // GroupQueryAttention hands an attention_mask with nothing to AND it with to the Softmax layer uncast: a
    // non-bool mask keeps what is above 0.5 there. Everywhere else Keras casts it to bool first.
    const bool uncast = auto_terms.empty() && softmax_layer && layer.kv_heads() != layer.num_heads();
    terms.push_back(MaskTerm{m, b.dims(m), uncast});
  }
  terms.insert(terms.end(), auto_terms.begin(), auto_terms.end());
  return terms;
}

void lower_multi_head_attention(PlanBuilder& b, const MultiHeadAttention& layer, const Node& node) {
  const std::string& name = layer.name();
  const MultiHeadAttention::Roles roles = MultiHeadAttention::roles(node.keywords, node.inputs.size());
  const ValueId query = b.to_plain(b.value_of(node.inputs[roles.query]), name);
  const ValueId value = b.to_plain(b.value_of(node.inputs[roles.value]), name);
  const ValueId key = roles.key ? b.to_plain(b.value_of(node.inputs[*roles.key]), name) : value;
  const std::size_t in_rank = b.dims(query).size();
  if (b.dims(value).size() != in_rank || b.dims(key).size() != in_rank) {
    throw_unsupported(name, "query, key and value of different ranks");
  }
  const ValueId qp = project(b, query, layer.query_dense(), name);  // (batch, ..., heads, key_dim)
  const ValueId kp = project(b, key, layer.key_dense(), name);
  const ValueId vp = project(b, value, layer.value_dense(), name);

  const std::size_t rank = in_rank + 1;  // of the projections: (batch, ..., heads, channels)
  EinsumOptions scale;
  scale.scale = 1.f / std::sqrt(static_cast<float>(layer.key_dim()));
  const Attended a = layer.kv_heads() == layer.num_heads() ? heads_attended(b, layer, qp, kp, rank, scale, name)
                                                            : groups_attended(b, layer, qp, kp, scale, name);
  const bool return_scores = node.outputs.size() > 1;
  // Keras runs ops.dot_product_attention only on rank-4 projections without dropout or returned scores.
  SoftmaxPath path;
  path.softmax_layer = layer.has_dropout() || return_scores || rank != 4;
  path.attention_axes = a.k_attn.size();
  const std::vector<MaskTerm> terms = mask_terms(b, layer, node, roles, path.softmax_layer);
  const ValueId weights = terms.empty() && a.k_attn.size() == 1
                              ? apply_activation(b, a.scores, core::Activation::Softmax, name)
                              : masked_softmax(b, a.scores, a.k_attn.size(), terms, path, name);
  ValueId combined = a.combine(b, weights, vp);  // (batch, ..., heads, value_dim)
  // use_gate: the attention output times sigmoid(gate projection of the query), before attention_output.
  if (const EinsumDense* gate = layer.gate_dense()) combined = multiply(b, combined, project(b, query, *gate, name), name);
  const ValueId out = project(b, combined, layer.output_dense(), name);
  b.check_dims(node.outputs[0], b.dims(out), name);
  b.set_output(node.outputs[0], out);
  if (return_scores) b.set_output(node.outputs[1], weights);
  if (const std::optional<ValueId> query_mask = b.mask_of(node.inputs[roles.query])) {
    b.set_mask(node.outputs[0], b.to_plain(*query_mask, name));
  }
}

}  // namespace

const LayerLowering multi_head_attention_lowering = {
    .lower = lower_as<MultiHeadAttention, lower_multi_head_attention>,
    .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
