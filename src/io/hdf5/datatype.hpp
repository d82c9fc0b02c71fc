// Datatype messages: what one element of a dataset or attribute is. inlay reads numbers (fixed-point integers
// of 1, 2, 4 or 8 bytes, IEEE floats of 2, 4 or 8 bytes and bfloat16, either byte order, at full precision) and
// strings (fixed-length, and variable-length through the global heap). Other classes (compound, enum, array,
// references, ...) are parsed far enough to name them; reading their values is refused as Unsupported.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

enum class TypeClass : unsigned {
  FixedPoint = 0,
  FloatingPoint = 1,
  Time = 2,
  String = 3,
  Bitfield = 4,
  Opaque = 5,
  Compound = 6,
  Reference = 7,
  Enum = 8,
  VariableLength = 9,
  Array = 10,
};

// The numeric element formats inlay converts.
enum class NumberFormat { None, Signed, Unsigned, Float16, BFloat16, Float32, Float64 };

struct Datatype {
  TypeClass type_class = TypeClass::Opaque;
  std::uint64_t size = 0;  // bytes of one element as the message declares it
  bool big_endian = false;
  NumberFormat number = NumberFormat::None;  // None: not a number inlay converts (see unsupported_why)
  bool fixed_string = false;
  bool variable_string = false;  // a variable-length string (its elements are global heap references)
  unsigned string_padding = 0;   // 0: NUL-terminated, 1: NUL-padded, 2: space-padded
  std::string unsupported_why;   // for numbers and strings inlay does not read: why

  // Bytes one element takes in the file (a variable-length element is a length, a collection address and an
  // object index, whatever the size field says).
  std::uint64_t stored_size(const FileImage& file) const;
  bool is_number() const { return number != NumberFormat::None; }
  bool is_string() const { return fixed_string || variable_string; }
  // "32-bit float (little-endian)", "variable-length string", "compound", ... for messages.
  std::string describe() const;
};

// Parses a datatype message (or the datatype inside an attribute message).
Datatype parse_datatype(const FileImage& file, std::span<const unsigned char> data, std::uint64_t address);

}  // namespace inlay::core::hdf5
