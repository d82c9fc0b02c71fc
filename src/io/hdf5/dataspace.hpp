// Dataspace messages: the shape of a dataset or attribute. Scalar, simple (rank 1 to 32; a rank of 0 in the old
// version 1 message is a scalar) and null (no elements). The element count is the product of the dimensions,
// computed with overflow checks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

enum class SpaceKind { Scalar, Simple, Null };

struct Dataspace {
  SpaceKind kind = SpaceKind::Scalar;
  std::vector<std::uint64_t> dims;  // empty for scalar and null
  std::uint64_t count = 1;          // elements: 1 for a scalar, 0 for null
};

Dataspace parse_dataspace(const FileImage& file, std::span<const unsigned char> data, std::uint64_t address);

// a * b, or false when it overflows.
bool checked_multiply(std::uint64_t a, std::uint64_t b, std::uint64_t* out);

}  // namespace inlay::core::hdf5
