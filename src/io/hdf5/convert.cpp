#include "io/hdf5/convert.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace inlay::core::hdf5 {
namespace {

// The element's bytes as an unsigned integer of its size, in the host's order.
std::uint64_t load(const unsigned char* p, std::uint64_t size, bool big_endian) {
  std::uint64_t v = 0;
  for (std::uint64_t i = 0; i < size; ++i) {
    const unsigned shift = static_cast<unsigned>(8 * (big_endian ? size - 1 - i : i));
    v |= std::uint64_t{p[i]} << shift;
  }
  return v;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h >> 15) << 31;
  const std::uint32_t exponent = (h >> 10) & 0x1f;
  const std::uint32_t mantissa = h & 0x3ff;
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));  // inf, NaN
  if (exponent != 0) return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
  // Zero and subnormals: mantissa * 2^-24, exact in float.
  const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  return sign != 0 ? -magnitude : magnitude;
}

template <typename T>
double as_double(const Datatype& type, const unsigned char* src) {
  const std::uint64_t bits = load(src, type.size, type.big_endian);
  switch (type.number) {
    case NumberFormat::Signed: {
      // Sign-extend from the element's width.
      const unsigned width = static_cast<unsigned>(8 * type.size);
      const std::uint64_t sign_bit = std::uint64_t{1} << (width - 1);
      const std::int64_t v = width == 64 ? static_cast<std::int64_t>(bits)
                                         : static_cast<std::int64_t>((bits ^ sign_bit)) - static_cast<std::int64_t>(sign_bit);
      return static_cast<T>(v);
    }
    case NumberFormat::Unsigned:
      return static_cast<T>(bits);
    case NumberFormat::Float16:
      return half_to_float(static_cast<std::uint16_t>(bits));
    case NumberFormat::BFloat16:
      return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
    case NumberFormat::Float32:
      return static_cast<T>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
    case NumberFormat::Float64:
      return static_cast<T>(std::bit_cast<double>(bits));
    case NumberFormat::None:
      break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

void convert_to_float(const Datatype& type, const unsigned char* src, std::uint64_t count, float* out) {
  // The common case, little-endian float32 on a little-endian machine: the bytes are the floats.
  if (type.number == NumberFormat::Float32 && !type.big_endian && std::endian::native == std::endian::little) {
    std::memcpy(out, src, static_cast<std::size_t>(count * 4));
    return;
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    out[i] = static_cast<float>(as_double<float>(type, src + i * type.size));
  }
}

double element_to_double(const Datatype& type, const unsigned char* src) { return as_double<double>(type, src); }

}  // namespace inlay::core::hdf5
