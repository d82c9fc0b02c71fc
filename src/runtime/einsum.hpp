// A two-operand einsum on oneDNN's batched matmul, for EinsumDense and the attention layers. Every axis has a
// label (one char); labels in both operands and the output are matmul batch axes, labels in both operands only
// are contracted, labels in one operand and the output are its free axes. The operands are permuted (reorders,
// skipped when already in place) to (batch, free_x, contracted) and (batch, contracted, free_w); the matmul's
// (batch, free_x, free_w) result is permuted to the output's label order. A constant right operand (a kernel)
// is rearranged once on the host; a label of x alone (summed over) is contracted against the kernel repeated
// along it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/plan_builder.hpp"

namespace inlay::runtime {

// A kernel: row-major values over dims.
struct EinsumKernel {
  std::span<const float> values;
  std::vector<int64_t> dims;
};

struct EinsumOptions {
  float scale = 1.f;  // multiplies the product (the matmul's output scale)
  // A bias added to the output: row-major values over the output's trailing axes (numpy broadcasting: each of
  // bias_dims is 1 or the output's size). Empty: none.
  std::span<const float> bias;
  std::vector<int64_t> bias_dims;
};

// out[out_labels] = scale * sum(x[x_labels] * w[w_labels]) + bias, as a new plain value; `x` and a runtime `w`
// are plain values. InvalidArgument when label sizes disagree, Unsupported for an einsum this cannot run.
ValueId einsum_step(PlanBuilder& b, ValueId x, const std::string& x_labels, ValueId w, const std::string& w_labels,
                    const std::string& out_labels, const EinsumOptions& options, const std::string& layer);
ValueId einsum_step(PlanBuilder& b, ValueId x, const std::string& x_labels, const EinsumKernel& w,
                    const std::string& w_labels, const std::string& out_labels, const EinsumOptions& options,
                    const std::string& layer);

// x (plain, one label per axis) with its axes in `to` order (a permutation of `from`): a reorder, or x itself.
ValueId permute_labels(PlanBuilder& b, ValueId x, const std::string& from, const std::string& to,
                       const std::string& layer);

}  // namespace inlay::runtime
