// Finding the few floats oneDNN does not compute as Keras does (NaN, infinities, values beyond a kernel's
// exact range) without slowing down the common case where there are none. The scans work on the bit
// patterns: |x| is the pattern without its sign bit, a non-negative int32 that orders like |x|, and NaN's
// patterns lie above +inf's, so "NaN or |x| > bound" is one signed 32-bit compare -- loops the compiler
// vectorizes with the baseline x86-64 instructions (SSE2 pcmpgtd: about 0.07 ns a float from cache, 0.15
// from memory, measured on the 2-core VM; an unsigned max, which SSE2 lacks, ran at 0.25 ns). Header-only
// so the loops inline into their callers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace inlay::runtime {

inline int32_t magnitude_bits(float x) {
  int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits & 0x7fffffff;
}

inline constexpr int32_t kInfinityBits = 0x7f800000;
inline constexpr int32_t kNegativeInfinityBits = static_cast<int32_t>(0xff800000u);

// Tensors of at least this many floats are scanned by the OpenMP threads of the run.
inline constexpr std::size_t kParallelScan = std::size_t{1} << 20;

// OR of flag(x[i]) (0 or -1) over x[0, n): serial below kParallelScan floats (an OpenMP region costs more
// than scanning a small tensor), else over the run's OpenMP threads.
template <typename Flag>
int32_t any_flag(const float* x, std::size_t n, Flag flag) {
  int32_t any = 0;
  if (n < kParallelScan) {
    for (std::size_t i = 0; i < n; ++i) any |= flag(x[i]);
    return any;
  }
  const auto count = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for reduction(| : any) schedule(static)
  for (std::ptrdiff_t i = 0; i < count; ++i) any |= flag(x[i]);
  return any;
}

// Whether any x[i] has !(|x[i]| <= bound) -- NaN always does -- for a bound >= 0.
inline bool any_beyond(const float* x, std::size_t n, float bound) {
  const int32_t limit = magnitude_bits(bound);
  return any_flag(x, n, [limit](float v) { return -static_cast<int32_t>(magnitude_bits(v) > limit); }) != 0;
}

// Whether all of x[0, n) are finite.
inline bool all_finite(const float* x, std::size_t n) { return !any_beyond(x, n, std::numeric_limits<float>::max()); }

// Calls fix(i) for every i with !(|x[i]| <= bound), bound >= 0. Blocks are tested with the vectorized scan
// first; only a block holding such a value is walked element by element.
template <typename Fix>
void for_each_beyond(const float* x, std::size_t n, float bound, Fix&& fix) {
  constexpr std::size_t kBlock = 256;
  const int32_t limit = magnitude_bits(bound);
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    const std::size_t end = std::min(n, begin + kBlock);
    int32_t any = 0;
    for (std::size_t i = begin; i < end; ++i) any |= -static_cast<int32_t>(magnitude_bits(x[i]) > limit);
    if (any == 0) continue;
    for (std::size_t i = begin; i < end; ++i) {
      if (magnitude_bits(x[i]) > limit) fix(i);
    }
  }
}

// Whether any x[i] is NaN or -inf (what oneDNN's max pooling treats otherwise than TensorFlow's reduce_max).
inline bool any_nan_or_negative_infinity(const float* x, std::size_t n) {
  return any_flag(x, n, [](float v) {
           int32_t bits;
           std::memcpy(&bits, &v, sizeof bits);
           return -static_cast<int32_t>((bits & 0x7fffffff) > kInfinityBits) |
                  -static_cast<int32_t>(bits == kNegativeInfinityBits);
         }) != 0;
}

}  // namespace inlay::runtime
