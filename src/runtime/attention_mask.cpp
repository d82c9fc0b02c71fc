#include "runtime/attention_mask.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "types/shape.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

namespace {

// Keras's _large_negative_number for float32 (Softmax layer). The TF backend's dot_product_attention uses
// -0.7 * 3.38953e38: either underflows exp() to 0 beside an unmasked logit, and a row with every key masked
// gets equal logits (uniform weights) both ways.
constexpr float kMaskedLogit = -1.0e9f;

std::string tuple(const std::vector<int64_t>& dims) { return core::Shape(dims).to_tuple_string(); }

// TensorFlow's message when two shapes do not broadcast (LogicalAnd).
[[noreturn]] void throw_not_broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  auto list = [](const std::vector<int64_t>& dims) {
    std::string text;
    for (int64_t d : dims) text += (text.empty() ? "" : ",") + std::to_string(d);
    return "[" + text + "]";
  };
  core::throw_invalid("Incompatible shapes: " + list(a) + " vs. " + list(b));
}

// numpy broadcasting of a & b.
std::vector<int64_t> broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t x = i + a.size() < rank ? 1 : a[i + a.size() - rank];
    const int64_t y = i + b.size() < rank ? 1 : b[i + b.size() - rank];
    if (x != y && x != 1 && y != 1) throw_not_broadcast(a, b);
    out[i] = x == 1 ? y : x;
  }
  return out;
}

// dims left-padded with ones to `rank`, then given ones before their last `trailing` axes up to `target`
// axes (Keras's repeated expand_dims(mask, -trailing - 1)).
std::vector<int64_t> expanded(std::vector<int64_t> dims, std::size_t rank, std::size_t target, std::size_t trailing) {
  dims.insert(dims.begin(), rank - dims.size(), 1);
  const auto at = dims.begin() + static_cast<std::ptrdiff_t>(rank - trailing);
  dims.insert(at, target - rank, 1);
  return dims;
}

// Refuses, as Keras does, masks whose AND does not broadcast to the scores once expanded to their rank.
void check_mask_broadcast(const std::vector<MaskTerm>& terms, const std::vector<int64_t>& scores,
                                       const SoftmaxPath& path, const std::string& layer) {
  std::vector<int64_t> mask = terms.front().dims;
  for (std::size_t t = 1; t < terms.size(); ++t) mask = broadcast(mask, terms[t].dims);
  const std::size_t trailing = 2 * path.attention_axes;
  if (mask.size() > scores.size()) {
    if (!path.softmax_layer) throw_unsupported(layer, "an attention mask of more dimensions than the scores");
    core::throw_invalid("The `mask` must be broadcastable to `inputs` and must not have more dimensions. Received: "
                        "inputs.shape=" + tuple(scores) + ", mask.shape=" + tuple(mask));
  }
  if (mask.size() < scores.size() && mask.size() < trailing) {
    core::throw_invalid(layer + ": an attention mask of shape " + tuple(mask) + " cannot be expanded to the scores' " +
                        tuple(scores) + " (expand_dims at axis -" + std::to_string(trailing + 1) + ")");
  }
  const std::vector<int64_t> aligned = expanded(mask, mask.size(), scores.size(), trailing);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (aligned[i] == 1 || aligned[i] == scores[i]) continue;
    if (!path.softmax_layer) throw_not_broadcast(scores, aligned);
    core::throw_invalid("The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the "
                        "corresponding input dimension. Received: inputs.shape=" + tuple(scores) +
                        ", mask.shape=" + tuple(aligned));
  }
}

// A term's element strides over the scores' axes: row-major over its aligned dims, 0 where it broadcasts.
std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& aligned) {
  std::vector<int64_t> strides(aligned.size(), 0);
  int64_t step = 1;
  for (std::size_t i = aligned.size(); i-- > 0;) {
    strides[i] = aligned[i] == 1 ? 0 : step;
    step *= aligned[i];
  }
  return strides;
}

// sum of idx[i] * strides[i] over axes [begin, end) for the flat index `flat` over dims[begin, end).
int64_t offset_of(int64_t flat, const std::vector<int64_t>& dims, const std::vector<int64_t>& strides,
                  std::size_t begin, std::size_t end) {
  int64_t offset = 0;
  for (std::size_t i = end; i-- > begin;) {
    offset += (flat % dims[i]) * strides[i];
    flat /= dims[i];
  }
  return offset;
}

// What the step reads of one term: its value, strides over the scores' row axes and offsets per column.
struct TermIndex {
  ValueId value;
  std::vector<int64_t> strides, column_offsets;
  bool above_half;
};

}  // namespace

std::optional<MaskTerm> causal_window_mask(PlanBuilder& b, int64_t tq, int64_t sv, bool causal,
                                           std::optional<int64_t> window, const std::string& layer) {
  if (!causal && !window) return std::nullopt;
  const ValueId out = b.add_plain({1, tq, sv});
  const int64_t w = window.value_or(0);
  b.add_custom(
      layer,
      [=](const RunContext& c) {
        float* m = c.f32(out);
        for (int64_t i = 0; i < tq; ++i) {
          for (int64_t j = 0; j < sv; ++j) {
            // _compute_causal_mask: cumsum row index >= cumsum column index; the window: |i - j| < window.
            const bool keep = (!causal || i >= j) && (w == 0 || std::abs(i - j) < w);
            m[i * sv + j] = keep ? 1.f : 0.f;
          }
        }
      },
      {}, {out});
  return MaskTerm{out, {1, tq, sv}};
}

ValueId masked_softmax(PlanBuilder& b, ValueId scores, std::size_t key_axes, const std::vector<MaskTerm>& terms,
                       const SoftmaxPath& path, const std::string& layer) {
  const std::vector<int64_t> sd = b.dims(scores);
  const std::size_t rank = sd.size(), row_axes = rank - key_axes;
  const int64_t cols = product(sd, row_axes, rank), rows = product(sd, 0, row_axes);
  std::vector<TermIndex> index;
  if (!terms.empty()) {
    check_mask_broadcast(terms, sd, path, layer);
    std::size_t mask_rank = 0;  // the ANDed mask's, before its expansion
    for (const MaskTerm& t : terms) mask_rank = std::max(mask_rank, t.dims.size());
    for (const MaskTerm& t : terms) {
      if (product(b.dims(t.value), 0, b.dims(t.value).size()) != product(t.dims, 0, t.dims.size())) {
        throw core::Error(core::Status::InternalError, layer + ": a mask value of other dims than its term's");
      }
      TermIndex ti{t.value, broadcast_strides(expanded(t.dims, mask_rank, rank, 2 * path.attention_axes)), {},
                   t.above_half};
      ti.column_offsets.resize(static_cast<std::size_t>(cols));
      for (int64_t j = 0; j < cols; ++j) {
        ti.column_offsets[static_cast<std::size_t>(j)] = offset_of(j, sd, ti.strides, row_axes, rank);
      }
      index.push_back(std::move(ti));
    }
  }
  // A call has at most query, value, key and attention masks and the causal / window one: a fixed array of
  // term pointers and offsets, and the row's kept columns in a plan value, so a warm predict allocates nothing.
  constexpr std::size_t kMaxTerms = 8;
  if (index.size() > kMaxTerms) throw core::Error(core::Status::InternalError, layer + ": too many mask terms");
  const ValueId out = b.add_plain(sd), keep_id = b.add_plain({cols});
  std::vector<ValueId> reads = {scores};
  for (const MaskTerm& t : terms) reads.push_back(t.value);
  const bool zero_masked = path.softmax_layer;
  b.add_custom(
      layer,
      [=](const RunContext& c) {
        const float* s = c.f32(scores);
        float* y = c.f32(out);
        float* keep = c.f32(keep_id);
        std::array<const float*, kMaxTerms> data{};
        for (std::size_t t = 0; t < index.size(); ++t) data[t] = c.f32(index[t].value);
        std::array<int64_t, kMaxTerms> row_offsets{};
        for (int64_t r = 0; r < rows; ++r) {
          for (std::size_t t = 0; t < index.size(); ++t) row_offsets[t] = offset_of(r, sd, index[t].strides, 0, row_axes);
          const float* x = s + r * cols;
          float* w = y + r * cols;
          float top = -INFINITY;
          for (int64_t j = 0; j < cols; ++j) {
            bool k = true;
            for (std::size_t t = 0; t < index.size() && k; ++t) {
              const float v = data[t][row_offsets[t] + index[t].column_offsets[static_cast<std::size_t>(j)]];
              k = index[t].above_half ? v > 0.5f : v != 0.f;
            }
            keep[j] = k ? 1.f : 0.f;
            w[j] = k ? x[j] : kMaskedLogit;
            top = std::max(top, w[j]);
          }
          float sum = 0.f;
          for (int64_t j = 0; j < cols; ++j) sum += (w[j] = std::exp(w[j] - top));
          for (int64_t j = 0; j < cols; ++j) {
            w[j] = zero_masked && keep[j] == 0.f ? 0.f : w[j] / sum;
          }
        }
      },
      reads, {out, keep_id});
  return out;
}

}  // namespace inlay::runtime
