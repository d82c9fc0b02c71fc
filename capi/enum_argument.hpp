// Enum parameters of the C ABI, read as the int a C caller passed.
#pragma once

#include <cstring>
#include <type_traits>

namespace inlay::capi {

// C lets a caller pass any int for an enum parameter (inlay_dtype_name((inlay_dtype)99)), and the C ABI
// answers such values with INLAY_INVALID_ARGUMENT, "unknown" or 0. In C++ an enum without a fixed
// underlying type only holds the values of its enumerators' bit width (0..31 for inlay_dtype, 0..1 for
// inlay_precision): reading the parameter as the enum (a comparison, a switch, passing it on) when it holds
// another value is undefined behaviour, which UBSan reports ("load of value 99, which is not a valid value
// for type 'inlay_dtype'"). Its bytes are read as an int instead, once, before anything else uses it.
template <typename Enum>
int enum_argument(const Enum& value) noexcept {
  static_assert(std::is_enum_v<Enum> && sizeof(Enum) == sizeof(int), "a C enum has the size of an int");
  int raw;
  std::memcpy(&raw, &value, sizeof raw);
  return raw;
}

}  // namespace inlay::capi
