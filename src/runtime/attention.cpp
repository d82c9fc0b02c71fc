// Attention and AdditiveAttention: scores (batch..., Tq, Tv) from the query and the key (a oneDNN matmul for
// "dot", a hand-written tanh-sum loop for "concat" and additive scores: oneDNN has no fused equivalent), value
// steps masked out by subtracting 1e9 as Keras does (a query whose every value step is masked gets uniform
// weights, as in Keras), softmax over Tv (Keras's softmax activation), the weights' matmul with the value,
// then the query's masked steps zeroed (ops.where). The output keeps the query's mask (compute_mask).
#include <cmath>

#include "layers/attention.hpp"
#include "runtime/einsum.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

// Keras's _apply_scores: masked scores become scores - 1e9 (float32), not -inf.
constexpr float kMaskPenalty = 1.0e9f;

std::vector<float> weight_vector(const Layer& layer, const std::string& name) {
  const std::span<const float> v = weight_values(layer, name);
  return {v.begin(), v.end()};
}

// scores[b, i, j] = outer * sum_d w[d] * tanh(inner * (q[b, i, d] + k[b, j, d])) (w: one per feature).
ValueId tanh_scores(PlanBuilder& b, ValueId q, ValueId k, std::vector<float> w, float inner, float outer,
                    const std::string& layer) {
  const std::vector<int64_t>& qd = b.dims(q);
  const std::vector<int64_t>& kd = b.dims(k);
  const std::size_t r = qd.size();
  const int64_t batch = product(qd, 0, r - 2), tq = qd[r - 2], tv = kd[r - 2], depth = qd[r - 1];
  std::vector<int64_t> out_dims(qd.begin(), qd.end() - 1);
  out_dims.push_back(tv);
  const ValueId out = b.add_plain(out_dims);
  b.add_custom(
      layer,
      [q, k, out, batch, tq, tv, depth, w = std::move(w), inner, outer](const RunContext& c) {
        const float* qv = c.f32(q);
        const float* kv = c.f32(k);
        float* s = c.f32(out);
        for (int64_t n = 0; n < batch; ++n) {
          for (int64_t i = 0; i < tq; ++i) {
            const float* qi = qv + (n * tq + i) * depth;
            for (int64_t j = 0; j < tv; ++j) {
              const float* kj = kv + (n * tv + j) * depth;
              float sum = 0.f;
              for (int64_t d = 0; d < depth; ++d) sum += w[static_cast<std::size_t>(d)] * std::tanh(inner * (qi[d] + kj[d]));
              s[(n * tq + i) * tv + j] = outer * sum;
            }
          }
        }
      },
      {q, k}, {out});
  return out;
}

// The mask of input `index` when it has one, checked to hold one entry per step of that input.
std::optional<ValueId> step_mask(PlanBuilder& b, const Node& node, std::size_t index, ValueId input,
                                 const std::string& layer) {
  const std::optional<ValueId> mask = b.mask_of(node.inputs[index]);
  if (!mask) return std::nullopt;
  const std::vector<int64_t>& dims = b.dims(input);
  if (product(b.dims(*mask), 0, b.dims(*mask).size()) != product(dims, 0, dims.size() - 1)) {
    throw_unsupported(layer, "a mask that is not one value per step of its input");
  }
  return b.to_plain(*mask, layer);
}

// scores - 1e9 where the value step is masked (mask: (batch..., Tv)).
ValueId mask_scores(PlanBuilder& b, ValueId scores, ValueId mask, const std::string& layer) {
  const std::vector<int64_t>& sd = b.dims(scores);
  const int64_t tv = sd.back(), tq = sd[sd.size() - 2], batch = product(sd, 0, sd.size() - 2);
  const ValueId out = b.add_plain(sd);
  b.add_custom(
      layer,
      [scores, mask, out, batch, tq, tv](const RunContext& c) {
        const float* s = c.f32(scores);
        const float* m = c.f32(mask);
        float* y = c.f32(out);
        for (int64_t n = 0; n < batch; ++n) {
          for (int64_t i = 0; i < tq; ++i) {
            for (int64_t j = 0; j < tv; ++j) {
              const int64_t at = (n * tq + i) * tv + j;
              y[at] = m[n * tv + j] != 0.f ? s[at] : s[at] - kMaskPenalty;
            }
          }
        }
      },
      {scores, mask}, {out});
  return out;
}

// ops.where(query_mask[..., None], x, 0).
ValueId zero_masked_rows(PlanBuilder& b, ValueId x, ValueId mask, const std::string& layer) {
  const std::vector<int64_t>& dims = b.dims(x);
  const int64_t rows = product(dims, 0, dims.size() - 1), width = dims.back();
  const ValueId out = b.add_plain(dims);
  b.add_custom(
      layer,
      [x, mask, out, rows, width](const RunContext& c) {
        const float* in = c.f32(x);
        const float* m = c.f32(mask);
        float* y = c.f32(out);
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t d = 0; d < width; ++d) y[r * width + d] = m[r] != 0.f ? in[r * width + d] : 0.f;
        }
      },
      {x, mask}, {out});
  return out;
}

void lower_attention(PlanBuilder& b, const core::Attention& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId q = b.to_plain(b.value_of(node.inputs[0]), name);
  const ValueId v = b.to_plain(b.value_of(node.inputs[1]), name);
  const ValueId k = node.inputs.size() > 2 ? b.to_plain(b.value_of(node.inputs[2]), name) : v;
  const std::size_t rank = b.dims(q).size();
  if (rank < 3 || b.dims(v).size() != rank || b.dims(k).size() != rank) {
    throw_unsupported(name, "attention inputs of different ranks, or of rank below 3");
  }
  const std::string batch = std::string("abcdefghijkl").substr(0, rank - 2);
  std::vector<int64_t> out_dims = b.dims(q);
  out_dims.back() = b.dims(v).back();
  b.check_dims(node.outputs[0], out_dims, name);

  ValueId scores;
  if (layer.additive()) {
    const int64_t depth = b.dims(q).back();
    std::vector<float> w = layer.use_scale() ? weight_vector(layer, "scale")
                                             : std::vector<float>(static_cast<std::size_t>(depth), 1.f);
    scores = tanh_scores(b, q, k, std::move(w), 1.f, 1.f, name);
  } else if (layer.concat_scores()) {
    const float scale = layer.use_scale() ? weight_values(layer, "scale")[0] : 1.f;
    std::vector<float> ones(static_cast<std::size_t>(b.dims(q).back()), 1.f);
    scores = tanh_scores(b, q, k, std::move(ones), scale, weight_values(layer, "concat_score_weight")[0], name);
  } else {
    EinsumOptions options;
    if (layer.use_scale()) options.scale = weight_values(layer, "scale")[0];
    scores = einsum_step(b, q, batch + "QD", k, batch + "KD", batch + "QK", options, name);
  }
  if (const std::optional<ValueId> value_mask = step_mask(b, node, 1, v, name)) {
    scores = mask_scores(b, scores, *value_mask, name);
  }
  const ValueId weights = apply_activation(b, scores, core::Activation::Softmax, name);
  ValueId out = einsum_step(b, weights, batch + "QK", v, batch + "KE", batch + "QE", {}, name);
  const std::optional<ValueId> query_mask = step_mask(b, node, 0, q, name);
  if (query_mask) out = zero_masked_rows(b, out, *query_mask, name);
  b.set_output(node.outputs[0], out);
  if (query_mask) b.set_mask(node.outputs[0], *query_mask);
}

}  // namespace

const LayerLowering attention_lowering = {
    .lower = lower_as<core::Attention, lower_attention>,
    .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
