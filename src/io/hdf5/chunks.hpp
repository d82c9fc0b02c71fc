// The stored chunks of a chunked dataset, from whichever index the layout names: a v1 B-tree (type 1), a single
// chunk, an implicit index (chunks back to back) or a fixed array ("FAHD"/"FADB", unpaged). Every chunk's
// offset is checked to be a multiple of the chunk's dimensions inside the dataset, no chunk may appear twice
// (so the chunks tile part or all of the dataset), and every chunk's stored bytes must lie inside the file.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "io/hdf5/file_image.hpp"
#include "io/hdf5/layout.hpp"

namespace inlay::core::hdf5 {

struct StoredChunk {
  std::uint64_t index = 0;  // row-major position in the grid of chunks
  std::uint64_t address = kUndefinedAddress;
  std::uint64_t size = 0;  // stored bytes
  std::uint32_t filter_mask = 0;
};

// The grid of chunks over a dataset: how many chunks along each dimension.
struct ChunkGrid {
  std::vector<std::uint64_t> dims;     // dataset dimensions
  std::vector<std::uint64_t> chunk;    // chunk dimensions
  std::vector<std::uint64_t> counts;   // chunks along each dimension
  std::uint64_t total = 0;             // chunks in the grid
};

// The grid of `layout` over a dataset of `dims` (a ParseError when its rank differs or the count overflows).
ChunkGrid make_chunk_grid(const FileImage& file, const Layout& layout, const std::vector<std::uint64_t>& dims);

// Calls `visit` for every stored chunk, each grid position at most once. `chunk_bytes` is the decoded size of a
// chunk (the stored size of unfiltered ones); `filtered` whether the dataset has a filter pipeline.
void for_each_chunk(const FileImage& file, const Layout& layout, const ChunkGrid& grid, std::uint64_t chunk_bytes,
                    bool filtered, const std::function<void(const StoredChunk&)>& visit);

}  // namespace inlay::core::hdf5
