// TypeSpec against TensorFlow itself: tests/fixtures/spec_cases.json holds what TF 2.x constructed,
// printed (repr) and raised for each case.
#include <gtest/gtest.h>

#include <fstream>

#include "types/type_spec.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

const Json& fixture() {
  static const Json data = [] {
    std::ifstream in(std::string(INLAY_FIXTURES_DIR) + "/spec_cases.json");
    return Json::parse(in);
  }();
  return data;
}

Shape shape_of(const Json& dims) { return Shape::tf_from_json(dims); }

TEST(TypeSpecFixtures, ReprMatchesTensorFlow) {
  int checked = 0;
  for (const auto& c : fixture().at("construct")) {
    // Not comparable by design (see tests/capi/test_spec_fixtures.cpp): bool dims, non-string names.
    const std::string id = c.at("id");
    if (!c.at("result").at("ok").get<bool>() || id == "tensor_dim_bool" || id == "tensor_name_non_string") continue;
    SCOPED_TRACE(c.at("id").get<std::string>());
    const TypeSpec spec = TypeSpec::from_json(c.at("args"));
    EXPECT_EQ(spec.repr(), c["result"]["repr"].get<std::string>());
    EXPECT_EQ(TypeSpec::from_json(spec.to_json()), spec);  // JSON round trip is exact
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(TypeSpecFixtures, PairReprsMatchTensorFlow) {
  for (const auto& c : fixture().at("pairs")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    EXPECT_EQ(TypeSpec::from_json(c.at("a")).repr(), c.at("a_repr").get<std::string>());
    EXPECT_EQ(TypeSpec::from_json(c.at("b")).repr(), c.at("b_repr").get<std::string>());
  }
}

TEST(ShapeFixtures, MergeAndCompatibilityMatchTensorFlow) {
  ASSERT_GE(fixture().at("shape_merge").size(), 15u);
  for (const auto& c : fixture().at("shape_merge")) {
    SCOPED_TRACE(c.dump());
    const Shape a = shape_of(c.at("a"));
    const Shape b = shape_of(c.at("b"));
    EXPECT_EQ(a.is_compatible_with(b), c.at("is_compatible_with").get<bool>());
    EXPECT_EQ(a.most_specific_compatible_shape(b).to_json(), c.at("most_specific_compatible_shape"));
    const Json& merge = c.at("merge_with");
    if (merge.at("ok").get<bool>()) {
      EXPECT_EQ(a.merge_with(b).to_json(), merge.at("dims"));
    } else {
      try {
        a.merge_with(b);
        ADD_FAILURE() << "merge_with should fail";
      } catch (const Error& e) {
        EXPECT_EQ(e.what(), merge.at("message").get<std::string>());
      }
    }
  }
}

TEST(TypeSpec, RaggedDefaultsAndValidation) {
  const TypeSpec r = TypeSpec::ragged(Shape({kNoneDim, kNoneDim, 8}), DType::Float32, std::nullopt);
  EXPECT_EQ(r.ragged_rank(), 2);  // rank - 1
  EXPECT_EQ(r.row_splits_dtype(), DType::Int64);
  EXPECT_THROW(TypeSpec::ragged(Shape(), DType::Float32, std::nullopt), Error);  // needs a rank or ragged_rank
  EXPECT_THROW(TypeSpec::ragged(Shape({3}), std::nullopt, 0), Error);            // needs a dtype
}

TEST(TypeSpec, KerasSerializedConfigForm) {
  const TypeSpec s = TypeSpec::from_json(
      Json::parse(R"({"class_name":"RaggedTensorSpec","config":{"shape":[null,null],"dtype":"int32"}})"));
  EXPECT_EQ(s.kind(), SpecKind::Ragged);
  EXPECT_EQ(s.ragged_rank(), 1);
  EXPECT_EQ(s.dtype(), DType::Int32);
}

}  // namespace
}  // namespace inlay::core
