#include "io/page_buffer.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "util/error.hpp"

namespace inlay::core::io {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

[[noreturn]] void cannot_map(std::size_t size) {
  throw Error(Status::OutOfMemory, "cannot map " + std::to_string(size) + " bytes for a model file: " +
                                       std::strerror(errno));
}

}  // namespace

PageBuffer::PageBuffer(std::size_t size) { resize(size); }

void PageBuffer::resize(std::size_t size) {
  if (size == size_) return;
  void* p = nullptr;
  if (size == 0) {
    munmap(data_, size_);
  } else if (data_ == nullptr) {
    p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) cannot_map(size);
  } else {
    p = mremap(data_, size_, size, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) cannot_map(size);
  }
  data_ = static_cast<unsigned char*>(p);
  size_ = size;
}

PageBuffer::~PageBuffer() {
  if (data_ != nullptr) munmap(data_, size_);
}

PageBuffer::PageBuffer(PageBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

PageBuffer& PageBuffer::operator=(PageBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void PageBuffer::release(std::span<const unsigned char> range) {
  const auto begin = reinterpret_cast<std::uintptr_t>(range.data());
  const std::uintptr_t end = begin + range.size();
  const auto own = reinterpret_cast<std::uintptr_t>(data_);
  if (range.empty() || begin < own || end > own + size_) return;  // not (all) ours: nothing to give back
  const std::size_t page = page_size();
  const std::uintptr_t first = (begin + page - 1) / page * page;  // the first whole page inside the range
  const std::uintptr_t last = end / page * page;                   // where the last whole page ends
  if (first >= last) return;
  // MADV_DONTNEED on private anonymous memory drops the pages; they come back as zeros if touched. Failure
  // only means the memory stays resident, so it is not an error.
  madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace inlay::core::io
