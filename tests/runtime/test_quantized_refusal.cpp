// Models quantized by Keras (model.quantize("int8"): a QuantizedDTypePolicy and a "quantization_config" on the
// layer) are refused with INLAY_UNSUPPORTED and a message naming what is not supported, not with the generic
// dtype error the layer's reader would otherwise give (tests/fixtures/predict/ops_linalg.json's "quantized",
// written by tools/fixtures/gen_ops_linalg_fixtures.py from the real Keras).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

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

std::vector<std::size_t> indices() {
  std::vector<std::size_t> out(quantized().size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

class QuantizedModel : public testing::TestWithParam<std::size_t> {};

TEST_P(QuantizedModel, RefusedAsUnsupported) {
  const json& q = quantized().at(GetParam());
  inlay_model* raw = nullptr;
  EXPECT_EQ(inlay_model_from_json(q.at("model").dump().c_str(), &raw), INLAY_UNSUPPORTED) << inlay_last_error();
  inlay_test::ModelPtr model(raw);
  const std::string message = inlay_last_error();
  const std::string what = "quantized " + q.at("class_name").get<std::string>() + " (dtype policy";
  EXPECT_NE(message.find(what), std::string::npos) << message;
  EXPECT_NE(message.find("is not supported yet"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Keras, QuantizedModel, testing::ValuesIn(indices()),
                         [](const testing::TestParamInfo<std::size_t>& p) {
                           return quantized().at(p.param).at("name").get<std::string>();
                         });

}  // namespace
