// A bounds-checked little-endian cursor over bytes of an HDF5 file. Every read checks that the bytes are there
// (overflow-safe: the position never passes the end, and sizes are compared with what is left, never added
// to the position first); reading past the end is a ParseError naming the structure being read and its
// address.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

class ByteReader {
 public:
  // `bytes` start at file address `address` (for messages); `what` names the structure ("v1 B-tree node").
  ByteReader(const FileImage& file, std::span<const unsigned char> bytes, std::uint64_t address, std::string_view what)
      : file_(&file), bytes_(bytes), address_(address), what_(what) {}

  std::uint64_t position() const { return pos_; }
  std::uint64_t remaining() const { return bytes_.size() - pos_; }
  std::uint64_t size() const { return bytes_.size(); }
  std::span<const unsigned char> all() const { return bytes_; }
  // The file address of the current position (for messages).
  std::uint64_t file_address() const { return address_ == kUndefinedAddress ? address_ : address_ + pos_; }

  void seek(std::uint64_t pos) {
    if (pos > bytes_.size()) fail("an offset of " + std::to_string(pos) + " is past its end");
    pos_ = pos;
  }
  void skip(std::uint64_t n) { (void)bytes(n); }

  std::span<const unsigned char> bytes(std::uint64_t n) {
    need(n);
    const auto out = bytes_.subspan(static_cast<std::size_t>(pos_), static_cast<std::size_t>(n));
    pos_ += n;
    return out;
  }

  std::uint8_t u8() { return static_cast<std::uint8_t>(uint(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(uint(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(uint(4)); }
  std::uint64_t u64() { return uint(8); }

  // An unsigned little-endian integer of n bytes (0 to 8).
  std::uint64_t uint(unsigned n) {
    need(n);
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= std::uint64_t{bytes_[static_cast<std::size_t>(pos_) + i]} << (8 * i);
    pos_ += n;
    return v;
  }

  // A file address (offset_size bytes); all bits set is kUndefinedAddress whatever the size.
  std::uint64_t address() {
    const unsigned n = file_->offset_size();
    const std::uint64_t v = uint(n);
    const std::uint64_t all_ones = n >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1;
    return v == all_ones ? kUndefinedAddress : v;
  }
  // A length (length_size bytes).
  std::uint64_t length() { return uint(file_->length_size()); }

  // Checks a 4-byte signature ("TREE", "OHDR", ...).
  void signature(const char* expected) {
    const auto got = bytes(4);
    if (std::memcmp(got.data(), expected, 4) != 0) {
      pos_ -= 4;
      fail(std::string("no \"") + expected + "\" signature");
    }
  }

  [[noreturn]] void fail(const std::string& why) const { file_->corrupt(what_, address_, why); }
  const FileImage& file() const { return *file_; }

 private:
  void need(std::uint64_t n) const {
    if (n > remaining()) {
      fail("truncated: " + std::to_string(n) + " more bytes needed at offset " + std::to_string(pos_) + " of its " +
           std::to_string(bytes_.size()));
    }
  }

  const FileImage* file_;
  std::span<const unsigned char> bytes_;
  std::uint64_t address_;
  std::string_view what_;
  std::uint64_t pos_ = 0;
};

}  // namespace inlay::core::hdf5
