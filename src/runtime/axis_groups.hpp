// The normalization layers that oneDNN has no primitive for (LayerNormalization over axes that are not the
// trailing ones, GroupNormalization, UnitNormalization, RMSNormalization) reduce a row-major tensor over a set
// of axes for every position of the others. AxisGroups lists those positions as element offsets once, at plan
// time: element `i` of group `g` is at outer[g] + inner[i], inner in the axes' row-major order.
#pragma once

#include <cstdint>
#include <vector>

namespace inlay::runtime {

struct AxisGroups {
  std::vector<int64_t> outer;  // one offset per group (a position of the axes not reduced)
  std::vector<int64_t> inner;  // one offset per element of a group (a position of the reduced axes)
};

// The groups of a row-major tensor of `dims` reduced over `axes` (positional, increasing, distinct).
AxisGroups axis_groups(const std::vector<int64_t>& dims, const std::vector<int>& axes);

}  // namespace inlay::runtime

#include <string>

#include "runtime/plan_builder.hpp"

namespace inlay::runtime {

// ops.normalize(x, axis, order=2, epsilon) as a step: x * min(rsqrt(sum(x^2)), 1 / epsilon) over `axes` of the
// plain value x; returns the plain value written.
ValueId l2_normalize_step(PlanBuilder& b, ValueId x, const std::vector<int>& axes, double epsilon,
                          const std::string& layer);

}  // namespace inlay::runtime
