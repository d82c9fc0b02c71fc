#include "io/hdf5/attribute.hpp"

#include <algorithm>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/convert.hpp"
#include "io/hdf5/fractal_heap.hpp"
#include "io/hdf5/v2_btree.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kAttributeWhat = "attribute message";
constexpr unsigned kAttributeNameIndexType = 8;  // v2 B-tree record type: attribute name hashes

std::uint64_t padded8(std::uint64_t n) { return (n + 7) / 8 * 8; }

// Attributes kept in dense storage: a v2 B-tree whose records are (heap ID of 8 bytes, message flags, creation
// order, name hash), the heap objects being attribute messages.
void read_dense_attributes(const FileImage& file, const Message& info, std::vector<AttributeMessage>& out) {
  ByteReader r(file, info.data, info.address, "attribute info message");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  const unsigned flags = r.u8();
  if ((flags & 0x01) != 0) r.skip(2);  // maximum creation index
  const std::uint64_t heap_address = r.address();
  const std::uint64_t name_index = r.address();
  if (heap_address == kUndefinedAddress) return;
  const FractalHeap heap(file, heap_address);
  walk_v2_btree(file, name_index, kAttributeNameIndexType, [&](std::span<const unsigned char> record) {
    if (record.size() < 9 || heap.id_length() != 8) file.corrupt("v2 B-tree", name_index, "attribute records of the wrong size");
    if ((record[8] & kMessageShared) != 0) file.unsupported("attribute", "a shared attribute message");
    out.push_back(parse_attribute_message(file, heap.object(record.first(8)), heap_address));
  });
}

// The text of one variable-length string element: a length, then the global heap object holding it.
std::string variable_string(const FileImage& file, GlobalHeaps& heaps, ByteReader& r) {
  const std::uint64_t length = r.u32();
  const std::uint64_t collection = r.address();
  const std::uint64_t index = r.u32();
  if (length == 0) return {};
  const auto object = heaps.object(collection, index);
  if (length > object.size()) {
    file.corrupt("global heap collection", collection,
                 "a string of " + std::to_string(length) + " bytes in an object of " + std::to_string(object.size()));
  }
  return std::string(object.begin(), object.begin() + static_cast<std::ptrdiff_t>(length));
}

std::string fixed_string(std::span<const unsigned char> bytes, unsigned padding) {
  if (padding == 2) {  // space-padded
    auto end = bytes.end();
    while (end != bytes.begin() && *(end - 1) == ' ') --end;
    return std::string(bytes.begin(), end);
  }
  return std::string(bytes.begin(), std::find(bytes.begin(), bytes.end(), 0));  // NUL-terminated or NUL-padded
}

}  // namespace

AttributeMessage parse_attribute_message(const FileImage& file, std::span<const unsigned char> data,
                                         std::uint64_t address) {
  ByteReader r(file, data, address, kAttributeWhat);
  const unsigned version = r.u8();
  if (version < 1 || version > 3) r.fail("version " + std::to_string(version));
  const unsigned flags = r.u8();  // version 1: reserved
  const std::uint64_t name_size = r.u16();
  const std::uint64_t type_size = r.u16();
  const std::uint64_t space_size = r.u16();
  if (version == 3) r.skip(1);  // character set of the name
  if (version >= 2 && (flags & 0x03) != 0) file.unsupported("attribute", "a shared datatype or dataspace");
  // Version 1 pads the name, datatype and dataspace to multiples of 8 bytes.
  const auto pad = [&](std::uint64_t n) { return version == 1 ? padded8(n) : n; };
  const auto name = r.bytes(pad(name_size));
  const std::uint64_t type_address = r.file_address();
  const auto type = r.bytes(pad(type_size));
  const std::uint64_t space_address = r.file_address();
  const auto space = r.bytes(pad(space_size));
  AttributeMessage a;
  a.address = address;
  const auto name_bytes = name.first(static_cast<std::size_t>(std::min<std::uint64_t>(name_size, name.size())));
  a.name.assign(name_bytes.begin(), std::find(name_bytes.begin(), name_bytes.end(), 0));
  a.type = parse_datatype(file, type.first(static_cast<std::size_t>(type_size)), type_address);
  a.space = parse_dataspace(file, space.first(static_cast<std::size_t>(space_size)), space_address);
  std::uint64_t bytes = 0;
  if (!checked_multiply(a.space.count, a.type.stored_size(file), &bytes) || bytes > r.remaining()) {
    r.fail("attribute " + hdf5::quoted(a.name) + " declares " + std::to_string(a.space.count) + " elements of " +
           std::to_string(a.type.stored_size(file)) + " bytes in a message with " + std::to_string(r.remaining()) +
           " bytes of data");
  }
  a.data = r.bytes(bytes);
  return a;
}

std::vector<AttributeMessage> read_attributes(const FileImage& file, const ObjectHeader& header) {
  std::vector<AttributeMessage> out;
  for (const Message& m : header.messages) {
    if (m.type == message_type::kAttribute) {
      if ((m.flags & kMessageShared) != 0) file.unsupported("attribute", "a shared attribute message");
      out.push_back(parse_attribute_message(file, m.data, m.address));
    } else if (m.type == message_type::kAttributeInfo) {
      read_dense_attributes(file, m, out);
    }
  }
  return out;
}

std::vector<std::string> attribute_strings(const FileImage& file, GlobalHeaps& heaps, const AttributeMessage& a,
                                           std::uint64_t max_bytes) {
  std::vector<std::string> out;
  const std::uint64_t size = a.type.stored_size(file);
  ByteReader r(file, a.data, a.address, kAttributeWhat);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < a.space.count; ++i) {
    std::string s;
    if (a.type.variable_string) {
      s = variable_string(file, heaps, r);
    } else {
      s = fixed_string(r.bytes(size), a.type.string_padding);
    }
    total += s.size();
    if (total > max_bytes) {
      file.fail(Status::ParseError, "the attribute " + hdf5::quoted(a.name) + " holds more than the " +
                                        std::to_string(max_bytes) + " bytes of text inlay reads");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<double> attribute_numbers(const AttributeMessage& a) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(a.space.count));
  for (std::uint64_t i = 0; i < a.space.count; ++i) {
    out.push_back(element_to_double(a.type, a.data.data() + i * a.type.size));
  }
  return out;
}

}  // namespace inlay::core::hdf5
