#include "runtime/constant_cache.hpp"

#include <algorithm>
#include <cstring>

namespace inlay::runtime {

namespace {

// A hash of a constant's bytes for the lookup only (a hit is compared in full): every 8-byte word of up to
// 4096 evenly spaced ones, and the tail, mixed with a multiply-xorshift. Cheap next to the reorder that made
// the bytes.
uint64_t hash_bytes(const unsigned char* data, std::size_t n) {
  constexpr std::size_t kSamples = 4096;
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
  auto mix = [&h](uint64_t word) {
    h ^= word;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
  };
  const std::size_t words = n / 8;
  const std::size_t step = std::max<std::size_t>(1, words / kSamples);
  for (std::size_t i = 0; i < words; i += step) {
    uint64_t word;
    std::memcpy(&word, data + i * 8, 8);
    mix(word);
  }
  for (std::size_t i = words * 8; i < n; ++i) mix(data[i]);
  return h;
}

}  // namespace

dnnl::memory ConstantCache::share(dnnl::memory made) {
  const dnnl::memory::desc md = made.get_desc();
  const std::size_t bytes = md.get_size();
  const auto* data = static_cast<const unsigned char*>(made.get_data_handle());
  const uint64_t hash = hash_bytes(data, bytes);
  std::lock_guard lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.hash != hash || e.bytes != bytes || e.memory.get_desc() != md) continue;
    if (std::memcmp(e.memory.get_data_handle(), data, bytes) == 0) return e.memory;
  }
  entries_.push_back({hash, bytes, made});
  return made;
}

void ConstantCache::keep_only(const std::unordered_set<dnnl_memory_t>& in_use) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const Entry& e) { return in_use.count(e.memory.get()) == 0; });
}

std::size_t ConstantCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t ConstantCache::bytes() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const Entry& e : entries_) total += e.bytes;
  return total;
}

}  // namespace inlay::runtime
