#include "io/hdf5/object_header.hpp"

#include <set>
#include <string>
#include <utility>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/checksum.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kObjectHeaderWhat = "object header";

// A chunk of messages still to parse: its bytes (messages only: no prefix, signature, gap or checksum).
struct Chunk {
  std::span<const unsigned char> messages;
  std::uint64_t address;
};

// Verifies the lookup3 checksum in the last 4 bytes of a version 2 header chunk.
void verify_checksum(const FileImage& file, std::span<const unsigned char> chunk, std::uint64_t address) {
  if (chunk.size() < 4) file.corrupt(kObjectHeaderWhat, address, "a chunk too small for its checksum");
  const auto body = chunk.first(chunk.size() - 4);
  const auto tail = chunk.last(4);
  const std::uint32_t stored = std::uint32_t{tail[0]} | std::uint32_t{tail[1]} << 8 | std::uint32_t{tail[2]} << 16 |
                               std::uint32_t{tail[3]} << 24;
  if (lookup3(body) != stored) file.corrupt(kObjectHeaderWhat, address, "its checksum does not match");
}

// The messages of one chunk, appended to `out`; continuation messages become more chunks in `pending`.
void parse_chunk(const FileImage& file, unsigned version, bool has_creation_order, const Chunk& chunk,
                 std::vector<Message>& out, std::vector<std::pair<std::uint64_t, std::uint64_t>>& continuations) {
  ByteReader r(file, chunk.messages, chunk.address, kObjectHeaderWhat);
  const std::uint64_t header_size = version == 1 ? 8 : (has_creation_order ? 6 : 4);
  while (r.remaining() >= header_size) {
    Message m;
    if (version == 1) {
      m.type = r.u16();
      const std::uint16_t size = r.u16();
      m.flags = r.u8();
      r.skip(3);
      m.address = r.file_address();
      m.data = r.bytes(size);
    } else {
      m.type = r.u8();
      const std::uint16_t size = r.u16();
      m.flags = r.u8();
      if (has_creation_order) r.skip(2);
      m.address = r.file_address();
      m.data = r.bytes(size);
    }
    if (m.type == message_type::kNil) continue;
    if (m.type == message_type::kContinuation) {
      ByteReader c(file, m.data, m.address, "object header continuation message");
      const std::uint64_t at = c.address();
      const std::uint64_t length = c.length();
      continuations.emplace_back(at, length);
      continue;
    }
    out.push_back(m);
  }
  // Version 1 messages fill their chunk exactly; version 2 chunks may end in a gap smaller than a message header.
  if (version == 1 && r.remaining() != 0) file.corrupt(kObjectHeaderWhat, chunk.address, "a message runs past the end of its chunk");
}

// A continuation chunk's message bytes, checked (and for version 2, its signature and checksum verified).
Chunk continuation_chunk(const FileImage& file, unsigned version, std::uint64_t at, std::uint64_t length) {
  const auto bytes = file.at(at, length, "object header continuation chunk");
  file.charge(length);
  if (version == 1) return {bytes, at};
  if (length < 8 || bytes[0] != 'O' || bytes[1] != 'C' || bytes[2] != 'H' || bytes[3] != 'K') {
    file.corrupt("object header continuation chunk", at, "no \"OCHK\" signature");
  }
  verify_checksum(file, bytes, at);
  return {bytes.subspan(4, bytes.size() - 8), at + 4};
}

}  // namespace

const Message* ObjectHeader::find(std::uint16_t type) const {
  for (const Message& m : messages) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

ObjectHeader read_object_header(const FileImage& file, std::uint64_t address) {
  ObjectHeader out;
  out.address = address;
  const auto start = file.from(address, kObjectHeaderWhat);
  ByteReader r(file, start, address, kObjectHeaderWhat);
  Chunk first{};
  bool creation_order = false;
  if (start.size() >= 4 && start[0] == 'O' && start[1] == 'H' && start[2] == 'D' && start[3] == 'R') {
    r.skip(4);
    out.version = r.u8();
    if (out.version != 2) r.fail("version " + std::to_string(out.version) + " after \"OHDR\" (expected 2)");
    const std::uint8_t flags = r.u8();
    creation_order = (flags & 0x04) != 0;
    if ((flags & 0x20) != 0) r.skip(16);  // access, modification, change and birth times
    if ((flags & 0x10) != 0) r.skip(4);   // attribute storage phase change values
    const std::uint64_t size = r.uint(1u << (flags & 0x03));
    const std::uint64_t prefix = r.position();
    r.skip(size);
    r.skip(4);
    file.charge(r.position());
    verify_checksum(file, start.first(static_cast<std::size_t>(r.position())), address);
    first = {start.subspan(static_cast<std::size_t>(prefix), static_cast<std::size_t>(size)), address + prefix};
  } else {
    out.version = r.u8();
    if (out.version != 1) r.fail("version " + std::to_string(out.version) + " (expected 1, or an \"OHDR\" signature)");
    r.skip(1);  // reserved
    r.u16();    // number of messages (NIL messages included; the chunks' sizes are what bound them here)
    r.u32();    // reference count
    const std::uint32_t size = r.u32();
    r.skip(4);  // the prefix is padded to 16 bytes
    first = {r.bytes(size), address + 16};
    file.charge(16 + std::uint64_t{size});
  }

  std::vector<std::pair<std::uint64_t, std::uint64_t>> continuations;
  std::set<std::uint64_t> seen{address};
  parse_chunk(file, out.version, creation_order, first, out.messages, continuations);
  // Continuations are followed in the order they were found; each chunk once.
  for (std::size_t i = 0; i < continuations.size(); ++i) {
    const auto [at, length] = continuations[i];
    if (!seen.insert(at).second) file.corrupt(kObjectHeaderWhat, address, "its continuation chunks form a cycle");
    parse_chunk(file, out.version, creation_order, continuation_chunk(file, out.version, at, length), out.messages,
                continuations);
  }
  return out;
}

}  // namespace inlay::core::hdf5
