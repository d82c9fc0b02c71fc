// Counts the heap allocations of this process and tracks its live heap bytes, by interposing malloc and
// friends (alloc_counter.cpp). Used by inlay_bench_overhead to show that a warm predict allocates nothing in
// inlay and to measure a model's peak memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bench {

struct AllocSnapshot {
  uint64_t allocations = 0;  // malloc / calloc / realloc / memalign / posix_memalign / aligned_alloc calls
  int64_t live_bytes = 0;    // malloc_usable_size of what is allocated now
  int64_t peak_bytes = 0;    // highest live_bytes since reset_peak()
};

AllocSnapshot alloc_snapshot();
// Starts a new peak at the current live bytes.
void reset_peak();

}  // namespace bench
