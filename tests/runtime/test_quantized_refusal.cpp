// Configs of models quantized by Keras, through inlay_model_from_json:
//   - model.quantize("int8" / "int4" / "float8") configs (a QuantizedDTypePolicy / Int4DTypePolicy /
//     QuantizedFloat8DTypePolicy and a "quantization_config" on Dense, EinsumDense and Embedding;
//     tests/fixtures/predict/ops_linalg.json's "quantized", written by tools/fixtures/gen_ops_linalg_fixtures.py)
//     load and give back Keras's config from inlay_model_to_json (their predictions are checked on real
//     .keras files by test_quantized_models.cpp);
//   - GPTQ and AWQ policies (tests/fixtures/quantized/cases.json's "unsupported_policies", Keras's to_json of a
//     Dense / EinsumDense built with a GPTQDTypePolicy / AWQDTypePolicy, by gen_quantized_fixtures.py) are
//     refused with INLAY_UNSUPPORTED and a message naming the layer class and the policy.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using json = nlohmann::json;

const json& quantized() {
  static const json data = [] {
    std::ifstream in(std::filesystem::path(INLAY_FIXTURES_DIR) / "predict" / "ops_linalg.json");
    return json::parse(in).at("quantized");
  }();
  return data;
}

const json& unsupported_policies() {
  static const json data = [] {
    std::ifstream in(std::filesystem::path(INLAY_FIXTURES_DIR) / "quantized" / "cases.json");
    return json::parse(in).at("unsupported_policies");
  }();
  return data;
}

std::vector<std::size_t> indices(const json& list) {
  std::vector<std::size_t> out(list.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

class QuantizedConfig : public testing::TestWithParam<std::size_t> {};

TEST_P(QuantizedConfig, LoadsAndRoundTrips) {
  const json& q = quantized().at(GetParam());
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_from_json(q.at("model").dump().c_str(), &raw), INLAY_OK) << inlay_last_error();
  inlay_test::ModelPtr model(raw);
  char* text = nullptr;
  ASSERT_EQ(inlay_model_to_json(model.get(), &text), INLAY_OK) << inlay_last_error();
  const json back = json::parse(text);
  inlay_free(text);
  EXPECT_EQ(back, q.at("model")) << back.dump();
}

INSTANTIATE_TEST_SUITE_P(Keras, QuantizedConfig, testing::ValuesIn(indices(quantized())),
                         [](const testing::TestParamInfo<std::size_t>& p) {
                           return quantized().at(p.param).at("name").get<std::string>();
                         });

class UnsupportedQuantization : public testing::TestWithParam<std::size_t> {};

TEST_P(UnsupportedQuantization, RefusedNamingTheLayerAndPolicy) {
  const json& q = unsupported_policies().at(GetParam());
  inlay_model* raw = nullptr;
  EXPECT_EQ(inlay_model_from_json(q.at("model").dump().c_str(), &raw), INLAY_UNSUPPORTED) << inlay_last_error();
  inlay_test::ModelPtr model(raw);
  EXPECT_EQ(model, nullptr);
  const std::string message = inlay_last_error();
  const std::string what = "quantized " + q.at("class_name").get<std::string>() + " (dtype policy '" +
                           q.at("policy").get<std::string>() + "'";
  EXPECT_NE(message.find(what), std::string::npos) << message;
  EXPECT_NE(message.find("is not supported"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Keras, UnsupportedQuantization, testing::ValuesIn(indices(unsupported_policies())),
                         [](const testing::TestParamInfo<std::size_t>& p) {
                           return unsupported_policies().at(p.param).at("name").get<std::string>();
                         });

}  // namespace
