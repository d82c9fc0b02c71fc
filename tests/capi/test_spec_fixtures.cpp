// Replays the recorded TensorFlow TypeSpec cases (construction, compatibility, most specific compatible
// type, tf.keras's serialized form) through the C ABI.
#include <gtest/gtest.h>

#include <memory>

#include "fixtures.hpp"
#include "inlay/inlay.h"

namespace inlay_test {
namespace {

using SpecPtr = std::unique_ptr<inlay_spec, decltype(&inlay_spec_free)>;

SpecPtr parse(const json& value, inlay_status* status = nullptr) {
  inlay_spec* spec = nullptr;
  const inlay_status s = inlay_spec_from_json(value.dump().c_str(), &spec);
  if (status != nullptr) *status = s;
  return SpecPtr(spec, inlay_spec_free);
}

json to_json(const inlay_spec* spec) {
  char* text = nullptr;
  EXPECT_EQ(inlay_spec_to_json(spec, &text), INLAY_OK);
  json out = json::parse(text);
  inlay_free(text);
  return out;
}

// Where inlay deliberately differs from TensorFlow (README, "Deviations from Keras"):
//  - TensorShape keeps a Python bool dimension as True; inlay's dims are int64, so True reads as 1.
//  - TensorSpec takes any object as its name; inlay's names are text (inlay_spec_name returns a string).
json with_bool_dims_as_ints(json spec) {
  if (spec.is_object() && spec["shape"].is_array()) {
    for (auto& d : spec["shape"]) {
      if (d.is_boolean()) d = d.get<bool>() ? 1 : 0;
    }
  }
  return spec;
}

bool tf_accepts_non_string_name(const json& c) {
  const json& name = c.at("args").contains("name") ? c["args"]["name"] : json();
  return !name.is_null() && !name.is_string();
}

const json& spec_cases() {
  static const json fixture = load_fixture("spec_cases.json");
  return fixture;
}

TEST(SpecFixtures, ConstructAsTensorFlowDoes) {
  ASSERT_GE(spec_cases().at("construct").size(), 30u);
  for (const auto& c : spec_cases().at("construct")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    inlay_status status = INLAY_OK;
    SpecPtr spec = parse(c.at("args"), &status);
    const json& result = c.at("result");
    if (tf_accepts_non_string_name(c)) {
      EXPECT_EQ(status, INLAY_INVALID_ARGUMENT);
      EXPECT_EQ(inlay_last_error(), "TensorSpec name must be a string or None, got " + c["args"]["name"].dump());
      continue;
    }
    if (result.at("ok").get<bool>()) {
      ASSERT_EQ(status, INLAY_OK) << inlay_last_error();
      const json expected = with_bool_dims_as_ints(result.at("spec"));
      EXPECT_EQ(to_json(spec.get()), expected);
      EXPECT_EQ(inlay_spec_rank(spec.get()), expected.at("shape").is_null() ? -1 : int(expected["shape"].size()));
      EXPECT_STREQ(inlay_dtype_name(inlay_spec_dtype(spec.get())), expected.at("dtype").get<std::string>().c_str());
    } else {
      EXPECT_EQ(status, INLAY_INVALID_ARGUMENT);
      EXPECT_EQ(spec.get(), nullptr);
      EXPECT_EQ(inlay_last_error(), result.at("message").get<std::string>());
    }
  }
}

TEST(SpecFixtures, CompatibilityAndMostSpecificType) {
  ASSERT_GE(spec_cases().at("pairs").size(), 25u);
  for (const auto& c : spec_cases().at("pairs")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    SpecPtr a = parse(c.at("a"));
    SpecPtr b = parse(c.at("b"));
    ASSERT_NE(a.get(), nullptr) << inlay_last_error();
    ASSERT_NE(b.get(), nullptr) << inlay_last_error();
    EXPECT_EQ(inlay_spec_is_compatible_with(a.get(), b.get()) != 0, c.at("compatible").get<bool>());
    inlay_spec* merged = nullptr;
    const inlay_status status = inlay_spec_most_specific_compatible(a.get(), b.get(), &merged);
    SpecPtr owned(merged, inlay_spec_free);
    const json& expected = c.at("most_specific");
    if (expected.at("ok").get<bool>()) {
      ASSERT_EQ(status, INLAY_OK) << inlay_last_error();
      EXPECT_EQ(to_json(merged), expected.at("spec"));
    } else {
      EXPECT_EQ(status, INLAY_INVALID_ARGUMENT);
      EXPECT_EQ(inlay_last_error(), expected.at("message").get<std::string>());
    }
  }
}

TEST(SpecFixtures, ReadsTfKerasSerializedSpecs) {
  int read = 0;
  for (const auto& c : spec_cases().at("keras_serialized")) {
    if (c.at("tf_keras_json").is_null()) continue;  // tf.keras cannot serialize it (e.g. unknown rank)
    SCOPED_TRACE(c.at("id").get<std::string>());
    SpecPtr spec = parse(c.at("tf_keras_json"));
    ASSERT_NE(spec.get(), nullptr) << inlay_last_error();
    EXPECT_EQ(to_json(spec.get()), c.at("spec"));
    ++read;
  }
  EXPECT_GE(read, 3);
}

}  // namespace
}  // namespace inlay_test
