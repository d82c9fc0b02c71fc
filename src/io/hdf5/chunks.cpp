#include "io/hdf5/chunks.hpp"

#include <set>
#include <string>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/checksum.hpp"
#include "io/hdf5/dataspace.hpp"
#include "io/hdf5/v1_btree.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr unsigned kChunkNodeType = 1;  // v1 B-tree node type of chunk indexes

// The grid position of the chunk at element offsets `offsets` (a ParseError when they are not a chunk's).
std::uint64_t grid_index(const FileImage& file, const ChunkGrid& grid, ByteReader& key, std::uint64_t address) {
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < grid.dims.size(); ++i) {
    const std::uint64_t offset = key.u64();
    if (offset % grid.chunk[i] != 0 || offset >= grid.dims[i]) {
      file.corrupt("chunk index", address,
                   "a chunk at offset " + std::to_string(offset) + " of dimension " + std::to_string(i) +
                       " (size " + std::to_string(grid.dims[i]) + ", chunks of " + std::to_string(grid.chunk[i]) + ")");
    }
    index = index * grid.counts[i] + offset / grid.chunk[i];
  }
  if (key.u64() != 0) file.corrupt("chunk index", address, "a chunk offset into the element size");
  return index;
}

void btree_chunks(const FileImage& file, const Layout& layout, const ChunkGrid& grid,
                  const std::function<void(const StoredChunk&)>& visit) {
  const std::uint64_t key_size = 8 + 8 * (std::uint64_t{grid.dims.size()} + 1);
  std::set<std::uint64_t> seen;
  walk_v1_btree(file, layout.address, kChunkNodeType, key_size, [&](const V1BtreeEntry& entry) {
    ByteReader key(file, entry.key, layout.address, "chunk index");
    StoredChunk c;
    c.size = key.u32();
    c.filter_mask = key.u32();
    c.index = grid_index(file, grid, key, layout.address);
    c.address = entry.child;
    if (!seen.insert(c.index).second) file.corrupt("chunk index", layout.address, "the same chunk listed twice");
    visit(c);
  });
}

void implicit_chunks(const FileImage& file, const Layout& layout, const ChunkGrid& grid, std::uint64_t chunk_bytes,
                     bool filtered, const std::function<void(const StoredChunk&)>& visit) {
  if (filtered) file.corrupt("data layout message", layout.address, "an implicit chunk index with filters");
  std::uint64_t total_bytes = 0;
  if (!checked_multiply(grid.total, chunk_bytes, &total_bytes) || !file.contains(layout.address, total_bytes)) {
    file.corrupt("chunked dataset data", layout.address,
                 std::to_string(grid.total) + " chunks of " + std::to_string(chunk_bytes) +
                     " bytes that are not inside the file");
  }
  for (std::uint64_t k = 0; k < grid.total; ++k) visit({k, layout.address + k * chunk_bytes, chunk_bytes, 0});
}

void fixed_array_chunks(const FileImage& file, const Layout& layout, const ChunkGrid& grid, std::uint64_t chunk_bytes,
                        bool filtered, const std::function<void(const StoredChunk&)>& visit) {
  const unsigned o = file.offset_size();
  const unsigned l = file.length_size();
  const std::uint64_t header_size = 4 + 1 + 1 + 1 + 1 + l + o + 4;
  const auto header = file.at(layout.address, header_size, "fixed array header");
  ByteReader h(file, header, layout.address, "fixed array header");
  h.signature("FAHD");
  if (const unsigned v = h.u8(); v != 0) h.fail("version " + std::to_string(v));
  const unsigned client = h.u8();
  const unsigned entry_size = h.u8();
  const unsigned page_bits = h.u8();
  const std::uint64_t entries = h.length();
  const std::uint64_t block = h.address();
  if (lookup3(header.first(static_cast<std::size_t>(h.position()))) != h.u32()) h.fail("its checksum does not match");
  if (client != (filtered ? 1u : 0u)) h.fail("entries of client type " + std::to_string(client));
  const unsigned size_bytes = entry_size > o + 4 ? entry_size - o - 4 : 0;
  if (filtered ? (size_bytes == 0 || size_bytes > 8) : entry_size != o) {
    h.fail("entries of " + std::to_string(entry_size) + " bytes");
  }
  if (entries < grid.total) h.fail(std::to_string(entries) + " entries for " + std::to_string(grid.total) + " chunks");
  if (page_bits < 64 && entries > (std::uint64_t{1} << page_bits)) {
    file.unsupported("fixed array", "a chunk index in pages (" + std::to_string(entries) + " chunks)");
  }
  if (block == kUndefinedAddress) return;
  std::uint64_t body = 0;
  if (!checked_multiply(entries, entry_size, &body) || body > file.size()) h.fail(std::to_string(entries) + " entries");
  const std::uint64_t block_size = 4 + 1 + 1 + o + body + 4;
  const auto bytes = file.at(block, block_size, "fixed array data block");
  file.charge(block_size);
  ByteReader r(file, bytes, block, "fixed array data block");
  r.signature("FADB");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  if (r.u8() != client) r.fail("another client type than its header");
  if (r.address() != layout.address) r.fail("it belongs to another array");
  const std::uint64_t first_entry = r.position();
  r.skip(body);
  if (lookup3(bytes.first(static_cast<std::size_t>(r.position()))) != r.u32()) r.fail("its checksum does not match");
  r.seek(first_entry);
  for (std::uint64_t k = 0; k < grid.total; ++k) {
    StoredChunk c;
    c.index = k;
    c.address = r.address();
    c.size = filtered ? r.uint(size_bytes) : chunk_bytes;
    c.filter_mask = filtered ? r.u32() : 0;
    if (c.address != kUndefinedAddress) visit(c);
  }
}

}  // namespace

ChunkGrid make_chunk_grid(const FileImage& file, const Layout& layout, const std::vector<std::uint64_t>& dims) {
  if (layout.chunk.size() != dims.size() || dims.empty()) {
    file.corrupt("data layout message", kUndefinedAddress,
                 "chunks of rank " + std::to_string(layout.chunk.size()) + " for a dataset of rank " +
                     std::to_string(dims.size()));
  }
  ChunkGrid grid;
  grid.dims = dims;
  grid.chunk = layout.chunk;
  grid.total = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    grid.counts.push_back(dims[i] / layout.chunk[i] + (dims[i] % layout.chunk[i] != 0 ? 1 : 0));
    if (!checked_multiply(grid.total, grid.counts[i], &grid.total)) {
      file.corrupt("data layout message", kUndefinedAddress, "a grid of chunks whose count overflows");
    }
  }
  return grid;
}

void for_each_chunk(const FileImage& file, const Layout& layout, const ChunkGrid& grid, std::uint64_t chunk_bytes,
                    bool filtered, const std::function<void(const StoredChunk&)>& visit) {
  if (layout.address == kUndefinedAddress || grid.total == 0) return;  // no chunk was ever written
  switch (layout.index) {
    case ChunkIndex::BtreeV1:
      btree_chunks(file, layout, grid, visit);
      return;
    case ChunkIndex::Single:
      if (grid.total != 1) file.corrupt("data layout message", layout.address, "a single chunk index over many chunks");
      visit({0, layout.address, layout.single_filtered ? layout.single_size : chunk_bytes, layout.single_mask});
      return;
    case ChunkIndex::Implicit:
      implicit_chunks(file, layout, grid, chunk_bytes, filtered, visit);
      return;
    case ChunkIndex::FixedArray:
      fixed_array_chunks(file, layout, grid, chunk_bytes, filtered, visit);
      return;
    case ChunkIndex::ExtensibleArray:
      file.unsupported("chunk index", "an extensible array (a dataset with an unlimited dimension)");
    case ChunkIndex::BtreeV2:
      file.unsupported("chunk index", "a v2 B-tree (a dataset with several unlimited dimensions)");
  }
}

}  // namespace inlay::core::hdf5
