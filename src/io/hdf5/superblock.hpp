// The superblock: where an HDF5 file starts (its signature at byte 0, 512, 1024, ... after a user block), the
// sizes of its addresses and lengths, and the address of the root group's object header. Versions 0 and 1
// (h5py's default, libver "earliest") and 2 and 3 (libver "latest"; checksummed).
#pragma once

#include <cstdint>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

struct Superblock {
  unsigned version = 0;
  std::uint64_t root_object_header = kUndefinedAddress;
};

// Reads the superblock and sets the file's address/length sizes and base address. A ParseError when there is
// no HDF5 signature or the superblock is damaged.
Superblock read_superblock(FileImage& file);

}  // namespace inlay::core::hdf5
