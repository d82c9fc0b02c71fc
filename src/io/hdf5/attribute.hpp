// Attributes: attribute messages (versions 1 to 3) in an object header, or in dense storage (a fractal heap
// indexed by a v2 B-tree of name hashes, found through the attribute info message), and their values: strings
// (fixed-length, or variable-length through the global heap) and numbers. The element count is bounded by the
// bytes the message holds, and the text of variable-length strings by a caller's limit (elements may all name
// one large heap object, so the file's size alone does not bound it).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/dataspace.hpp"
#include "io/hdf5/datatype.hpp"
#include "io/hdf5/file_image.hpp"
#include "io/hdf5/global_heap.hpp"
#include "io/hdf5/object_header.hpp"

namespace inlay::core::hdf5 {

struct AttributeMessage {
  std::string name;
  Datatype type;
  Dataspace space;
  std::span<const unsigned char> data;  // count x stored element size bytes
  std::uint64_t address = kUndefinedAddress;
};

AttributeMessage parse_attribute_message(const FileImage& file, std::span<const unsigned char> data,
                                         std::uint64_t address);

// All attributes of an object (compact and dense), in the order they are stored.
std::vector<AttributeMessage> read_attributes(const FileImage& file, const ObjectHeader& header);

// The values of a string attribute, at most `max_bytes` of text in all (a ParseError past it).
std::vector<std::string> attribute_strings(const FileImage& file, GlobalHeaps& heaps, const AttributeMessage& a,
                                           std::uint64_t max_bytes);

// The values of a numeric attribute (a.type.is_number()).
std::vector<double> attribute_numbers(const AttributeMessage& a);

}  // namespace inlay::core::hdf5
