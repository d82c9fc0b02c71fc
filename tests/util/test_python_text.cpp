#include <gtest/gtest.h>

#include <cmath>

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

namespace inlay::core::python {
namespace {

// Expected text printed by CPython 3.11's json.dumps for the same dict (keys in insertion order).
TEST(PythonText, JsonDumpsLikePython) {
  Json value = Json::object();
  value["a"] = Json::array({1, 2.5, nullptr, true, "\xc3\xa9\n\x7f"});
  Json b = Json::object();
  b["c"] = 1e-05;
  b["d"] = 1e16;
  b["e"] = 0.1;
  b["f"] = -0.0;
  b["g"] = 1e15;
  b["h"] = std::nan("");
  b["i"] = "\xf0\x9f\x98\x80";
  value["b"] = b;
  EXPECT_EQ(json_dumps(value),
            R"({"a": [1, 2.5, null, true, "\u00e9\n\u007f"], "b": {"c": 1e-05, "d": 1e+16, "e": 0.1, "f": -0.0, )"
            R"("g": 1000000000000000.0, "h": NaN, "i": "\ud83d\ude00"}})");
  EXPECT_EQ(json_dumps(Json::array()), "[]");
  EXPECT_EQ(json_dumps(Json::object()), "{}");
}

}  // namespace
}  // namespace inlay::core::python
