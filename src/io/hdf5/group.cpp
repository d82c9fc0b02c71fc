#include "io/hdf5/group.hpp"

#include <algorithm>
#include <string_view>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/fractal_heap.hpp"
#include "io/hdf5/v1_btree.hpp"
#include "io/hdf5/v2_btree.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr unsigned kLinkNameIndexType = 5;  // v2 B-tree record type: link name hashes of dense groups

void check_name(const FileImage& file, std::string_view name, std::uint64_t address, const char* what) {
  if (name.empty() || name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    file.corrupt(what, address, "a link named " + hdf5::quoted(name));
  }
}

// The NUL-terminated string at `offset` of a local heap's data segment.
std::string heap_string(const FileImage& file, std::span<const unsigned char> heap, std::uint64_t offset,
                        std::uint64_t heap_address) {
  if (offset >= heap.size()) file.corrupt("local heap", heap_address, "a name offset past its data");
  const auto rest = heap.subspan(static_cast<std::size_t>(offset));
  const auto end = std::find(rest.begin(), rest.end(), 0);
  if (end == rest.end()) file.corrupt("local heap", heap_address, "a name without its terminating NUL");
  return std::string(rest.begin(), end);
}

// The data segment of the local heap at `address`.
std::span<const unsigned char> local_heap(const FileImage& file, std::uint64_t address) {
  const unsigned l = file.length_size();
  const auto head = file.at(address, 8 + 2 * std::uint64_t{l} + file.offset_size(), "local heap");
  ByteReader r(file, head, address, "local heap");
  r.signature("HEAP");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  r.skip(3);
  const std::uint64_t size = r.length();
  r.length();  // free list
  const std::uint64_t data = r.address();
  return file.at(data, size, "local heap data segment");
}

// Symbol node entries: link name offset, object header address, cache type, reserved, scratch pad (16 bytes).
void read_symbol_node(const FileImage& file, std::uint64_t address, std::span<const unsigned char> heap,
                      std::uint64_t heap_address, std::vector<Link>& out) {
  const std::uint64_t entry_size = 2 * std::uint64_t{file.offset_size()} + 24;
  ByteReader head(file, file.at(address, 8, "symbol table node"), address, "symbol table node");
  head.signature("SNOD");
  if (const unsigned v = head.u8(); v != 1) head.fail("version " + std::to_string(v));
  head.skip(1);
  const std::uint64_t count = head.u16();
  const auto bytes = file.at(address, 8 + count * entry_size, "symbol table node");
  file.charge(bytes.size());
  ByteReader r(file, bytes, address, "symbol table node");
  r.skip(8);
  for (std::uint64_t i = 0; i < count; ++i) {
    Link link;
    link.name = heap_string(file, heap, r.uint(file.offset_size()), heap_address);
    link.address = r.address();
    const std::uint32_t cache_type = r.u32();
    r.skip(4);
    const auto scratch = r.bytes(16);
    check_name(file, link.name, address, "symbol table node");
    if (cache_type == 2) {  // a soft link: the scratch pad holds its value's offset in the local heap
      ByteReader s(file, scratch, address, "symbol table node");
      link.type = LinkType::Soft;
      link.target = heap_string(file, heap, s.u32(), heap_address);
      link.address = kUndefinedAddress;
    }
    out.push_back(std::move(link));
  }
}

void read_symbol_table(const FileImage& file, const Message& message, std::vector<Link>& out) {
  ByteReader r(file, message.data, message.address, "symbol table message");
  const std::uint64_t btree = r.address();
  const std::uint64_t heap_address = r.address();
  const auto heap = local_heap(file, heap_address);
  walk_v1_btree(file, btree, 0, file.length_size(), [&](const V1BtreeEntry& entry) {
    read_symbol_node(file, entry.child, heap, heap_address, out);
  });
}

void read_dense_links(const FileImage& file, const Message& link_info, std::vector<Link>& out) {
  ByteReader r(file, link_info.data, link_info.address, "link info message");
  if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
  const unsigned flags = r.u8();
  if ((flags & 0x01) != 0) r.skip(8);  // maximum creation index
  const std::uint64_t heap_address = r.address();
  const std::uint64_t name_index = r.address();
  if (heap_address == kUndefinedAddress) return;  // compact storage: the links are Link messages
  const FractalHeap heap(file, heap_address);
  walk_v2_btree(file, name_index, kLinkNameIndexType, [&](std::span<const unsigned char> record) {
    // A record: the name's hash (4 bytes), then the heap ID of the Link message.
    if (record.size() < 4 + std::size_t{heap.id_length()}) file.corrupt("v2 B-tree", name_index, "records too small");
    const auto object = heap.object(record.subspan(4, heap.id_length()));
    out.push_back(parse_link_message(file, object, heap_address));
  });
}

}  // namespace

bool is_group(const ObjectHeader& header) {
  return header.find(message_type::kSymbolTable) != nullptr || header.find(message_type::kLinkInfo) != nullptr ||
         header.find(message_type::kLink) != nullptr;
}

Link parse_link_message(const FileImage& file, std::span<const unsigned char> data, std::uint64_t address) {
  ByteReader r(file, data, address, "link message");
  if (const unsigned v = r.u8(); v != 1) r.fail("version " + std::to_string(v));
  const unsigned flags = r.u8();
  const unsigned type = (flags & 0x08) != 0 ? r.u8() : 0;
  if ((flags & 0x04) != 0) r.skip(8);  // creation order
  if ((flags & 0x10) != 0) r.skip(1);  // character set of the name
  const std::uint64_t name_length = r.uint(1u << (flags & 0x03));
  const auto name = r.bytes(name_length);
  Link link;
  link.name.assign(name.begin(), name.end());
  check_name(file, link.name, address, "link message");
  if (type == 0) {
    link.address = r.address();
  } else if (type == 1) {
    const auto value = r.bytes(r.u16());
    link.type = LinkType::Soft;
    link.target.assign(value.begin(), value.end());
  } else if (type >= 64) {  // external (64) and user-defined links: data that names another file or object
    r.skip(r.u16());
    link.type = LinkType::External;
  } else {
    r.fail("link type " + std::to_string(type));
  }
  return link;
}

std::vector<Link> read_group_links(const FileImage& file, const ObjectHeader& header) {
  std::vector<Link> links;
  for (const Message& m : header.messages) {
    if (m.type == message_type::kSymbolTable) read_symbol_table(file, m, links);
    if (m.type == message_type::kLinkInfo) read_dense_links(file, m, links);
    if (m.type == message_type::kLink) links.push_back(parse_link_message(file, m.data, m.address));
  }
  std::sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.name < b.name; });
  const auto twice =
      std::adjacent_find(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.name == b.name; });
  if (twice != links.end()) file.corrupt("group", header.address, "two links named " + hdf5::quoted(twice->name));
  return links;
}

}  // namespace inlay::core::hdf5
