#include <gtest/gtest.h>

#include "types/shape.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

constexpr int64_t N = kNoneDim;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Shape, UnknownRank) {
  const Shape s;
  EXPECT_FALSE(s.has_rank());
  EXPECT_EQ(s.rank(), -1);
  EXPECT_FALSE(s.is_fully_defined());
  EXPECT_FALSE(s.num_elements().has_value());
  EXPECT_EQ(s.to_tf_string(), "<unknown>");
  EXPECT_EQ(s.to_tf_repr(), "TensorShape(None)");
  EXPECT_TRUE(s.to_json().is_null());
}

TEST(Shape, Texts) {
  EXPECT_EQ(Shape({N, 32}).to_tuple_string(), "(None, 32)");
  EXPECT_EQ(Shape({32}).to_tuple_string(), "(32,)");
  EXPECT_EQ(Shape(std::vector<int64_t>{}).to_tuple_string(), "()");
  EXPECT_EQ(Shape({N, 4}).to_tf_repr(), "TensorShape([None, 4])");
}

TEST(Shape, Compatibility) {
  EXPECT_TRUE(Shape({N, 3}).is_compatible_with(Shape({2, 3})));
  EXPECT_FALSE(Shape({2, 3}).is_compatible_with(Shape({2, 4})));
  EXPECT_FALSE(Shape({2, 3}).is_compatible_with(Shape({2, 3, 1})));
  EXPECT_TRUE(Shape().is_compatible_with(Shape({2, 3, 1})));
}

TEST(Shape, MergeIsTheMostSpecific) {
  EXPECT_EQ(Shape({N, 3}).merge_with(Shape({2, N})), Shape({2, 3}));
  EXPECT_EQ(Shape().merge_with(Shape({5})), Shape({5}));
  EXPECT_EQ(error_of([] { Shape({2, 3}).merge_with(Shape({2, 4})); }), "Shapes (2, 3) and (2, 4) are not compatible");
}

TEST(Shape, MostSpecificCompatibleShapeIsTheCommonSupertype) {
  EXPECT_EQ(Shape({2, 3}).most_specific_compatible_shape(Shape({2, 4})), Shape({2, N}));
  EXPECT_EQ(Shape({2, 3}).most_specific_compatible_shape(Shape({2})), Shape());
}

TEST(Shape, ElementCountDetectsOverflow) {
  EXPECT_EQ(Shape({2, 3, 4}).num_elements(), 24);
  EXPECT_EQ(Shape({0, 1LL << 62}).num_elements(), 0);
  EXPECT_EQ(Shape(std::vector<int64_t>{}).num_elements(), 1);
  EXPECT_FALSE(Shape({N, 3}).num_elements().has_value());
  EXPECT_THROW(Shape({1LL << 32, 1LL << 32}).num_elements(), Error);
  EXPECT_EQ(Shape({1LL << 31, 1LL << 31}).num_elements(), 1LL << 62);
}

TEST(StandardizeShape, KerasMessages) {
  EXPECT_EQ(standardize_shape(Json::parse("[null, 32]")), Shape({N, 32}));
  EXPECT_EQ(standardize_shape(Json::parse("[true]")), Shape({1}));  // int(True) == 1
  EXPECT_EQ(error_of([] { standardize_shape(Json()); }), "Undefined shapes are not supported.");
  EXPECT_EQ(error_of([] { standardize_shape(Json(32)); }), "Cannot convert '32' to a shape.");
  EXPECT_EQ(error_of([] { standardize_shape(Json::parse("[32, -1]")); }),
            "Cannot convert '(32, -1)' to a shape. Negative dimensions are not allowed.");
  EXPECT_EQ(error_of([] { standardize_shape(Json::parse("[3.0]")); }),
            "Cannot convert '(3.0,)' to a shape. Found invalid dimension '3.0' of type '<class 'float'>'. ");
  EXPECT_EQ(error_of([] { standardize_shape(Json::parse("[\"3\"]")); }),
            "Cannot convert '('3',)' to a shape. Found invalid dimension '3' of type '<class 'str'>'. ");
  // A caller's list (Input(shape=[...]) through JSON) is quoted as the list it is.
  const auto as_list = [](const char* text) { standardize_shape(Json::parse(text), python::Sequence::List); };
  EXPECT_EQ(error_of([&] { as_list("[32, -1]"); }),
            "Cannot convert '[32, -1]' to a shape. Negative dimensions are not allowed.");
  EXPECT_EQ(error_of([&] { as_list("[null, [3]]"); }),
            "Cannot convert '[None, [3]]' to a shape. Found invalid dimension '[3]' of type '<class 'list'>'. ");
  EXPECT_EQ(error_of([&] { as_list("[[1, -1]]"); }),
            "Cannot convert '[[1, -1]]' to a shape. Found invalid dimension '[1, -1]' of type '<class 'list'>'. ");
}

}  // namespace
}  // namespace inlay::core
