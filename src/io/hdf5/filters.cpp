#include "io/hdf5/filters.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/checksum.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kFiltersWhat = "filter pipeline message";
constexpr std::uint16_t kDeflate = 1;
constexpr std::uint16_t kShuffle = 2;
constexpr std::uint16_t kFletcher32 = 3;
constexpr unsigned kMaxFilters = 32;  // H5Z_MAX_NFILTERS
// zlib counts in 32-bit units: input and output are handed to it in pieces of at most this size.
constexpr std::uint64_t kZlibPiece = 1u << 30;

const char* known_name(std::uint16_t id) {
  switch (id) {
    case 4:
      return "szip";
    case 5:
      return "nbit";
    case 6:
      return "scaleoffset";
    case 32001:
      return "blosc";
    case 32004:
      return "lz4";
    case 32008:
      return "bitshuffle";
    case 32015:
      return "zstd";
    default:
      return nullptr;
  }
}

// Inflates a zlib stream into `out`, which ends up holding what it inflates to; more than `limit` bytes is an
// error raised as soon as the output passes the limit (nothing beyond limit + 1 bytes is ever produced).
void inflate_bounded(const FileImage& file, std::span<const unsigned char> in, std::uint64_t limit,
                     std::vector<unsigned char>& out, std::string_view where) {
  out.resize(static_cast<std::size_t>(limit));
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) throw Error(Status::OutOfMemory, "zlib could not start inflating " + std::string(where));
  struct End {
    z_stream* s;
    ~End() { inflateEnd(s); }
  } end{&zs};
  std::uint64_t in_done = 0;
  std::uint64_t out_done = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0 && in_done < in.size()) {
      const std::uint64_t n = std::min<std::uint64_t>(in.size() - in_done, kZlibPiece);
      zs.next_in = const_cast<Bytef*>(in.data() + in_done);  // zlib's API is not const; it does not write
      zs.avail_in = static_cast<uInt>(n);
      in_done += n;
    }
    unsigned char probe = 0;
    const bool full = out_done == limit;
    const std::uint64_t room = full ? 1 : std::min<std::uint64_t>(limit - out_done, kZlibPiece);
    zs.next_out = full ? &probe : out.data() + out_done;
    zs.avail_out = static_cast<uInt>(room);
    rc = inflate(&zs, Z_NO_FLUSH);
    const std::uint64_t produced = room - zs.avail_out;
    if (full && produced > 0) {
      file.fail(Status::ParseError, std::string(where) + ": a deflated chunk inflates to more than the " +
                                        std::to_string(limit) + " bytes a chunk of this dataset holds");
    }
    out_done += produced;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && in_done == in.size()) {
      file.fail(Status::ParseError, std::string(where) + ": a deflated chunk ends before its zlib stream does");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      file.fail(Status::ParseError, std::string(where) + ": a deflated chunk is not a valid zlib stream" +
                                        (zs.msg != nullptr ? std::string(" (") + zs.msg + ")" : std::string()));
    }
  }
  out.resize(static_cast<std::size_t>(out_done));
}

// Undoes the shuffle filter: byte j of element i was stored at j * n + i.
void unshuffle(std::span<const unsigned char> in, std::uint64_t element_size, std::vector<unsigned char>& out) {
  out.resize(in.size());
  const std::uint64_t n = element_size == 0 ? 0 : in.size() / element_size;
  if (element_size <= 1 || n <= 1) {
    std::copy(in.begin(), in.end(), out.begin());
    return;
  }
  for (std::uint64_t j = 0; j < element_size; ++j) {
    const unsigned char* src = in.data() + j * n;
    unsigned char* dst = out.data() + j;
    for (std::uint64_t i = 0; i < n; ++i) dst[i * element_size] = src[i];
  }
  // Bytes past the last whole element are stored as they are.
  const std::uint64_t tail = n * element_size;
  std::copy(in.begin() + static_cast<std::ptrdiff_t>(tail), in.end(), out.begin() + static_cast<std::ptrdiff_t>(tail));
}

// Checks and strips the Fletcher-32 checksum at the end of the data.
std::span<const unsigned char> check_fletcher32(const FileImage& file, std::span<const unsigned char> in,
                                                std::string_view where) {
  if (in.size() < 4) file.fail(Status::ParseError, std::string(where) + ": a chunk too small for its checksum");
  const auto data = in.first(in.size() - 4);
  const auto tail = in.last(4);
  const std::uint32_t stored = std::uint32_t{tail[0]} | std::uint32_t{tail[1]} << 8 | std::uint32_t{tail[2]} << 16 |
                               std::uint32_t{tail[3]} << 24;
  const std::uint32_t computed = fletcher32(data);
  // Files of HDF5 before 1.8.? stored the checksum with its bytes reversed; HDF5 accepts both.
  const std::uint32_t reversed = ((computed & 0xff) << 24) | ((computed & 0xff00) << 8) | ((computed >> 8) & 0xff00) |
                                 (computed >> 24);
  if (stored != computed && stored != reversed) {
    file.fail(Status::ParseError, std::string(where) + ": a chunk's Fletcher-32 checksum does not match");
  }
  return data;
}

}  // namespace

std::vector<Filter> parse_filter_pipeline(const FileImage& file, std::span<const unsigned char> data,
                                          std::uint64_t address) {
  ByteReader r(file, data, address, kFiltersWhat);
  const unsigned version = r.u8();
  const unsigned count = r.u8();
  if (version != 1 && version != 2) r.fail("version " + std::to_string(version));
  if (count > kMaxFilters) r.fail(std::to_string(count) + " filters");
  if (version == 1) r.skip(6);
  std::vector<Filter> filters;
  for (unsigned i = 0; i < count; ++i) {
    Filter f;
    f.id = r.u16();
    const std::uint64_t name_length = version == 1 || f.id >= 256 ? r.u16() : 0;
    f.flags = r.u16();
    const std::uint64_t values = r.u16();
    if (name_length > 0) {
      // Version 1 pads the name to a multiple of 8 bytes.
      const auto name = r.bytes(version == 1 ? (name_length + 7) / 8 * 8 : name_length);
      const auto nul = std::find(name.begin(), name.end(), 0);
      f.name.assign(name.begin(), nul);
    }
    for (std::uint64_t v = 0; v < values; ++v) f.client_data.push_back(r.u32());
    if (version == 1 && values % 2 == 1) r.skip(4);
    filters.push_back(std::move(f));
  }
  return filters;
}

std::span<const unsigned char> decode_chunk(const FileImage& file, const std::vector<Filter>& filters,
                                            std::uint32_t mask, std::span<const unsigned char> stored,
                                            std::uint64_t expected, std::vector<unsigned char>& out,
                                            std::vector<unsigned char>& scratch, std::string_view where) {
  std::span<const unsigned char> current = stored;
  // Which of the two buffers `current` is in (-1: the file's bytes): each stage writes to the other one.
  int in_buffer = -1;
  auto next_buffer = [&]() -> std::vector<unsigned char>& {
    in_buffer = in_buffer == 0 ? 1 : 0;
    return in_buffer == 0 ? out : scratch;
  };
  for (std::size_t k = filters.size(); k-- > 0;) {
    if (k < 32 && (mask >> k) & 1u) continue;  // this filter was skipped when the chunk was written
    const Filter& f = filters[k];
    switch (f.id) {
      case kDeflate: {
        std::vector<unsigned char>& dst = next_buffer();
        inflate_bounded(file, current, expected, dst, where);
        current = dst;
        break;
      }
      case kShuffle: {
        if (f.client_data.empty()) {
          file.fail(Status::ParseError, std::string(where) + ": a shuffle filter without its element size");
        }
        std::vector<unsigned char>& dst = next_buffer();
        unshuffle(current, f.client_data[0], dst);
        current = dst;
        break;
      }
      case kFletcher32:
        current = check_fletcher32(file, current, where);
        break;
      default: {
        const char* name = known_name(f.id);
        const std::string label = !f.name.empty() ? f.name : name != nullptr ? name : "unknown";
        file.unsupported("filter", std::string(where) + " is compressed with filter " + std::to_string(f.id) + " (" +
                                       label + ")");
      }
    }
  }
  if (current.size() != expected) {
    file.fail(Status::ParseError, std::string(where) + ": a chunk decodes to " + std::to_string(current.size()) +
                                      " bytes, not the " + std::to_string(expected) + " of a chunk of this dataset");
  }
  return current;
}

}  // namespace inlay::core::hdf5
