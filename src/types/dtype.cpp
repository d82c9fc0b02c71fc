#include "types/dtype.hpp"

#include <array>
#include <utility>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DTypeInfo, 18> kDTypes{{
    {DType::Float32, "float32", 4},
    {DType::Float64, "float64", 8},
    {DType::Float16, "float16", 2},
    {DType::BFloat16, "bfloat16", 2},
    {DType::Int8, "int8", 1},
    {DType::Int16, "int16", 2},
    {DType::Int32, "int32", 4},
    {DType::Int64, "int64", 8},
    {DType::UInt8, "uint8", 1},
    {DType::UInt16, "uint16", 2},
    {DType::UInt32, "uint32", 4},
    {DType::UInt64, "uint64", 8},
    {DType::Bool, "bool", 1},
    {DType::String, "string", 0},
    {DType::Float8E4M3FN, "float8_e4m3fn", 1},
    {DType::Float8E5M2, "float8_e5m2", 1},
    {DType::Complex64, "complex64", 8},
    {DType::Complex128, "complex128", 16},
}};

const DTypeInfo* find(DType t) {
  for (const auto& info : kDTypes) {
    if (info.dtype == t) return &info;
  }
  return nullptr;
}

// keras/src/backend/common/dtypes.py PYTHON_DTYPES_MAP: the one string key it has.
constexpr std::pair<std::string_view, DType> kKerasAliases[] = {{"int", DType::Int64}};

// tensorflow/python/framework/dtypes.py _STRING_TO_TF plus "string" (tf.string's name).
constexpr std::pair<std::string_view, DType> kTensorFlowAliases[] = {
    {"half", DType::Float16}, {"float", DType::Float32}, {"double", DType::Float64},
    {"cfloat", DType::Complex64}, {"cdouble", DType::Complex128},
};

}  // namespace

std::string_view dtype_name(DType t) {
  const DTypeInfo* info = find(t);
  return info != nullptr ? info->name : std::string_view("unknown");
}

std::string tf_dtype_repr(DType t) { return "tf." + std::string(dtype_name(t)); }

std::size_t dtype_size(DType t) {
  const DTypeInfo* info = find(t);
  return info != nullptr ? info->size : 0;
}

bool is_valid_dtype(int value) {
  return value >= static_cast<int>(DType::Float32) && value <= static_cast<int>(DType::Complex128);
}

bool is_floating(DType t) {
  return t == DType::Float32 || t == DType::Float64 || t == DType::Float16 || t == DType::BFloat16 ||
         t == DType::Float8E4M3FN || t == DType::Float8E5M2;
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name) return info.dtype;
  }
  for (const auto& [alias, dtype] : kKerasAliases) {
    if (alias == name) return dtype;
  }
  return std::nullopt;
}

DType standardize_dtype(const Json& value) {
  if (value.is_null()) return kFloatX;
  if (value.is_array() || value.is_object()) {
    // PYTHON_DTYPES_MAP.get(dtype) hashes the value first.
    throw_invalid("unhashable type: '" + std::string(value.is_array() ? "list" : "dict") + "'");
  }
  if (value.is_string()) {
    if (auto dtype = dtype_from_name(value.get<std::string>())) return *dtype;
  }
  throw_invalid("Invalid dtype: " + python::str_prefix(value, kMaxQuotedBytes));
}

DType tf_as_dtype(const Json& value) {
  if (value.is_string()) {
    const std::string name = value.get<std::string>();
    for (const auto& info : kDTypes) {
      if (info.name == name) return info.dtype;
    }
    for (const auto& [alias, dtype] : kTensorFlowAliases) {
      if (alias == name) return dtype;
    }
  }
  throw_invalid("Cannot convert the argument `type_value`: " + python::repr_prefix(value, kMaxQuotedBytes) +
                " to a TensorFlow DType.");
}

}  // namespace inlay::core
