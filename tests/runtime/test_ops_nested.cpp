// Op-layers, application layers, nested models and wrappers against Keras (tests/fixtures/predict/ops_nested.json
// and sequence_wrappers_ops.json, written by tools/fixtures/gen_ops_nested_fixtures.py and
// gen_sequence_wrappers_ops_fixtures.py; test_predict_fixtures.cpp runs their "cases"):
//   - every case's model JSON reads back from inlay_model_to_json exactly as Keras wrote it (op-layers with
//     their constant arguments, nested models with their own serialization), with Keras's weight paths;
//   - inlay_model_summary prints what Keras's model.summary() printed for the same JSON;
//   - configs Keras refuses are refused with Keras's message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using json = nlohmann::json;
using inlay_test::ModelPtr;

// The predict families whose files also hold "summaries" and "errors", read as one.
const json& fixture() {
  static const json data = [] {
    json all = {{"cases", json::array()}, {"summaries", json::array()}, {"errors", json::array()}};
    for (const char* family : {"ops_nested.json", "sequence_wrappers_ops.json", "ops_linalg.json"}) {
      std::ifstream in(std::filesystem::path(INLAY_FIXTURES_DIR) / "predict" / family);
      const json one = json::parse(in);
      for (const char* key : {"cases", "summaries", "errors"}) {
        for (const json& item : one.at(key)) all[key].push_back(item);
      }
    }
    return all;
  }();
  return data;
}

std::vector<std::size_t> indices(const char* key) {
  std::vector<std::size_t> out(fixture().at(key).size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

std::string name_of(const char* key, std::size_t i) { return fixture().at(key).at(i).at("name").get<std::string>(); }
std::string case_name(const testing::TestParamInfo<std::size_t>& p) { return name_of("cases", p.param); }
std::string summary_name(const testing::TestParamInfo<std::size_t>& p) { return name_of("summaries", p.param); }
std::string error_name(const testing::TestParamInfo<std::size_t>& p) { return name_of("errors", p.param); }

ModelPtr load(const json& model) {
  inlay_model* raw = nullptr;
  EXPECT_EQ(inlay_model_from_json(model.dump().c_str(), &raw), INLAY_OK) << inlay_last_error();
  return ModelPtr(raw);
}

class OpsNestedJson : public testing::TestWithParam<std::size_t> {};

TEST_P(OpsNestedJson, RoundTripsAndHasKerasWeightPaths) {
  const json& c = fixture().at("cases").at(GetParam());
  ModelPtr model = load(c.at("model"));
  ASSERT_NE(model, nullptr);
  char* text = nullptr;
  ASSERT_EQ(inlay_model_to_json(model.get(), &text), INLAY_OK) << inlay_last_error();
  const json back = json::parse(text);
  inlay_free(text);
  EXPECT_EQ(back, c.at("model")) << back.dump();
  const json& paths = c.at("weight_paths");
  ASSERT_EQ(inlay_model_weight_count(model.get()), paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const char* path = nullptr;
    ASSERT_EQ(inlay_model_weight_info(model.get(), i, &path, nullptr, nullptr), INLAY_OK);
    EXPECT_EQ(std::string(path), paths[i].get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(Keras, OpsNestedJson, testing::ValuesIn(indices("cases")), case_name);

class OpsNestedSummary : public testing::TestWithParam<std::size_t> {};

TEST_P(OpsNestedSummary, MatchesKeras) {
  const json& s = fixture().at("summaries").at(GetParam());
  const std::string name = s.at("name");
  const json* model_json = nullptr;
  for (const json& c : fixture().at("cases")) {
    if (c.at("name") == name) model_json = &c.at("model");
  }
  ASSERT_NE(model_json, nullptr);
  ModelPtr model = load(*model_json);
  ASSERT_NE(model, nullptr);
  char* text = nullptr;
  ASSERT_EQ(inlay_model_summary(model.get(), &text), INLAY_OK) << inlay_last_error();
  const std::string got = text;
  inlay_free(text);
  // The generator's print_fn writes the text it is given and a "\n".
  EXPECT_EQ(got + "\n", s.at("summary").get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(Keras, OpsNestedSummary, testing::ValuesIn(indices("summaries")), summary_name);

class OpsNestedError : public testing::TestWithParam<std::size_t> {};

// Keras's message for a config its deserialization refuses. Where Keras chains its wrappers ("could not be
// deserialized properly ... Exception encountered: <the cause>"), inlay gives the cause: Keras's message ends
// with inlay's. The fixture has Keras's terminal colour codes removed; so has inlay's message here.
TEST_P(OpsNestedError, RefusedWithKerasMessage) {
  const json& e = fixture().at("errors").at(GetParam());
  inlay_model* raw = nullptr;
  EXPECT_NE(inlay_model_from_json(e.at("model").dump().c_str(), &raw), INLAY_OK);
  ModelPtr model(raw);
  const std::string got = std::regex_replace(std::string(inlay_last_error()), std::regex("\x1b\\[[0-9;]*m"), "");
  const std::string want = e.at("message");
  ASSERT_GT(got.size(), 40u) << got;
  ASSERT_GE(want.size(), got.size()) << got;
  EXPECT_EQ(want.substr(want.size() - got.size()), got);
}

INSTANTIATE_TEST_SUITE_P(Keras, OpsNestedError, testing::ValuesIn(indices("errors")), error_name);

}  // namespace
