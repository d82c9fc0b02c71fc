// The integer indices of a gather (Embedding's ids, ops.take's indices) read as TensorFlow reads them, for the
// hand-written gathers (oneDNN 2.6 has no gather primitive).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "types/dtype.hpp"

namespace inlay::runtime {

// The index at position i of indices stored as int32, int64 or float32. Float values are cast as TensorFlow's
// float32 -> int32 cast does on x86: truncation; NaN and values outside int32 become INT32_MIN.
int64_t gather_index(core::DType dtype, const void* data, int64_t i);

// `index` wrapped once (a negative index counts from the end, as Keras's ops.take on TensorFlow) and checked
// against [0, n): outside, TensorFlow's GatherV2 message "<who>: indices[0,1] = 7 is not in [0, 5)", with the
// flat position i as a multi-index over the indices' dims.
int64_t checked_gather_index(int64_t index, int64_t n, int64_t i, const std::vector<int64_t>& dims,
                             const std::string& who);

}  // namespace inlay::runtime
