#include "peak_flops.hpp"

#include <immintrin.h>
#include <omp.h>

#include <chrono>

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

// 16 independent accumulators: more than FMA latency x FMA ports on any current x86 core.
constexpr long kChunk = 1 << 14;  // iterations between clock reads

__attribute__((target("avx512f"))) double fma_avx512(double seconds, long& iterations) {
  __m512 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  const auto t0 = Clock::now();
  iterations = 0;
  double elapsed = 0;
  do {
    for (long n = 0; n < kChunk; ++n)
      for (int i = 0; i < 16; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    iterations += kChunk;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < seconds);
  // Keeps the loop alive (a store, not _mm512_reduce_add_ps: GCC 12 warns inside that one).
  __m512 sum = acc[0];
  for (int i = 1; i < 16; ++i) sum = _mm512_add_ps(sum, acc[i]);
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  if (lanes[0] == 12345.0f) iterations += 1;
  return 16.0 * 16.0 * 2.0 * static_cast<double>(iterations) / elapsed;
}

__attribute__((target("avx2,fma"))) double fma_avx2(double seconds, long& iterations) {
  __m256 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  const auto t0 = Clock::now();
  iterations = 0;
  double elapsed = 0;
  do {
    for (long n = 0; n < kChunk; ++n)
      for (int i = 0; i < 16; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    iterations += kChunk;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < seconds);
  float lanes[8];
  __m256 sum = acc[0];
  for (int i = 1; i < 16; ++i) sum = _mm256_add_ps(sum, acc[i]);
  _mm256_storeu_ps(lanes, sum);
  if (lanes[0] == 12345.0f) iterations += 1;
  return 16.0 * 8.0 * 2.0 * static_cast<double>(iterations) / elapsed;
}

}  // namespace

PeakFlops measure_peak_flops(int threads, double seconds) {
  PeakFlops peak;
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!avx512 && !avx2) {
    peak.isa = "none";
    return peak;
  }
  peak.isa = avx512 ? "avx512f" : "avx2+fma";
  double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
  {
    long iterations = 0;
    total += avx512 ? fma_avx512(seconds, iterations) : fma_avx2(seconds, iterations);
  }
  peak.gflops = total * 1e-9;
  return peak;
}

}  // namespace bench
