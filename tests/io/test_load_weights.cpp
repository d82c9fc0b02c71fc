// inlay_model_load_weights (Keras's model.load_weights) on the weights files of tests/fixtures/load_weights/
// (tools/fixtures/gen_load_weights_fixtures.py): a Dense + BatchNormalization + Dense model read from Keras 3's and
// tf_keras's to_json(), given the weights each writer's model.save_weights wrote, must predict what Keras predicted
// with them, one weight set after another (the compiled plans are dropped); and every file Keras refuses (another
// model's, another shape's, truncated, not HDF5), a missing path and a directory must fail with a status and a
// message naming what was wrong, leaving every weight as it was (all or nothing). Through the C ABI only.
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

namespace fs = std::filesystem;
using json = nlohmann::json;
using inlay_test::ArrayPtr;
using inlay_test::ModelPtr;
using inlay_test::all_weights;

const fs::path kDir = fs::path(INLAY_FIXTURES_DIR) / "load_weights";

const json& expected() {
  static const json data = [] {
    std::ifstream in(kDir / "expected.json");
    return json::parse(in);
  }();
  return data;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The writer's base model ("keras3" or "tf_keras") from its to_json().
ModelPtr model_from(const std::string& writer) {
  inlay_model* m = nullptr;
  const inlay_status s = inlay_model_from_json(read_text(kDir / (writer + ".json")).c_str(), &m);
  EXPECT_EQ(s, INLAY_OK) << inlay_last_error();
  return ModelPtr(m);
}

inlay_status load_weights(inlay_model* m, const fs::path& file) {
  return inlay_model_load_weights(m, file.string().c_str());
}

// The model's outputs on expected.json's inputs are Keras's outputs[key], within float32 rounding.
void expect_predicts(inlay_model* m, const std::string& key) {
  SCOPED_TRACE("outputs " + key);
  const json& in = expected().at("inputs");
  const json& want = expected().at("outputs").at(key);
  std::vector<float> x = in.at("values").get<std::vector<float>>();
  const std::vector<int64_t> dims = in.at("shape").get<std::vector<int64_t>>();
  inlay_array* input = nullptr;
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), static_cast<int>(dims.size()), x.data(), &input), INLAY_OK);
  const ArrayPtr input_owner(input);
  const inlay_array* inputs[] = {input};
  inlay_array* out = nullptr;
  ASSERT_EQ(inlay_model_predict(m, inputs, 1, &out, 1), INLAY_OK) << inlay_last_error();
  const ArrayPtr got(out);
  const std::vector<double> w = want.at("values").get<std::vector<double>>();
  ASSERT_EQ(inlay_array_element_count(got.get()), w.size());
  const auto* g = static_cast<const float*>(inlay_array_data(got.get()));
  for (size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(g[i], w[i], 1e-5 + 1e-5 * std::fabs(w[i])) << "output[" << i << "]";
}

// load_weights(file) fails with `status`, a message holding every one of `parts`, and no weight changed.
void expect_refused(inlay_model* m, const fs::path& file, inlay_status status, const std::vector<std::string>& parts) {
  SCOPED_TRACE(file.string());
  const std::vector<std::vector<float>> before = all_weights(m);
  const inlay_status s = load_weights(m, file);
  const std::string message = inlay_last_error();
  EXPECT_EQ(s, status) << inlay_status_name(s) << ": " << message;
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << part << " in: " << message;
  EXPECT_EQ(all_weights(m), before) << "a refused load_weights changed weights";
}

class LoadWeights : public testing::TestWithParam<std::string> {
 protected:
  // The writer's weights file of `tag` (a, b, other_model, ...).
  static fs::path file(const std::string& tag) {
    return kDir / (GetParam() + "_" + tag + (GetParam() == "keras3" ? ".weights.h5" : ".h5"));
  }
};

// Weights A, then B, then A again: each predict gives Keras's outputs for the weights last loaded, so the plan
// compiled by the first predict was dropped.
TEST_P(LoadWeights, EachWeightSetPredictsAsKeras) {
  const ModelPtr m = model_from(GetParam());
  for (const char* tag : {"a", "b", "a"}) {
    ASSERT_EQ(load_weights(m.get(), file(tag)), INLAY_OK) << inlay_last_error();
    expect_predicts(m.get(), GetParam() + "_" + tag);
  }
}

// The weights file of a model without layer 'bn'. Keras 3: "Layer 'bn' expected 4 variables, but received 0
// variables during loading"; tf_keras: "Layer count mismatch when loading weights from file. Model expected 3
// layers, found 2 saved layers." (expected.json keras_errors). inlay's message names the layer.
TEST_P(LoadWeights, AnotherModelsFileIsRefusedNamingTheLayer) {
  const ModelPtr m = model_from(GetParam());
  ASSERT_EQ(load_weights(m.get(), file("a")), INLAY_OK) << inlay_last_error();
  expect_refused(m.get(), file("other_model"), INLAY_PARSE_ERROR, {"'bn'"});
  expect_predicts(m.get(), GetParam() + "_a");
}

// 'd2' of 4 units: kernel (3, 4) where the model has (3, 2), after d1 and bn, which fit (and differ from the
// model's). Keras 3: "... variable.shape=(3, 2), Received: value.shape=(3, 4)"; tf_keras: "Cannot assign value to
// variable ' d2/kernel:0': Shape mismatch.The variable shape (3, 2), and the assigned value shape (3, 4) are
// incompatible."
TEST_P(LoadWeights, AWeightOfAnotherShapeIsRefusedNamingIt) {
  const ModelPtr m = model_from(GetParam());
  ASSERT_EQ(load_weights(m.get(), file("b")), INLAY_OK) << inlay_last_error();
  expect_refused(m.get(), file("other_shape"), INLAY_SHAPE_MISMATCH, {"'d2/kernel'", "(3, 2)", "(3, 4)"});
  expect_predicts(m.get(), GetParam() + "_b");
}

// The same layers under other names (first, norm, last): Keras loads it (Keras 3's weights files are keyed by
// layer class and position; HDF5 weights files are read by layer order, load_weights(by_name=False)).
TEST_P(LoadWeights, RenamedLayersLoadAsKeras) {
  const std::string& writer = GetParam();
  ASSERT_EQ(expected().at("keras_errors").at(file("renamed").filename().string()), "no error");
  const ModelPtr m = model_from(writer);
  ASSERT_EQ(load_weights(m.get(), file("renamed")), INLAY_OK) << inlay_last_error();
  expect_predicts(m.get(), writer + "_from_renamed");
}

INSTANTIATE_TEST_SUITE_P(Writers, LoadWeights, testing::Values("keras3", "tf_keras"));

// Keras 3 reads a tf.keras HDF5 weights file too.
TEST(LoadWeightsFile, Keras3ModelReadsTfKerasWeights) {
  ASSERT_EQ(expected().at("keras_errors").at("tf_keras_a.h5"), "no error");
  const ModelPtr m = model_from("keras3");
  ASSERT_EQ(load_weights(m.get(), kDir / "tf_keras_a.h5"), INLAY_OK) << inlay_last_error();
  expect_predicts(m.get(), "keras3_from_tf_keras_a");
}

// Keras (h5py): "Unable to synchronously open file (truncated file: eof = 9796, ..., stored_eof = 19592)" and
// "(file signature not found)".
TEST(LoadWeightsFile, DamagedFilesAreRefusedUnchanged) {
  const ModelPtr m = model_from("keras3");
  ASSERT_EQ(load_weights(m.get(), kDir / "keras3_a.weights.h5"), INLAY_OK) << inlay_last_error();
  expect_refused(m.get(), kDir / "truncated.weights.h5", INLAY_PARSE_ERROR, {"truncated", "19592", "9796"});
  expect_refused(m.get(), kDir / "not_hdf5.weights.h5", INLAY_PARSE_ERROR, {"not_hdf5.weights.h5", "HDF5"});
  expect_predicts(m.get(), "keras3_a");
}

TEST(LoadWeightsFile, PathsThatAreNoFileAreIoErrors) {
  const ModelPtr m = model_from("keras3");
  ASSERT_EQ(load_weights(m.get(), kDir / "keras3_b.weights.h5"), INLAY_OK) << inlay_last_error();
  expect_refused(m.get(), kDir / "no_such.weights.h5", INLAY_IO_ERROR, {"no_such.weights.h5"});
  expect_refused(m.get(), kDir, INLAY_IO_ERROR, {"directory"});
  expect_predicts(m.get(), "keras3_b");
}

TEST(LoadWeightsFile, NullArgumentsAreInvalid) {
  const ModelPtr m = model_from("keras3");
  EXPECT_EQ(inlay_model_load_weights(nullptr, (kDir / "keras3_a.weights.h5").string().c_str()), INLAY_INVALID_ARGUMENT);
  EXPECT_NE(std::string(inlay_last_error()).find("inlay_model_load_weights"), std::string::npos) << inlay_last_error();
  const std::vector<std::vector<float>> before = all_weights(m.get());
  EXPECT_EQ(inlay_model_load_weights(m.get(), nullptr), INLAY_INVALID_ARGUMENT);
  EXPECT_NE(std::string(inlay_last_error()).find("path"), std::string::npos) << inlay_last_error();
  EXPECT_EQ(all_weights(m.get()), before);
}

}  // namespace
