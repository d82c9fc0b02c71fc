#include "io/hdf5/datatype.hpp"

#include "io/hdf5/byte_reader.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kDatatypeWhat = "datatype message";

const char* class_name(TypeClass c) {
  switch (c) {
    case TypeClass::FixedPoint:
      return "integer";
    case TypeClass::FloatingPoint:
      return "float";
    case TypeClass::Time:
      return "time";
    case TypeClass::String:
      return "string";
    case TypeClass::Bitfield:
      return "bitfield";
    case TypeClass::Opaque:
      return "opaque";
    case TypeClass::Compound:
      return "compound";
    case TypeClass::Reference:
      return "reference";
    case TypeClass::Enum:
      return "enum";
    case TypeClass::VariableLength:
      return "variable-length";
    case TypeClass::Array:
      return "array";
  }
  return "unknown";
}

// Fixed-point: bit 0 byte order, bit 3 signed; properties: bit offset, bit precision.
void parse_fixed_point(ByteReader& r, unsigned bits, Datatype& t) {
  t.big_endian = (bits & 0x01) != 0;
  const unsigned offset = r.u16();
  const unsigned precision = r.u16();
  const bool plain_size = t.size == 1 || t.size == 2 || t.size == 4 || t.size == 8;
  if (!plain_size || offset != 0 || precision != 8 * t.size) {
    t.unsupported_why = std::to_string(precision) + "-bit integers at bit offset " + std::to_string(offset) + " in " +
                        std::to_string(t.size) + "-byte elements";
    return;
  }
  t.number = (bits & 0x08) != 0 ? NumberFormat::Signed : NumberFormat::Unsigned;
}

// Floating-point: bits 0 and 6 byte order, bits 4-5 mantissa normalization, bits 8-15 sign position;
// properties: bit offset, precision, exponent location and size, mantissa location and size, exponent bias.
void parse_float(ByteReader& r, unsigned bits, Datatype& t) {
  const unsigned order = (bits & 0x01) | ((bits >> 5) & 0x02);
  t.big_endian = order == 1;
  const unsigned offset = r.u16();
  const unsigned precision = r.u16();
  const unsigned exp_location = r.u8();
  const unsigned exp_size = r.u8();
  const unsigned mant_location = r.u8();
  const unsigned mant_size = r.u8();
  const std::uint32_t bias = r.u32();
  const unsigned sign = (bits >> 8) & 0xff;
  const unsigned normalization = (bits >> 4) & 0x03;
  struct Ieee {
    std::uint64_t size;
    unsigned exp_location, exp_size, mant_size;
    std::uint32_t bias;
    NumberFormat format;
  };
  static constexpr Ieee kFormats[] = {{2, 10, 5, 10, 15, NumberFormat::Float16},
                                      {2, 7, 8, 7, 127, NumberFormat::BFloat16},
                                      {4, 23, 8, 23, 127, NumberFormat::Float32},
                                      {8, 52, 11, 52, 1023, NumberFormat::Float64}};
  if (order > 1) {
    t.unsupported_why = "VAX-ordered floats";
    return;
  }
  for (const Ieee& f : kFormats) {
    if (t.size == f.size && offset == 0 && precision == 8 * f.size && exp_location == f.exp_location &&
        exp_size == f.exp_size && mant_location == 0 && mant_size == f.mant_size && bias == f.bias &&
        sign == 8 * f.size - 1 && normalization == 2) {
      t.number = f.format;
      return;
    }
  }
  t.unsupported_why = std::to_string(t.size) + "-byte floats of " + std::to_string(exp_size) + " exponent and " +
                      std::to_string(mant_size) + " mantissa bits (not IEEE half, single, double or bfloat16)";
}

}  // namespace

std::uint64_t Datatype::stored_size(const FileImage& file) const {
  return type_class == TypeClass::VariableLength ? 4 + std::uint64_t{file.offset_size()} + 4 : size;
}

std::string Datatype::describe() const {
  const std::string order = big_endian ? " (big-endian)" : " (little-endian)";
  switch (number) {
    case NumberFormat::Signed:
      return std::to_string(8 * size) + "-bit signed integer" + order;
    case NumberFormat::Unsigned:
      return std::to_string(8 * size) + "-bit unsigned integer" + order;
    case NumberFormat::Float16:
    case NumberFormat::Float32:
    case NumberFormat::Float64:
      return std::to_string(8 * size) + "-bit float" + order;
    case NumberFormat::BFloat16:
      return "bfloat16" + order;
    case NumberFormat::None:
      break;
  }
  if (variable_string) return "variable-length string";
  if (fixed_string) return std::to_string(size) + "-byte string";
  if (!unsupported_why.empty()) return unsupported_why;
  return std::string(class_name(type_class));
}

Datatype parse_datatype(const FileImage& file, std::span<const unsigned char> data, std::uint64_t address) {
  ByteReader r(file, data, address, kDatatypeWhat);
  const unsigned class_and_version = r.u8();
  const unsigned version = class_and_version >> 4;
  const unsigned type_class = class_and_version & 0x0f;
  const unsigned bits = static_cast<unsigned>(r.uint(3));
  Datatype t;
  t.size = r.u32();
  if (version < 1 || version > 5) r.fail("version " + std::to_string(version));
  if (type_class > static_cast<unsigned>(TypeClass::Array)) r.fail("class " + std::to_string(type_class));
  t.type_class = static_cast<TypeClass>(type_class);
  if (t.size == 0) r.fail("elements of 0 bytes");
  switch (t.type_class) {
    case TypeClass::FixedPoint:
      parse_fixed_point(r, bits, t);
      break;
    case TypeClass::FloatingPoint:
      parse_float(r, bits, t);
      break;
    case TypeClass::String:
      t.fixed_string = true;
      t.string_padding = bits & 0x0f;
      break;
    case TypeClass::VariableLength:
      // Type (bits 0-3): 0 a sequence, 1 a string; padding in bits 4-7. Sequences of other things: not read.
      if ((bits & 0x0f) == 1) {
        t.variable_string = true;
        t.string_padding = (bits >> 4) & 0x0f;
      } else {
        t.unsupported_why = "variable-length sequences";
      }
      break;
    default:
      t.unsupported_why = std::string(class_name(t.type_class)) + " elements";
      break;
  }
  return t;
}

}  // namespace inlay::core::hdf5
