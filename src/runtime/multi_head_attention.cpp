// MultiHeadAttention: the query, key and value projections (einsum steps against the EinsumDense sublayers'
// kernels), the scores as one batched matmul in Keras's (batch dims, heads, query axes, key axes) layout with
// 1/sqrt(key_dim) as the matmul's scale, a softmax over the key axes (oneDNN's when nothing is masked and one
// axis is attended; else a loop that applies the combined mask as Keras's where(mask, x, -1e9) does), the
// weights' matmul with the value, and the attention_output projection. Keras runs two different softmaxes:
// ops.dot_product_attention (rank-3 inputs, no dropout, no scores returned) gives a query step whose every
// key is masked uniform weights; the Softmax layer path zeroes masked weights. Both are kept.
#include <algorithm>
#include <cmath>
#include <functional>

#include "layers/multi_head_attention.hpp"
#include "runtime/einsum.hpp"
#include "runtime/lowerings.hpp"
#include "util/python_text.hpp"

namespace inlay::runtime {

namespace {

using core::EinsumDense;
using core::MultiHeadAttention;

// Keras's _large_negative_number for float32 (Softmax layer and the TF backend's dot_product_attention).
constexpr float kMaskedLogit = -1.0e9f;

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

// What the masked softmax combines (rank-3 inputs: scores are (batch, heads, T, S)).
struct MaskInputs {
  std::optional<ValueId> query, value, key, attention;  // (B, T), (B, S), (B, S), (B, T, S)
  bool causal = false;
  std::optional<int64_t> window;
  bool any() const { return query || value || key || attention || causal || window; }
};

// softmax over the last `cols` values of each row of scores, masked entries set to -1e9 first; with
// `zero_masked` the masked weights are then zeroed (Keras's Softmax layer). Masks index rows as
// (batch, heads, T) and columns as S.
ValueId masked_softmax(PlanBuilder& b, ValueId scores, int64_t cols, const MaskInputs& m, int64_t heads, int64_t tq,
                       bool zero_masked, const std::string& layer) {
  const std::vector<int64_t>& dims = b.dims(scores);
  const int64_t rows = product(dims, 0, dims.size()) / cols;
  const ValueId out = b.add_plain(dims);
  std::vector<ValueId> reads = {scores};
  for (const std::optional<ValueId>& v : {m.query, m.value, m.key, m.attention}) {
    if (v) reads.push_back(*v);
  }
  const ValueId none = scores;  // a placeholder id, never read when its flag is off
  const ValueId q = m.query.value_or(none), v = m.value.value_or(none), k = m.key.value_or(none),
                a = m.attention.value_or(none);
  const bool has_q = m.query.has_value(), has_v = m.value.has_value(), has_k = m.key.has_value(),
             has_a = m.attention.has_value(), causal = m.causal;
  const int64_t window = m.window.value_or(0);
  const bool masked = m.any();
  b.add_custom(
      layer,
      [=](const RunContext& c) {
        const float* s = c.f32(scores);
        float* y = c.f32(out);
        const float* qm = has_q ? c.f32(q) : nullptr;
        const float* vm = has_v ? c.f32(v) : nullptr;
        const float* km = has_k ? c.f32(k) : nullptr;
        const float* am = has_a ? c.f32(a) : nullptr;
        for (int64_t r = 0; r < rows; ++r) {
          const float* x = s + r * cols;
          float* w = y + r * cols;
          const int64_t n = masked ? r / (heads * tq) : 0, i = masked ? r % tq : 0;
          auto keep = [&](int64_t j) {
            if (!masked) return true;
            if (qm && qm[n * tq + i] == 0.f) return false;
            if (vm && vm[n * cols + j] == 0.f) return false;
            if (km && km[n * cols + j] == 0.f) return false;
            if (am && am[(n * tq + i) * cols + j] == 0.f) return false;
            if (causal && j > i) return false;
            if (window > 0 && std::abs(i - j) >= window) return false;
            return true;
          };
          float top = -INFINITY;
          for (int64_t j = 0; j < cols; ++j) {
            w[j] = keep(j) ? x[j] : kMaskedLogit;
            top = std::max(top, w[j]);
          }
          float sum = 0.f;
          for (int64_t j = 0; j < cols; ++j) sum += (w[j] = std::exp(w[j] - top));
          for (int64_t j = 0; j < cols; ++j) w[j] = zero_masked && !keep(j) ? 0.f : w[j] / sum;
        }
      },
      reads, {out});
  return out;
}

// A Keras mask of an input (one value per step of a rank-3 input): (batch, steps), plain.
std::optional<ValueId> step_mask(PlanBuilder& b, const KerasTensor* t, ValueId input, const std::string& layer) {
  const std::optional<ValueId> mask = b.mask_of(t);
  if (!mask) return std::nullopt;
  const std::vector<int64_t>& dims = b.dims(input);
  if (product(b.dims(*mask), 0, b.dims(*mask).size()) != dims[0] * dims[1]) {
    throw_unsupported(layer, "a mask that is not one value per step of its input");
  }
  return b.to_plain(*mask, layer);
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

void lower_multi_head_attention(PlanBuilder& b, const MultiHeadAttention& layer, const Node& node) {
  const std::string& name = layer.name();
  if (layer.gate_dense() != nullptr) throw_unsupported(name, "use_gate=True");
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
  const ValueId scores = a.scores;
  const std::string& k_attn = a.k_attn;
  const bool return_scores = node.outputs.size() > 1;
  MaskInputs masks;
  masks.causal = core::python::truthy(node.options.value("use_causal_mask", core::Json(false)));
  masks.window = layer.sliding_window();
  masks.query = step_mask(b, node.inputs[roles.query], query, name);
  masks.value = step_mask(b, node.inputs[roles.value], value, name);
  // Keras passes key_mask only for a key of its own (the key is value otherwise).
  if (roles.key) masks.key = step_mask(b, node.inputs[*roles.key], key, name);
  if (roles.attention_mask) masks.attention = b.to_plain(b.value_of(node.inputs[*roles.attention_mask]), name);
  const std::vector<int64_t>& sd = b.dims(scores);
  int64_t cols = 1;
  for (std::size_t i = sd.size() - k_attn.size(); i < sd.size(); ++i) cols *= sd[i];
  ValueId weights;
  if (masks.any()) {
    if (rank != 4) throw_unsupported(name, "masks with inputs of rank other than 3");
    const int64_t tq = sd[2];
    if (masks.attention && b.dims(*masks.attention) != std::vector<int64_t>{sd[0], tq, cols}) {
      throw_unsupported(name, "an attention_mask not of shape (batch, query steps, key steps)");
    }
    const bool zero_masked = layer.has_dropout() || return_scores;
    weights = masked_softmax(b, scores, cols, masks, sd[1], tq, zero_masked, name);
  } else if (k_attn.size() == 1) {
    weights = apply_activation(b, scores, core::Activation::Softmax, name);
  } else {
    weights = masked_softmax(b, scores, cols, masks, 1, 1, false, name);
  }
  const ValueId combined = a.combine(b, weights, vp);
  const ValueId out = project(b, combined, layer.output_dense(), name);
  b.check_dims(node.outputs[0], b.dims(out), name);
  b.set_output(node.outputs[0], out);
  if (return_scores) b.set_output(node.outputs[1], weights);
  if (masks.query) b.set_mask(node.outputs[0], *masks.query);
}

}  // namespace

const LayerLowering multi_head_attention_lowering = {
    .lower = lower_as<MultiHeadAttention, lower_multi_head_attention>,
    .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
