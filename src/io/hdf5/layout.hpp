// Data layout messages (versions 1 to 4): where a dataset's elements are. Compact (in the object header),
// contiguous (one range of the file), chunked (indexed by a v1 B-tree in versions 1-3; in version 4 by a single
// chunk, an implicit index, or a fixed array; extensible arrays and v2 B-trees are parsed and refused when
// read). Virtual datasets are recognized and refused. Also the fill value message, which gives the value of
// elements no storage was allocated for.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "io/hdf5/file_image.hpp"
#include "io/hdf5/object_header.hpp"

namespace inlay::core::hdf5 {

enum class StorageKind { Compact, Contiguous, Chunked, Virtual };
enum class ChunkIndex { BtreeV1, Single, Implicit, FixedArray, ExtensibleArray, BtreeV2 };

struct Layout {
  unsigned version = 0;
  StorageKind kind = StorageKind::Contiguous;
  std::span<const unsigned char> compact;  // compact data
  std::uint64_t address = kUndefinedAddress;  // contiguous data, or the chunk index (single chunk: the chunk)
  std::uint64_t size = 0;                     // contiguous data bytes (versions 3 and 4)
  bool size_known = false;
  // Chunked: the chunk's dimensions (as many as the dataset's rank) and the element size stored with them.
  std::vector<std::uint64_t> chunk;
  std::uint64_t chunk_element_size = 0;
  ChunkIndex index = ChunkIndex::BtreeV1;
  bool unfiltered_edge_chunks = false;  // version 4 flag: partial edge chunks skip the filters
  bool single_filtered = false;         // single chunk index: the chunk's stored size and filter mask follow
  std::uint64_t single_size = 0;
  std::uint32_t single_mask = 0;
};

Layout parse_layout(const FileImage& file, const Message& message);

// The fill value's bytes when the dataset defines one of `element_size` bytes; empty means zeros.
std::vector<unsigned char> parse_fill_value(const FileImage& file, const Message& message, std::uint64_t element_size);

}  // namespace inlay::core::hdf5
