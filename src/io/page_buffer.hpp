// Memory for a model file's bytes whose pages go back to the system piece by piece once they have been read.
//
// Loading a model copies each weight out of the weights file (model.weights.h5, a legacy .h5) into its layer.
// Held in a std::vector, the file's bytes stay resident until the last weight is copied, so loading peaks at
// two copies of the weights (ResNet50: 209 MiB for 98 MiB of weights). Held in a PageBuffer, each dataset's
// pages are released as soon as its values are copied (hdf5::FileImage::done_with), so the peak is about one
// copy plus the largest weight.
#pragma once

#include <cstddef>
#include <span>

namespace inlay::core::io {

class PageBuffer {
 public:
  // `size` zero bytes in an anonymous private mapping that reserves no swap: untouched pages cost no memory, so
  // a file's claimed size costs nothing until its bytes arrive. Throws Error(OutOfMemory) when the system
  // cannot map that much address space.
  explicit PageBuffer(std::size_t size);
  ~PageBuffer();
  PageBuffer(PageBuffer&& other) noexcept;
  PageBuffer& operator=(PageBuffer&& other) noexcept;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;

  // Grows (or shrinks) the buffer to `size` bytes, keeping the first bytes (the kernel moves the pages, nothing
  // is copied); new bytes are zero. Throws as the constructor. data() may change.
  void resize(std::size_t size);

  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::span<const unsigned char> bytes() const { return {data_, size_}; }

  // Gives the whole pages inside `range` (a part of bytes()) back to the system: they read as zeros from then
  // on and cost no memory until written again. The partial pages at either end are kept (other data lives
  // there).
  void release(std::span<const unsigned char> range);

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace inlay::core::io
