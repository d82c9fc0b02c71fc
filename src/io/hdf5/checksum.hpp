// The checksums of HDF5 files: Bob Jenkins' lookup3 hash (hashlittle, initial value 0), which guards the
// metadata of the newer formats (superblock v2/v3, "OHDR"/"OCHK" object headers, v2 B-tree nodes, fractal
// heap blocks), and Fletcher-32, the checksum filter of dataset chunks.
#pragma once

#include <cstdint>
#include <span>

namespace inlay::core::hdf5 {

// H5_checksum_metadata: lookup3's hashlittle over the bytes, initial value 0.
std::uint32_t lookup3(std::span<const unsigned char> bytes);

// H5_checksum_fletcher32: 16-bit big-endian words summed modulo 65535, an odd last byte as the high byte of
// a word.
std::uint32_t fletcher32(std::span<const unsigned char> bytes);

}  // namespace inlay::core::hdf5
