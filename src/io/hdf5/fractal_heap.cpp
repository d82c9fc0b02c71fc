#include "io/hdf5/fractal_heap.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/checksum.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kFractalHeapWhat = "fractal heap";
constexpr const char* kIndirect = "fractal heap indirect block";
constexpr const char* kDirect = "fractal heap direct block";

bool power_of_two(std::uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }
unsigned log2_floor(std::uint64_t n) { return static_cast<unsigned>(std::bit_width(n) - 1); }

void verify(const FileImage& file, std::span<const unsigned char> bytes, std::uint64_t checked, std::uint64_t at,
            const char* what) {
  ByteReader r(file, bytes, at, what);
  r.seek(checked);
  if (lookup3(bytes.first(static_cast<std::size_t>(checked))) != r.u32()) {
    file.corrupt(what, at, "its checksum does not match");
  }
}

}  // namespace

FractalHeap::FractalHeap(const FileImage& file, std::uint64_t address) : file_(&file), address_(address) {
  const unsigned o = file.offset_size();
  const unsigned l = file.length_size();
  const std::uint64_t size = 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 8 * std::uint64_t{l} + 2 + l + l + 2 + 2 + o + 2 + 4;
  const auto bytes = file.at(address, size, kFractalHeapWhat);
  file.charge(size);
  ByteReader r(file, bytes, address, kFractalHeapWhat);
  r.signature("FRHP");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  id_length_ = r.u16();
  const unsigned filter_length = r.u16();
  const unsigned flags = r.u8();
  checksummed_blocks_ = (flags & 0x02) != 0;
  max_managed_size_ = r.u32();
  r.length();   // next huge object ID
  r.address();  // B-tree of huge objects
  r.length();   // free space in managed blocks
  r.address();  // free-space manager
  r.skip(8 * std::uint64_t{l});  // statistics: managed space, allocated, iterator offset, object counts and sizes
  width_ = r.u16();
  start_block_size_ = r.length();
  max_direct_size_ = r.length();
  max_heap_bits_ = r.u16();
  r.u16();  // starting rows of the root indirect block
  root_ = r.address();
  root_rows_ = r.u16();
  if (filter_length != 0) file.unsupported(kFractalHeapWhat, "I/O filters on a fractal heap");
  verify(file, bytes, r.position(), address, kFractalHeapWhat);

  if (!power_of_two(width_) || !power_of_two(start_block_size_) || !power_of_two(max_direct_size_) ||
      max_direct_size_ < start_block_size_) {
    r.fail("a doubling table of width " + std::to_string(width_) + ", starting block size " +
           std::to_string(start_block_size_) + " and maximum direct block size " + std::to_string(max_direct_size_));
  }
  first_row_bits_ = log2_floor(start_block_size_) + log2_floor(width_);
  if (max_heap_bits_ > 64 || max_heap_bits_ < first_row_bits_ || first_row_bits_ >= 64) {
    r.fail("a maximum heap size of 2^" + std::to_string(max_heap_bits_) + " bytes");
  }
  if (max_managed_size_ > max_direct_size_) r.fail("managed objects larger than its direct blocks");
  if (id_length_ < 2) r.fail("heap IDs of " + std::to_string(id_length_) + " bytes");
  max_rows_ = max_heap_bits_ - first_row_bits_ + 1;
  max_direct_rows_ = log2_floor(max_direct_size_) - log2_floor(start_block_size_) + 2;
  if (root_rows_ > max_rows_) r.fail(std::to_string(root_rows_) + " rows in its root indirect block");
  offset_bytes_ = (max_heap_bits_ + 7) / 8;
  // H5HF__hdr_finish_init_phase1: the bytes of a direct-block offset, or those that encode the largest
  // managed object, whichever is fewer.
  length_bytes_ = std::min((log2_floor(max_direct_size_) + 7) / 8, log2_floor(max_managed_size_ | 1) / 8 + 1);
  row_block_size_.resize(max_rows_);
  for (unsigned u = 0; u < max_rows_; ++u) {
    row_block_size_[u] = u == 0 ? start_block_size_ : start_block_size_ << (u - 1);
  }
}

std::uint64_t FractalHeap::row_offset(unsigned row) const {
  return row == 0 ? 0 : std::uint64_t{1} << (first_row_bits_ + row - 1);
}

void FractalHeap::lookup(std::uint64_t offset, unsigned* row, std::uint64_t* column) const {
  if (offset < start_block_size_ * width_) {
    *row = 0;
    *column = offset / start_block_size_;
    return;
  }
  const unsigned high_bit = log2_floor(offset);
  *row = high_bit - first_row_bits_ + 1;
  if (*row >= max_rows_) file_->corrupt(kFractalHeapWhat, address_, "an object offset past the heap's largest size");
  *column = (offset - (std::uint64_t{1} << high_bit)) / row_block_size_[*row];
}

const FractalHeap::IndirectBlock& FractalHeap::indirect_block(std::uint64_t address, std::uint64_t block_offset,
                                                              unsigned rows) const {
  if (const auto it = indirect_blocks_.find(address); it != indirect_blocks_.end()) {
    if (it->second.block_offset != block_offset || it->second.rows != rows) {
      file_->corrupt(kIndirect, address, "used for two places of the heap");
    }
    return it->second;
  }
  const unsigned o = file_->offset_size();
  const std::uint64_t entries = std::uint64_t{rows} * width_;
  const std::uint64_t size = 4 + 1 + o + offset_bytes_ + entries * o + 4;
  const auto bytes = file_->at(address, size, kIndirect);
  file_->charge(size);
  ByteReader r(*file_, bytes, address, kIndirect);
  r.signature("FHIB");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  if (r.address() != address_) r.fail("it belongs to another heap");
  if (r.uint(offset_bytes_) != block_offset) r.fail("its heap offset is not where its parent places it");
  IndirectBlock block;
  block.block_offset = block_offset;
  block.rows = rows;
  block.children.reserve(static_cast<std::size_t>(entries));
  for (std::uint64_t i = 0; i < entries; ++i) block.children.push_back(r.address());
  verify(*file_, bytes, r.position(), address, kIndirect);
  return indirect_blocks_.emplace(address, std::move(block)).first->second;
}

std::span<const unsigned char> FractalHeap::direct_block(std::uint64_t address, std::uint64_t block_offset,
                                                         std::uint64_t block_size) const {
  const auto bytes = file_->at(address, block_size, kDirect);
  if (checked_direct_blocks_.count(address) != 0) return bytes;
  const unsigned o = file_->offset_size();
  const std::uint64_t header = 4 + 1 + o + offset_bytes_ + (checksummed_blocks_ ? 4 : 0);
  if (block_size < header) file_->corrupt(kDirect, address, "smaller than its header");
  file_->charge(block_size);
  ByteReader r(*file_, bytes, address, kDirect);
  r.signature("FHDB");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  if (r.address() != address_) r.fail("it belongs to another heap");
  if (r.uint(offset_bytes_) != block_offset) r.fail("its heap offset is not where its parent places it");
  if (checksummed_blocks_) {
    // The checksum covers the whole block with the checksum field itself zeroed.
    const std::uint64_t at = r.position();
    const std::uint32_t stored = r.u32();
    std::vector<unsigned char> copy(bytes.begin(), bytes.end());
    std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(at), 4, 0);
    if (lookup3(copy) != stored) r.fail("its checksum does not match");
  }
  checked_direct_blocks_.insert(address);
  return bytes;
}

std::span<const unsigned char> FractalHeap::managed(std::uint64_t offset, std::uint64_t length) const {
  if (root_ == kUndefinedAddress) file_->corrupt(kFractalHeapWhat, address_, "an object ID in an empty heap");
  if (length == 0 || length > max_direct_size_) {
    file_->corrupt(kFractalHeapWhat, address_, "an object of " + std::to_string(length) + " bytes");
  }
  std::uint64_t block_address = root_;
  std::uint64_t block_offset = 0;
  std::uint64_t block_size = start_block_size_;
  if (root_rows_ > 0) {
    std::uint64_t iblock_address = root_;
    std::uint64_t iblock_offset = 0;
    unsigned rows = root_rows_;
    // Each step descends into a block of fewer rows, so this ends after at most max_rows_ steps.
    for (;;) {
      const IndirectBlock& iblock = indirect_block(iblock_address, iblock_offset, rows);
      unsigned row = 0;
      std::uint64_t column = 0;
      lookup(offset - iblock_offset, &row, &column);
      if (row >= rows || column >= width_) {
        file_->corrupt(kIndirect, iblock_address, "an object offset outside the block");
      }
      const std::uint64_t child = iblock.children[static_cast<std::size_t>(row * width_ + column)];
      const std::uint64_t child_offset = iblock_offset + row_offset(row) + column * row_block_size_[row];
      if (child == kUndefinedAddress) file_->corrupt(kIndirect, iblock_address, "an object in a missing block");
      if (row < max_direct_rows_) {
        block_address = child;
        block_offset = child_offset;
        block_size = row_block_size_[row];
        break;
      }
      const unsigned child_rows = log2_floor(row_block_size_[row]) - first_row_bits_ + 1;
      if (child_rows >= rows) file_->corrupt(kIndirect, child, "as many rows as its parent");
      iblock_address = child;
      iblock_offset = child_offset;
      rows = child_rows;
    }
  }
  if (offset < block_offset || offset - block_offset > block_size || length > block_size - (offset - block_offset)) {
    file_->corrupt(kDirect, block_address, "an object outside the block");
  }
  const auto block = direct_block(block_address, block_offset, block_size);
  const std::uint64_t header = 4 + 1 + file_->offset_size() + offset_bytes_ + (checksummed_blocks_ ? 4 : 0);
  if (offset - block_offset < header) file_->corrupt(kDirect, block_address, "an object inside the block's header");
  return block.subspan(static_cast<std::size_t>(offset - block_offset), static_cast<std::size_t>(length));
}

std::span<const unsigned char> FractalHeap::object(std::span<const unsigned char> id) const {
  if (id.size() != id_length_) file_->corrupt(kFractalHeapWhat, address_, "a heap ID of the wrong size");
  const unsigned flags = id[0];
  if ((flags >> 6) != 0) file_->corrupt(kFractalHeapWhat, address_, "a heap ID of version " + std::to_string(flags >> 6));
  switch ((flags >> 4) & 3) {
    case 0: {  // managed
      ByteReader r(*file_, id.subspan(1), address_, "fractal heap ID");
      const std::uint64_t offset = r.uint(offset_bytes_);
      const std::uint64_t length = r.uint(length_bytes_);
      return managed(offset, length);
    }
    case 2: {  // tiny: the object is in the ID
      const bool extended = id_length_ - 1 > 17;
      const std::uint64_t length =
          extended ? ((std::uint64_t{flags} & 0x0f) << 8 | id[1]) + 1 : (std::uint64_t{flags} & 0x0f) + 1;
      const std::size_t start = extended ? 2 : 1;
      if (length > id.size() - start) file_->corrupt(kFractalHeapWhat, address_, "a tiny object longer than its ID");
      return id.subspan(start, static_cast<std::size_t>(length));
    }
    case 1:
      file_->unsupported(kFractalHeapWhat, "a \"huge\" object (kept outside the heap's blocks)");
    default:
      file_->corrupt(kFractalHeapWhat, address_, "a heap ID of unknown type");
  }
}

}  // namespace inlay::core::hdf5
