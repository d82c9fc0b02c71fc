#include "io/hdf5/layout.hpp"

#include <string>

#include "io/hdf5/byte_reader.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kLayoutWhat = "data layout message";
// A dataset's rank (up to 32) plus the element-size dimension chunked layouts carry.
constexpr unsigned kMaxLayoutDims = 33;

// The dimensions of a chunked layout: `dims` values of `bytes` bytes each, the last being the element size.
void read_chunk_dims(ByteReader& r, Layout& layout, unsigned dims, unsigned bytes) {
  if (dims < 2 || dims > kMaxLayoutDims) r.fail("a chunk of " + std::to_string(dims) + " dimensions");
  for (unsigned i = 0; i < dims; ++i) {
    const std::uint64_t d = r.uint(bytes);
    if (d == 0) r.fail("a chunk dimension of 0");
    if (i + 1 < dims) {
      layout.chunk.push_back(d);
    } else {
      layout.chunk_element_size = d;
    }
  }
}

void parse_v1_v2(ByteReader& r, Layout& layout) {
  const unsigned dims = r.u8();
  const unsigned kind = r.u8();
  r.skip(5);
  if (kind > 2) r.fail("layout class " + std::to_string(kind));
  layout.kind = static_cast<StorageKind>(kind);
  if (layout.kind != StorageKind::Compact) layout.address = r.address();
  if (layout.kind == StorageKind::Chunked) {
    read_chunk_dims(r, layout, dims, 4);
    return;
  }
  if (dims > kMaxLayoutDims) r.fail(std::to_string(dims) + " dimensions");
  r.skip(4 * std::uint64_t{dims});  // the dataset's dimensions again (the dataspace is what counts)
  if (layout.kind == StorageKind::Compact) layout.compact = r.bytes(r.u32());
}

void parse_v4_chunked(ByteReader& r, Layout& layout) {
  const unsigned flags = r.u8();
  if ((flags & ~0x03u) != 0) r.fail("chunked layout flags " + std::to_string(flags));
  layout.unfiltered_edge_chunks = (flags & 0x01) != 0;
  const unsigned dims = r.u8();
  const unsigned bytes = r.u8();
  if (bytes == 0 || bytes > 8) r.fail("chunk dimensions of " + std::to_string(bytes) + " bytes");
  read_chunk_dims(r, layout, dims, bytes);
  const unsigned index = r.u8();
  switch (index) {
    case 1:
      layout.index = ChunkIndex::Single;
      if ((flags & 0x02) != 0) {
        layout.single_filtered = true;
        layout.single_size = r.length();
        layout.single_mask = r.u32();
      }
      break;
    case 2:
      layout.index = ChunkIndex::Implicit;
      break;
    case 3:
      layout.index = ChunkIndex::FixedArray;
      r.skip(1);  // bits of entries per data block page (the array's own header repeats it)
      break;
    case 4:
      layout.index = ChunkIndex::ExtensibleArray;
      r.skip(5);
      break;
    case 5:
      layout.index = ChunkIndex::BtreeV2;
      r.skip(6);
      break;
    default:
      r.fail("chunk index type " + std::to_string(index));
  }
  layout.address = r.address();
}

}  // namespace

Layout parse_layout(const FileImage& file, const Message& message) {
  ByteReader r(file, message.data, message.address, kLayoutWhat);
  Layout layout;
  layout.version = r.u8();
  if (layout.version < 1 || layout.version > 4) r.fail("version " + std::to_string(layout.version));
  if (layout.version <= 2) {
    parse_v1_v2(r, layout);
    return layout;
  }
  const unsigned kind = r.u8();
  if (kind > 3 || (kind == 3 && layout.version < 4)) r.fail("layout class " + std::to_string(kind));
  layout.kind = static_cast<StorageKind>(kind);
  switch (layout.kind) {
    case StorageKind::Compact:
      layout.compact = r.bytes(r.u16());
      break;
    case StorageKind::Contiguous:
      layout.address = r.address();
      layout.size = r.length();
      layout.size_known = true;
      break;
    case StorageKind::Chunked:
      if (layout.version == 3) {
        const unsigned dims = r.u8();
        layout.address = r.address();
        read_chunk_dims(r, layout, dims, 4);
      } else {
        parse_v4_chunked(r, layout);
      }
      break;
    case StorageKind::Virtual:
      break;
  }
  return layout;
}

std::vector<unsigned char> parse_fill_value(const FileImage& file, const Message& message, std::uint64_t element_size) {
  ByteReader r(file, message.data, message.address, "fill value message");
  const unsigned version = r.u8();
  bool defined = false;
  if (version == 1 || version == 2) {
    r.skip(2);  // space allocation and fill value write times
    defined = r.u8() != 0;
    if (version == 1 && r.remaining() >= 4) defined = true;  // version 1 always stores a size (0: none)
  } else if (version == 3) {
    defined = (r.u8() & 0x20) != 0;
  } else {
    r.fail("version " + std::to_string(version));
  }
  if (!defined) return {};
  const std::uint32_t size = r.u32();
  if (size == 0xffffffffu) return {};  // HDF5's "no fill value" size
  const auto value = r.bytes(size);
  if (value.empty()) return {};
  if (value.size() != element_size) {
    r.fail("a fill value of " + std::to_string(value.size()) + " bytes for elements of " +
           std::to_string(element_size));
  }
  return {value.begin(), value.end()};
}

}  // namespace inlay::core::hdf5
