#include "runtime/axis_groups.hpp"

#include <algorithm>
#include <cmath>

namespace inlay::runtime {
namespace {

// The offsets of every position of the axes `which` (the others at 0), in row-major order of those axes.
std::vector<int64_t> offsets(const std::vector<int64_t>& dims, const std::vector<int64_t>& strides,
                             const std::vector<std::size_t>& which) {
  int64_t count = 1;
  for (std::size_t k : which) count *= dims[k];
  std::vector<int64_t> out;
  out.reserve(static_cast<std::size_t>(count));
  std::vector<int64_t> index(which.size(), 0);
  int64_t offset = 0;
  for (int64_t n = 0; n < count; ++n) {
    out.push_back(offset);
    for (std::size_t j = which.size(); j-- > 0;) {  // the next position, last axis fastest
      const std::size_t k = which[j];
      offset += strides[k];
      if (++index[j] < dims[k]) break;
      offset -= strides[k] * dims[k];
      index[j] = 0;
    }
  }
  return out;
}

}  // namespace

AxisGroups axis_groups(const std::vector<int64_t>& dims, const std::vector<int>& axes) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (std::size_t k = dims.size(); k-- > 1;) strides[k - 1] = strides[k] * dims[k];
  std::vector<std::size_t> reduced, kept;
  for (std::size_t k = 0; k < dims.size(); ++k) {
    const bool in_axes = std::find(axes.begin(), axes.end(), static_cast<int>(k)) != axes.end();
    (in_axes ? reduced : kept).push_back(k);
  }
  return {offsets(dims, strides, kept), offsets(dims, strides, reduced)};
}

}  // namespace inlay::runtime

namespace inlay::runtime {

ValueId l2_normalize_step(PlanBuilder& b, ValueId x, const std::vector<int>& axes, double epsilon,
                          const std::string& layer) {
  const AxisGroups groups = axis_groups(b.dims(x), axes);
  const ValueId out = b.add_plain(b.dims(x));
  const double cap = 1.0 / epsilon;
  b.add_custom(
      layer,
      [x, out, groups, cap](const RunContext& c) {
        const float* src = c.f32(x);
        float* dst = c.f32(out);
        for (int64_t base : groups.outer) {
          double squares = 0;
          for (int64_t i : groups.inner) squares += static_cast<double>(src[base + i]) * src[base + i];
          // min(inf, cap) is cap for an all-zero group; a NaN sum stays NaN (std::min would drop it)
          const double inv = std::isnan(squares) ? squares : std::min(1.0 / std::sqrt(squares), cap);
          for (int64_t i : groups.inner) dst[base + i] = static_cast<float>(src[base + i] * inv);
        }
      },
      {x}, {out});
  return out;
}

}  // namespace inlay::runtime
