// Constants (weights reordered into a primitive's layout) shared between the plans of one model. Every input
// shape gets its own plan; without sharing each plan held its own copy of every weight (a 64 MiB Dense model
// predicted at 16 batch sizes grew from 107 to 1,136 MiB). Two plans share a constant when its layout and its
// bytes are the same: the lookup is by (desc, hash of the bytes) and a hit is confirmed byte for byte, so a
// constant derived at build time (a transposed or folded kernel) is shared as safely as a stored weight, and
// a weight changed in place (set_weight, load_weights) can never be served stale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_set>
#include <vector>

#include <dnnl.hpp>

namespace inlay::runtime {

class ConstantCache {
 public:
  // The engine every plan sharing these constants is built on: a oneDNN memory does not keep its engine
  // alive, so a constant made on one plan's engine and used by another must outlive both (found by the NaN /
  // Inf guard's recompute, which reorders the fused primitive's weights: it failed once the plan whose
  // engine made them was dropped).
  const dnnl::engine& engine() const { return engine_; }

  // The cached memory holding the same bytes as `made` under the same desc, or `made` itself, now cached.
  // Thread-safe (plans of one model may be compiled concurrently).
  dnnl::memory share(dnnl::memory made);

  // Drops every entry no memory of `in_use` is (the constants of the plans still cached): a constant only an
  // evicted plan used goes with that plan.
  void keep_only(const std::unordered_set<dnnl_memory_t>& in_use);

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  struct Entry {
    uint64_t hash;
    std::size_t bytes;
    dnnl::memory memory;
  };
  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};  // declared first: destroyed after the entries
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace inlay::runtime
