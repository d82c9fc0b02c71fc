// The machine's fp32 compute limit, measured: every OpenMP thread runs independent fused multiply-adds on
// the widest vectors the CPU has (AVX-512, else AVX2/FMA), enough of them in flight to hide the FMA latency.
// What a perfect kernel could reach; /proc/cpuinfo's clock and the ISA alone cannot say (virtual CPUs, turbo,
// AMD's 256-bit AVX-512 datapaths).
#pragma once

namespace bench {

struct PeakFlops {
  double gflops = 0;      // all threads together
  const char* isa = "";   // "avx512f", "avx2+fma" or "none"
};

PeakFlops measure_peak_flops(int threads, double seconds);

}  // namespace bench
