#include "io/hdf5/dataspace.hpp"

#include <string>

#include "io/hdf5/byte_reader.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kDataspaceWhat = "dataspace message";
constexpr unsigned kMaxRank = 32;

}  // namespace

bool checked_multiply(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  if (a != 0 && b > ~std::uint64_t{0} / a) return false;
  *out = a * b;
  return true;
}

Dataspace parse_dataspace(const FileImage& file, std::span<const unsigned char> data, std::uint64_t address) {
  ByteReader r(file, data, address, kDataspaceWhat);
  const unsigned version = r.u8();
  const unsigned rank = r.u8();
  r.skip(1);  // flags: maximum dimensions (bit 0) and a permutation index (bit 1) follow the dimensions
  Dataspace space;
  if (version == 1) {
    r.skip(5);  // reserved
    space.kind = rank == 0 ? SpaceKind::Scalar : SpaceKind::Simple;
  } else if (version == 2) {
    const unsigned type = r.u8();
    if (type > 2) r.fail("dataspace type " + std::to_string(type));
    space.kind = type == 0 ? SpaceKind::Scalar : type == 1 ? SpaceKind::Simple : SpaceKind::Null;
  } else {
    r.fail("version " + std::to_string(version));
  }
  if (rank > kMaxRank) r.fail("rank " + std::to_string(rank) + " (HDF5 allows up to 32)");
  if (space.kind != SpaceKind::Simple && rank != 0) r.fail("a scalar or null dataspace of rank " + std::to_string(rank));
  space.count = space.kind == SpaceKind::Null ? 0 : 1;
  for (unsigned i = 0; i < rank; ++i) {
    const std::uint64_t d = r.length();
    space.dims.push_back(d);
    if (!checked_multiply(space.count, d, &space.count)) r.fail("dimensions whose product overflows");
  }
  return space;
}

}  // namespace inlay::core::hdf5
