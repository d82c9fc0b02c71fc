// Fractal heaps ("FRHP"): where groups and objects in dense storage keep their link and attribute messages.
// Objects are found by heap ID: "managed" objects live in direct blocks ("FHDB") reached through a tree of
// indirect blocks ("FHIB") laid out as a doubling table, "tiny" objects live in the ID itself. "Huge" objects
// (kept in their own B-tree) and heaps with I/O filters are refused as Unsupported. Every block is checked: its
// signature, its checksum, the heap it claims to belong to and its offset in the heap's address space; the
// indirect-block walk only descends into blocks of fewer rows, so it ends.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

class FractalHeap {
 public:
  FractalHeap(const FileImage& file, std::uint64_t address);

  // Bytes of a heap ID in this heap.
  unsigned id_length() const { return id_length_; }
  // The object a heap ID names: bytes in a direct block, or (tiny objects) in the ID itself.
  std::span<const unsigned char> object(std::span<const unsigned char> id) const;

 private:
  struct IndirectBlock {
    std::uint64_t block_offset = 0;
    unsigned rows = 0;
    std::vector<std::uint64_t> children;  // rows x width addresses
  };

  std::span<const unsigned char> managed(std::uint64_t offset, std::uint64_t length) const;
  std::span<const unsigned char> direct_block(std::uint64_t address, std::uint64_t block_offset,
                                              std::uint64_t block_size) const;
  const IndirectBlock& indirect_block(std::uint64_t address, std::uint64_t block_offset, unsigned rows) const;
  // Row and column of a heap offset relative to an indirect block's start.
  void lookup(std::uint64_t offset, unsigned* row, std::uint64_t* column) const;
  std::uint64_t row_offset(unsigned row) const;

  const FileImage* file_;
  std::uint64_t address_;
  unsigned id_length_ = 0;
  bool checksummed_blocks_ = false;
  std::uint64_t max_managed_size_ = 0;
  unsigned width_ = 0;
  std::uint64_t start_block_size_ = 0;
  std::uint64_t max_direct_size_ = 0;
  unsigned max_heap_bits_ = 0;
  std::uint64_t root_ = kUndefinedAddress;
  unsigned root_rows_ = 0;
  // Derived (H5HF_dtable_init).
  unsigned first_row_bits_ = 0;
  unsigned max_direct_rows_ = 0;
  unsigned max_rows_ = 0;
  unsigned offset_bytes_ = 0;  // of heap offsets in IDs and block headers
  unsigned length_bytes_ = 0;  // of object lengths in IDs
  std::vector<std::uint64_t> row_block_size_;
  // Blocks already read and checked, so that looking up many objects reads each block once.
  mutable std::map<std::uint64_t, IndirectBlock> indirect_blocks_;
  mutable std::set<std::uint64_t> checked_direct_blocks_;
};

}  // namespace inlay::core::hdf5
