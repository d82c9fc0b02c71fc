// Version 2 B-trees ("BTHD" header, "BTIN" internal and "BTLF" leaf nodes, all checksummed): the name index of
// groups and attributes kept in dense storage (record types 5 and 8). Only enumeration is needed (names are
// sorted by the caller), so every record is visited once; the depth is the header's (capped), node record
// counts are checked against what a node of the header's size can hold, and a node reached twice ends the walk
// with a ParseError.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

// Calls `visit` with the raw bytes of every record of the tree whose header is at `address`; the tree must be
// of record type `type`.
void walk_v2_btree(const FileImage& file, std::uint64_t address, unsigned type,
                   const std::function<void(std::span<const unsigned char>)>& visit);

}  // namespace inlay::core::hdf5
