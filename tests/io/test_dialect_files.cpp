// Each producer's model file means what its library computes (issue 18): the same LSTM -> Dense ->
// Activation model with hard_sigmoid saved by tf.keras 2 (.h5, keras_version 2.x), converted to TensorFlow.js
// (model.json) and saved by Keras 3 as legacy .h5 (keras_version 3.x), each loaded with inlay_model_load and
// run against its own library's numbers (tests/fixtures/dialects/files.json, written by
// tools/fixtures/gen_dialect_fixtures.py). The loaded model still writes the name its file used.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using inlay_test::ArrayPtr;
using inlay_test::ModelPtr;
using json = nlohmann::json;
namespace fs = std::filesystem;

const fs::path kFixtures = INLAY_FIXTURES_DIR;

const json& files() {
  static const json data = [] {
    std::ifstream in(kFixtures / "dialects" / "files.json");
    return json::parse(in);
  }();
  return data;
}

class DialectFile : public testing::TestWithParam<std::size_t> {};

TEST_P(DialectFile, ComputesWhatItsLibraryComputes) {
  const json& entry = files().at("files").at(GetParam());
  SCOPED_TRACE(entry.at("file").get<std::string>());
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_load((kFixtures / entry.at("file").get<std::string>()).c_str(), &raw), INLAY_OK)
      << inlay_last_error();
  ModelPtr model(raw);

  const json& spec = entry.at("inputs").at(0);
  std::vector<float> values = spec.at("values").get<std::vector<float>>();
  const std::vector<int64_t> dims = spec.at("shape").get<std::vector<int64_t>>();
  inlay_array* in_raw = nullptr;
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), static_cast<int>(dims.size()), values.data(), &in_raw),
            INLAY_OK)
      << inlay_last_error();
  ArrayPtr input(in_raw);
  const inlay_array* inputs[] = {input.get()};
  inlay_array* out_raw = nullptr;
  ASSERT_EQ(inlay_model_predict(model.get(), inputs, 1, &out_raw, 1), INLAY_OK) << inlay_last_error();
  ArrayPtr output(out_raw);

  const json& want = entry.at("outputs").at(0);
  const std::vector<float> expected = want.at("values").get<std::vector<float>>();
  ASSERT_EQ(inlay_array_element_count(output.get()), expected.size());
  const auto* got = static_cast<const float*>(inlay_array_data(output.get()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_LE(std::fabs(got[i] - expected[i]), 1e-5 + 1e-5 * std::fabs(expected[i])) << "element " << i;
  }

  char* text = nullptr;
  ASSERT_EQ(inlay_model_to_json(model.get(), &text), INLAY_OK) << inlay_last_error();
  const std::string config = text;
  inlay_free(text);
  for (const json& name : entry.at("activations")) {
    EXPECT_NE(config.find("\"" + name.get<std::string>() + "\""), std::string::npos) << name;
  }
}

std::vector<std::size_t> indices() {
  std::vector<std::size_t> out(files().at("files").size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

INSTANTIATE_TEST_SUITE_P(Producers, DialectFile, testing::ValuesIn(indices()));

// The three files hold the same weights; tf.keras's and Keras 3's hard_sigmoid differ, so their outputs must.
TEST(DialectFiles, LibrariesDisagree) {
  const json& all = files().at("files");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_NE(all.at(0).at("outputs"), all.at(2).at("outputs"));
}

}  // namespace
