#include <gtest/gtest.h>

#include "util/python_text.hpp"

namespace inlay::core::python {
namespace {

TEST(PythonText, Repr) {
  EXPECT_EQ(repr(Json()), "None");
  EXPECT_EQ(repr(Json(true)), "True");
  EXPECT_EQ(repr(Json(3.0)), "3.0");
  EXPECT_EQ(repr(Json(0.1)), "0.1");
  EXPECT_EQ(repr(Json(1e20)), "1e+20");
  EXPECT_EQ(repr(Json(2.5e-7)), "2.5e-07");
  EXPECT_EQ(repr(Json("it's")), "\"it's\"");
  EXPECT_EQ(repr(Json("abc")), "'abc'");
  EXPECT_EQ(repr(Json::parse("[1, null]"), Sequence::Tuple), "(1, None)");
  EXPECT_EQ(repr(Json::parse("[1]"), Sequence::Tuple), "(1,)");
  EXPECT_EQ(repr(Json::parse("[[1], \"a\"]"), Sequence::Tuple), "([1], 'a')");
  EXPECT_EQ(repr(Json::parse("{\"a\": 1}")), "{'a': 1}");
}

TEST(PythonText, StrAndTypes) {
  EXPECT_EQ(str(Json("abc")), "abc");
  EXPECT_EQ(type_name(Json(1)), "<class 'int'>");
  EXPECT_EQ(type_name(Json(1.5)), "<class 'float'>");
  EXPECT_EQ(type_name(Json::array(), Sequence::Tuple), "<class 'tuple'>");
  EXPECT_EQ(type_name(Json()), "<class 'NoneType'>");
}

TEST(PythonText, TruthinessAndEquality) {
  EXPECT_FALSE(truthy(Json(0)));
  EXPECT_FALSE(truthy(Json("")));
  EXPECT_TRUE(truthy(Json("no")));
  EXPECT_TRUE(equals_dim(Json(8.0), 8));
  EXPECT_TRUE(equals_dim(Json(), -1));
  EXPECT_FALSE(equals_dim(Json(8), -1));
  EXPECT_TRUE(equals_bool(Json(1), true));
  EXPECT_FALSE(equals_bool(Json("yes"), true));
}

}  // namespace
}  // namespace inlay::core::python
