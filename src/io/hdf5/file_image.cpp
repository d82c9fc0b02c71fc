#include "io/hdf5/file_image.hpp"

#include <utility>

namespace inlay::core::hdf5 {
namespace {

// Parsing work allowed per file: this many times its size, plus a constant for tiny files. A file whose every
// structure is walked once costs less than its size; the factor leaves room for the few structures read twice
// (a group's header, then its links).
constexpr std::uint64_t kWorkPerByte = 8;
constexpr std::uint64_t kWorkConstant = 1u << 20;

}  // namespace

FileImage::FileImage(std::span<const unsigned char> bytes, std::string file, std::string name)
    : bytes_(bytes), file_(std::move(file)), name_(std::move(name)) {
  const std::uint64_t size = bytes_.size();
  work_left_ = size > (~std::uint64_t{0} - kWorkConstant) / kWorkPerByte ? ~std::uint64_t{0}
                                                                          : size * kWorkPerByte + kWorkConstant;
}

void FileImage::set_format(unsigned offset_size, unsigned length_size, std::uint64_t base) {
  offset_size_ = offset_size;
  length_size_ = length_size;
  base_ = base;
}

bool FileImage::contains(std::uint64_t address, std::uint64_t size) const {
  if (address == kUndefinedAddress || address > this->size() || base_ > this->size() - address) return false;
  const std::uint64_t start = base_ + address;
  return size <= this->size() - start;
}

std::span<const unsigned char> FileImage::at(std::uint64_t address, std::uint64_t size, std::string_view what) const {
  if (address == kUndefinedAddress) corrupt(what, address, "its address is undefined");
  if (!contains(address, size)) {
    corrupt(what, address,
            "its " + std::to_string(size) + " bytes are not inside the file of " + std::to_string(this->size()) +
                " bytes");
  }
  if (!released_.empty()) {
    // The last range given back that starts before this one ends: any overlap is with it (ranges never overlap).
    auto it = released_.lower_bound(address + size);
    if (it != released_.begin() && (--it)->second > address) {
      corrupt(what, address, "its bytes are those of a dataset already read (two objects share bytes)");
    }
  }
  return bytes_.subspan(static_cast<std::size_t>(base_ + address), static_cast<std::size_t>(size));
}

void FileImage::done_with(std::uint64_t address, std::uint64_t size) const {
  if (!release_ || size == 0 || !contains(address, size)) return;
  released_.emplace(address, address + size);
  release_(bytes_.subspan(static_cast<std::size_t>(base_ + address), static_cast<std::size_t>(size)));
}

std::span<const unsigned char> FileImage::from(std::uint64_t address, std::string_view what) const {
  if (!contains(address, 1)) corrupt(what, address, "it is not inside the file of " + std::to_string(size()) + " bytes");
  return bytes_.subspan(static_cast<std::size_t>(base_ + address));
}

void FileImage::charge(std::uint64_t bytes) const {
  if (bytes > work_left_) {
    fail(Status::ParseError,
         "corrupt HDF5 file: its structures refer to each other so often that reading them would take more than " +
             std::to_string(kWorkPerByte) + " times the work of reading the file once");
  }
  work_left_ -= bytes;
}

void FileImage::fail(Status status, const std::string& message) const { throw Error(status, message); }

void FileImage::corrupt(std::string_view what, std::uint64_t address, const std::string& why) const {
  const std::string where = address == kUndefinedAddress ? std::string() : " at byte " + std::to_string(address);
  fail(Status::ParseError, "corrupt HDF5 " + std::string(what) + where + ": " + why);
}

void FileImage::unsupported(std::string_view what, const std::string& why) const {
  fail(Status::Unsupported, "HDF5 " + std::string(what) + ": " + why + ", which inlay does not read");
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 200;
  const bool cut = text.size() > kMax;
  if (cut) text = text.substr(0, kMax);
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char q = has_single && !has_double ? '"' : '\'';
  std::string out(1, q);
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == q || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += q;
  if (cut) out += "...";
  return out;
}

}  // namespace inlay::core::hdf5
