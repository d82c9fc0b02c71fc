#include <gtest/gtest.h>

#include "types/dtype.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

TEST(DType, CanonicalNamesRoundTrip) {
  for (int v = static_cast<int>(DType::Float32); v <= static_cast<int>(DType::Complex128); ++v) {
    const auto dtype = static_cast<DType>(v);
    const auto name = std::string(dtype_name(dtype));
    EXPECT_EQ(standardize_dtype(Json(name)), dtype) << name;
  }
}

TEST(DType, KerasDefaultAndAliases) {
  EXPECT_EQ(standardize_dtype(Json()), DType::Float32);             // None -> floatx()
  EXPECT_EQ(standardize_dtype(Json("int")), DType::Int64);          // PYTHON_DTYPES_MAP, TF backend
  EXPECT_THROW(standardize_dtype(Json("float")), Error);            // not in Keras 3's map
  EXPECT_THROW(standardize_dtype(Json("Float32")), Error);          // names are case-sensitive
}

TEST(DType, KerasErrorText) {
  try {
    standardize_dtype(Json("foo"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::InvalidArgument);
    EXPECT_STREQ(e.what(), "Invalid dtype: foo");
  }
  try {
    standardize_dtype(Json(5));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Invalid dtype: 5");
  }
}

TEST(DType, Sizes) {
  EXPECT_EQ(dtype_size(DType::Float32), 4u);
  EXPECT_EQ(dtype_size(DType::BFloat16), 2u);
  EXPECT_EQ(dtype_size(DType::Complex128), 16u);
  EXPECT_EQ(dtype_size(DType::String), 0u);
}

TEST(DType, TensorFlowAliases) {
  EXPECT_EQ(tf_as_dtype(Json("float")), DType::Float32);
  EXPECT_EQ(tf_as_dtype(Json("double")), DType::Float64);
  EXPECT_EQ(tf_as_dtype(Json("half")), DType::Float16);
  EXPECT_THROW(tf_as_dtype(Json("foo")), Error);
  EXPECT_EQ(tf_dtype_repr(DType::Int64), "tf.int64");
}

}  // namespace
}  // namespace inlay::core
