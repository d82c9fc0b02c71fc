// Numeric elements as stored in a file (any NumberFormat, either byte order) to float and double, the way
// HDF5's conversions and NumPy's astype round them (round to nearest; NaN and infinities kept).
#pragma once

#include <cstdint>

#include "io/hdf5/datatype.hpp"

namespace inlay::core::hdf5 {

// Converts `count` elements of `type` (type.is_number()) from `src` (count * type.size bytes) to floats.
void convert_to_float(const Datatype& type, const unsigned char* src, std::uint64_t count, float* out);

// One element of `type` as a double.
double element_to_double(const Datatype& type, const unsigned char* src);

}  // namespace inlay::core::hdf5
