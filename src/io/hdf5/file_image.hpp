// The bytes of one HDF5 file, as every parser in src/io/hdf5/ sees them: a read-only span that nothing reads
// outside of, the sizes of addresses and lengths the superblock declares, and the names that go into error
// messages. Every address a file gives is checked against the span here before a byte behind it is read.
//
// Work budget: the structures of a file may share parts or point back at each other (a B-tree node listed by
// two parents, two groups naming one B-tree). Caches keep each structure from being parsed twice, and every
// parser also charges the bytes it walks to one budget per file, a small multiple of the file's size, so no
// arrangement of pointers makes reading a file cost more than linear time in its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace inlay::core::hdf5 {

// HDF5's "undefined address" (all bits set, whatever the size of addresses).
inline constexpr std::uint64_t kUndefinedAddress = ~std::uint64_t{0};

class FileImage {
 public:
  // `file` is the path messages name (the .keras or .h5 file), `name` the HDF5 file within it
  // ("model.weights.h5"; for a plain .h5 file its own file name).
  FileImage(std::span<const unsigned char> bytes, std::string file, std::string name);

  std::span<const unsigned char> bytes() const { return bytes_; }
  std::uint64_t size() const { return bytes_.size(); }
  const std::string& file() const { return file_; }
  const std::string& name() const { return name_; }

  // Set by the superblock: bytes per address and per length (2, 4 or 8), and the base address that file
  // addresses are relative to.
  unsigned offset_size() const { return offset_size_; }
  unsigned length_size() const { return length_size_; }
  std::uint64_t base_address() const { return base_; }
  void set_format(unsigned offset_size, unsigned length_size, std::uint64_t base);

  // The `size` bytes at file address `address`, all of them inside the file; otherwise a ParseError that names
  // `what` ("object header", "dataset data") and the range.
  std::span<const unsigned char> at(std::uint64_t address, std::uint64_t size, std::string_view what) const;
  // The bytes from file address `address` to the end of the file (at least one byte).
  std::span<const unsigned char> from(std::uint64_t address, std::string_view what) const;
  // The position in the span of file address `address` (for messages and checks), when it is inside the file.
  bool contains(std::uint64_t address, std::uint64_t size) const;

  // Who owns the bytes may take back the pages of data the reader is done with (io::PageBuffer::release): set
  // for a weights file whose every dataset is read once, into its layer.
  using PageRelease = std::function<void(std::span<const unsigned char>)>;
  void set_page_release(PageRelease release) { release_ = std::move(release); }
  // The dataset data at [address, address + size) has been copied out. With a PageRelease set, its pages go
  // back to their owner and from then on at() refuses bytes in that range as a ParseError (a crafted file
  // whose objects share bytes would otherwise read zeros); without one, nothing happens.
  void done_with(std::uint64_t address, std::uint64_t size) const;

  // Charges `bytes` of parsing work to the file's budget; a ParseError once the budget is spent.
  void charge(std::uint64_t bytes) const;

  // Throws Error(status, message). The public interface (hdf5_file.hpp) adds which file and object it is about.
  [[noreturn]] void fail(Status status, const std::string& message) const;
  // A ParseError about the structure `what` at file address `address`: "corrupt HDF5 <what> at byte N: why".
  [[noreturn]] void corrupt(std::string_view what, std::uint64_t address, const std::string& why) const;
  // An Unsupported error about a feature of the structure `what`.
  [[noreturn]] void unsupported(std::string_view what, const std::string& why) const;

 private:
  std::span<const unsigned char> bytes_;
  std::string file_;
  std::string name_;
  unsigned offset_size_ = 8;
  unsigned length_size_ = 8;
  std::uint64_t base_ = 0;
  mutable std::uint64_t work_left_ = 0;
  PageRelease release_;
  mutable std::map<std::uint64_t, std::uint64_t> released_;  // start -> end of the ranges given back
};

// "'text'" with the quotes Python's repr would use (what the rest of inlay's messages do), at most 200 bytes
// of the text.
std::string quoted(std::string_view text);

}  // namespace inlay::core::hdf5
