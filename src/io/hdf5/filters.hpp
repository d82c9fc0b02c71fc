// The filter pipeline of chunked datasets: parsing the filter pipeline message (versions 1 and 2), and undoing
// the filters on one stored chunk. inlay undoes deflate (zlib, streamed into a buffer that never grows past the
// chunk's declared size: a chunk that inflates to more is refused as soon as it passes that size), shuffle and
// Fletcher-32 (verified). Other filters (szip, n-bit, scale-offset, third-party compressors) are Unsupported.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

struct Filter {
  std::uint16_t id = 0;  // 1 deflate, 2 shuffle, 3 fletcher32, ...
  std::uint16_t flags = 0;
  std::string name;
  std::vector<std::uint32_t> client_data;
};

std::vector<Filter> parse_filter_pipeline(const FileImage& file, std::span<const unsigned char> data,
                                          std::uint64_t address);

// Undoes the pipeline on a chunk's stored bytes (filters whose bit is set in `mask` were skipped when it was
// written) and returns the `expected` bytes of the chunk: in `stored` itself when no filter changed it, else in
// one of the two buffers the stages alternate between (valid until they are reused). A chunk that decodes to
// any other size is a ParseError naming `where`.
std::span<const unsigned char> decode_chunk(const FileImage& file, const std::vector<Filter>& filters,
                                            std::uint32_t mask, std::span<const unsigned char> stored,
                                            std::uint64_t expected, std::vector<unsigned char>& out,
                                            std::vector<unsigned char>& scratch, std::string_view where);

}  // namespace inlay::core::hdf5
