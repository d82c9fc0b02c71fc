// The masked softmax of MultiHeadAttention / GroupQueryAttention, with Keras's mask broadcasting. Keras ANDs
// its mask sources by numpy broadcasting (_compute_attention_mask: query mask (B, T) -> (B, T, 1), value and
// key masks (B, S) -> (B, 1, S), causal and sliding-window masks (1, T, S), then attention_mask & that), and
// expands the result with ones inserted before its last 2 * len(attention_axes) axes until it has the
// scores' rank (_masked_softmax, or _compute_attention before dot_product_attention); every axis must then be
// 1 or the scores' size. So attention_mask may be (B, T, S), (B, 1, S), (1, T, S), (B, T, 1), a rank-5 mask
// of rank-4 inputs attended over 2 axes, ...: inlay computes what that broadcasting gives, or refuses where
// Keras raises.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/plan_builder.hpp"

namespace inlay::runtime {

// One mask source: a plain float32 value and the dims Keras ANDs it with (its own dims after Keras's
// expand_dims, e.g. a query mask (B, T) as (B, T, 1)). An element keeps its position when nonzero
// (ops.cast(mask, "bool")), or when above 0.5 with `above_half` (the Softmax layer given a non-bool mask).
struct MaskTerm {
  ValueId value;
  std::vector<int64_t> dims;
  bool above_half = false;
};

// Keras's causal mask (use_causal_mask) ANDed with its sliding-window mask (|i - j| < window): a (1, T, S)
// value filled by a step, T and S the query's and value's axis-1 sizes. nullopt when neither applies.
std::optional<MaskTerm> causal_window_mask(PlanBuilder& b, int64_t tq, int64_t sv, bool causal,
                                           std::optional<int64_t> window, const std::string& layer);

// How the softmax treats masked positions: the Softmax-layer path (dropout, returned scores, inputs of rank
// other than 3) zeroes their weights, so a row with every key masked is all zeros; ops.dot_product_attention
// leaves such a row uniform. The two paths also raise different errors for masks that do not broadcast.
struct SoftmaxPath {
  bool softmax_layer = false;
  std::size_t attention_axes = 1;  // len(attention_axes): the scores end in 2 * this many attention axes
};

// softmax over the trailing `key_axes` axes of `scores` (plain), masked by `terms` (ANDed after Keras's
// broadcasting); a new plain value. InvalidArgument with Keras's (or TensorFlow's) message where the masks do
// not broadcast to the scores.
ValueId masked_softmax(PlanBuilder& b, ValueId scores, std::size_t key_axes, const std::vector<MaskTerm>& terms,
                       const SoftmaxPath& path, const std::string& layer);

}  // namespace inlay::runtime
