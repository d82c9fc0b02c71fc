#include "runtime/gather_indices.hpp"

#include <limits>

#include "util/error.hpp"

namespace inlay::runtime {

int64_t gather_index(core::DType dtype, const void* data, int64_t i) {
  if (dtype == core::DType::Int64) return static_cast<const int64_t*>(data)[i];
  if (dtype == core::DType::Int32) return static_cast<const int32_t*>(data)[i];
  const float v = static_cast<const float*>(data)[i];
  if (!(v > -2147483649.0f && v < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int64_t>(static_cast<int32_t>(v));
}

int64_t checked_gather_index(int64_t index, int64_t n, int64_t i, const std::vector<int64_t>& dims,
                             const std::string& who) {
  if (index < 0) index += n;
  if (index >= 0 && index < n) return index;
  std::vector<int64_t> at(dims.size());
  int64_t flat = i;
  for (std::size_t d = dims.size(); d-- > 0;) {
    at[d] = dims[d] == 0 ? 0 : flat % dims[d];
    flat = dims[d] == 0 ? 0 : flat / dims[d];
  }
  std::string text = "indices[";
  for (std::size_t d = 0; d < at.size(); ++d) text += (d ? "," : "") + std::to_string(at[d]);
  throw core::Error(core::Status::InvalidArgument, who + ": " + text + "] = " + std::to_string(index) +
                                                       " is not in [0, " + std::to_string(n) + ")");
}

}  // namespace inlay::runtime
