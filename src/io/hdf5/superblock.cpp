#include "io/hdf5/superblock.hpp"

#include <cstring>
#include <string>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/checksum.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// The superblock's errors; Hdf5File::open says which file is "not a readable HDF5 file".
[[noreturn]] void not_hdf5(const FileImage& file, const std::string& why) { file.fail(Status::ParseError, why); }

// Where the signature is: byte 0, or after a user block of 512, 1024, 2048, ... bytes.
std::uint64_t find_signature(const FileImage& file) {
  const auto bytes = file.bytes();
  for (std::uint64_t at = 0; at < bytes.size();) {
    if (bytes.size() - at >= sizeof kSignature && std::memcmp(bytes.data() + at, kSignature, sizeof kSignature) == 0) {
      return at;
    }
    at = at == 0 ? 512 : at * 2;
  }
  if (bytes.empty()) not_hdf5(file, "it is empty");
  not_hdf5(file, "no HDF5 signature (\\x89HDF\\r\\n\\x1a\\n) at byte 0, 512, 1024, ...");
}

bool valid_size(unsigned n) { return n == 2 || n == 4 || n == 8; }

// The stored end-of-file address against the bytes there are. HDF5 writes it counting a user block (files
// with a 512-byte user block say 6664 for a file of 6664 bytes), so it is compared with the whole size.
void check_eof(const FileImage& file, std::uint64_t eof) {
  const std::uint64_t have = file.size();
  if (eof != kUndefinedAddress && eof > have) {
    not_hdf5(file, "truncated: its superblock says it holds " + std::to_string(eof) + " bytes, there are " +
                       std::to_string(have));
  }
}

// The sizes of addresses and lengths, which every later read of the file depends on.
void read_sizes(FileImage& file, ByteReader& r, std::uint64_t at) {
  const unsigned offset_size = r.u8();
  const unsigned length_size = r.u8();
  if (!valid_size(offset_size) || !valid_size(length_size)) {
    not_hdf5(file, "addresses of " + std::to_string(offset_size) + " bytes and lengths of " +
                       std::to_string(length_size) + " bytes (2, 4 or 8 each)");
  }
  file.set_format(offset_size, length_size, at);
}

Superblock read_v0_v1(FileImage& file, std::uint64_t at, unsigned version) {
  ByteReader r(file, file.bytes().subspan(static_cast<std::size_t>(at)), kUndefinedAddress, "superblock");
  r.skip(9);
  r.skip(4);  // free-space, root symbol table entry and shared header message format versions, reserved
  read_sizes(file, r, at);
  r.skip(1 + 2 + 2 + 4);  // reserved, group leaf and internal node K, consistency flags
  if (version == 1) r.skip(4);  // indexed storage internal node K, reserved
  r.address();                  // base address: HDF5 uses where the signature is
  r.address();                  // free-space info
  const std::uint64_t eof = r.address();
  r.address();  // driver information block
  // The root group's symbol table entry: link name offset, object header address, cache type and scratch pad.
  r.address();
  Superblock out;
  out.version = version;
  out.root_object_header = r.address();
  check_eof(file, eof);
  return out;
}

Superblock read_v2_v3(FileImage& file, std::uint64_t at, unsigned version) {
  ByteReader r(file, file.bytes().subspan(static_cast<std::size_t>(at)), kUndefinedAddress, "superblock");
  r.skip(9);
  read_sizes(file, r, at);
  r.skip(1);  // consistency flags
  r.address();  // base address
  r.address();  // superblock extension (file space settings and the like; nothing a reader needs)
  const std::uint64_t eof = r.address();
  Superblock out;
  out.version = version;
  out.root_object_header = r.address();
  const std::uint64_t checked = r.position();
  const std::uint32_t stored = r.u32();
  if (lookup3(r.all().first(static_cast<std::size_t>(checked))) != stored) {
    not_hdf5(file, "the checksum of its superblock does not match");
  }
  check_eof(file, eof);
  return out;
}

}  // namespace

Superblock read_superblock(FileImage& file) {
  const std::uint64_t at = find_signature(file);
  if (file.size() - at < 9) not_hdf5(file, "truncated in its superblock");
  const unsigned version = file.bytes()[static_cast<std::size_t>(at) + 8];
  switch (version) {
    case 0:
    case 1:
      return read_v0_v1(file, at, version);
    case 2:
    case 3:
      return read_v2_v3(file, at, version);
    default:
      not_hdf5(file, "superblock version " + std::to_string(version) + " (inlay reads versions 0 to 3)");
  }
}

}  // namespace inlay::core::hdf5
