// Keras dtypes: the names keras.backend.standardize_dtype accepts (TensorFlow backend) and their sizes.
#pragma once

#include <cstddef>
#include "util/json.hpp"
#include <optional>
#include <string>
#include <string_view>

namespace inlay::core {

// Same numeric values as inlay_dtype in include/inlay/inlay.h (checked in capi/).
enum class DType {
  Float32 = 1,
  Float64,
  Float16,
  BFloat16,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Bool,
  String,
  Float8E4M3FN,
  Float8E5M2,
  Complex64,
  Complex128,
};

inline constexpr DType kFloatX = DType::Float32;  // keras.config.floatx()

// The canonical Keras name ("float32"), or nullopt-like "unknown" for values outside the enum.
std::string_view dtype_name(DType t);

// TensorFlow's repr of a dtype ("tf.float32"), as it appears in TypeSpec reprs.
std::string tf_dtype_repr(DType t);

// Bytes per element; 0 for String.
std::size_t dtype_size(DType t);

bool is_valid_dtype(int value);

// The floating dtypes (float16/32/64, bfloat16, float8): the ones Keras autocasts to a layer's compute dtype.
bool is_floating(DType t);

// An exact canonical name, or one of the aliases Keras maps ("int" -> int64 with the TensorFlow backend).
std::optional<DType> dtype_from_name(std::string_view name);

// keras.backend.standardize_dtype on a JSON value: null -> floatx, a known name -> that dtype, anything
// else -> ValueError "Invalid dtype: ..." (TypeError "unhashable type: ..." for lists and dicts).
DType standardize_dtype(const Json& value);

// tf.as_dtype on a JSON value, as TypeSpec constructors use it: TensorFlow's names and its aliases
// ("float" -> float32, "double" -> float64, "half" -> float16, ...).
DType tf_as_dtype(const Json& value);

}  // namespace inlay::core
