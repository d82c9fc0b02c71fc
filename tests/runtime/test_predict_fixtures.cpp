// inlay_model_predict against the real Keras, through the C ABI only. The references were computed by
// tools/fixtures/gen_predict_fixtures.py (Keras 3.15 / tf_keras 2.21, TensorFlow backend):
//  - tests/fixtures/predict_cases.json: one small model per layer option, its weights, inputs and Keras's
//    outputs (dense, sparse and ragged);
//  - tests/fixtures/models/<case>/predict/*.npy: inputs and outputs of every fixture model, run here from
//    each of its files (.keras, tf.keras JSON with the same weights, TensorFlow.js).
// Each output must match within |d| <= atol + rtol * |ref| (1e-5 both: float32).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using inlay_test::ModelPtr;
using inlay_test::ArrayPtr;

using json = nlohmann::json;
namespace fs = std::filesystem;

const fs::path kFixtures = INLAY_FIXTURES_DIR;

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// predict_cases.json with the cases of every tests/fixtures/predict/*.json appended (one file per family of
// layer classes, each written by its generator under tools/fixtures/ in predict_cases.json's case format; a
// case may carry its own "tolerance").
const json& fixture() {
  static const json data = [] {
    json all = read_json(kFixtures / "predict_cases.json");
    std::vector<fs::path> families;
    for (const auto& entry : fs::directory_iterator(kFixtures / "predict")) {
      if (entry.path().extension() == ".json") families.push_back(entry.path());
    }
    std::sort(families.begin(), families.end());
    for (const auto& path : families) {
      const json family = read_json(path);  // named: a range-for over read_json(path).at(...) would dangle
      for (const auto& c : family.at("cases")) all["cases"].push_back(c);
    }
    return all;
  }();
  return data;
}


std::string last_error() { return inlay_last_error(); }

// A list of fixture values: numbers, or the strings "nan", "inf", "-inf" (cases with special values).
std::vector<float> values_of(const json& list) {
  std::vector<float> out;
  out.reserve(list.size());
  for (const json& v : list) {
    if (v.is_number()) {
      out.push_back(v.get<float>());
    } else {
      const std::string s = v.get<std::string>();
      EXPECT_TRUE(s == "nan" || s == "inf" || s == "-inf") << "bad fixture value " << s;
      out.push_back(s == "nan" ? std::numeric_limits<float>::quiet_NaN()
                               : (s == "inf" ? 1.f : -1.f) * std::numeric_limits<float>::infinity());
    }
  }
  return out;
}

// Buffers an input array borrows, kept alive with it.
struct InputData {
  std::vector<float> values;
  std::vector<int32_t> ids32;  // an int32 input's values
  std::vector<int64_t> ids64;  // an int64 input's values
  std::vector<int64_t> dims, indices, row_splits;
  ArrayPtr array;
};

InputData make_input(const json& spec) {
  InputData in;
  const std::string kind = spec.at("kind");
  inlay_array* a = nullptr;
  const std::string dtype = spec.value("dtype", "float32");
  if (kind == "dense" && (dtype == "int32" || dtype == "int64")) {
    // Integer ids, fed as the caller's int32 / int64 array.
    in.dims = spec.at("shape").get<std::vector<int64_t>>();
    void* data = nullptr;
    if (dtype == "int32") {
      in.ids32 = spec.at("values").get<std::vector<int32_t>>();
      data = in.ids32.data();
    } else {
      in.ids64 = spec.at("values").get<std::vector<int64_t>>();
      data = in.ids64.data();
    }
    EXPECT_EQ(inlay_array_wrap(dtype == "int32" ? INLAY_INT32 : INLAY_INT64, in.dims.data(),
                               static_cast<int>(in.dims.size()), data, &a),
              INLAY_OK)
        << last_error();
  } else if (kind == "dense") {
    in.values = values_of(spec.at("values"));
    in.dims = spec.at("shape").get<std::vector<int64_t>>();
    EXPECT_EQ(inlay_array_wrap(INLAY_FLOAT32, in.dims.data(), static_cast<int>(in.dims.size()), in.values.data(), &a),
              INLAY_OK)
        << last_error();
  } else if (kind == "sparse") {
    in.values = values_of(spec.at("values"));
    in.dims = spec.at("dense_shape").get<std::vector<int64_t>>();
    for (const json& index : spec.at("indices")) {
      for (const json& i : index) in.indices.push_back(i.get<int64_t>());
    }
    EXPECT_EQ(inlay_array_wrap_sparse(INLAY_FLOAT32, in.dims.data(), static_cast<int>(in.dims.size()),
                                      in.indices.data(), in.values.data(), in.values.size(), &a),
              INLAY_OK)
        << last_error();
  } else {
    in.values = spec.at("flat_values").get<std::vector<float>>();
    in.dims = spec.at("flat_shape").get<std::vector<int64_t>>();
    in.row_splits = spec.at("row_splits").get<std::vector<int64_t>>();
    EXPECT_EQ(inlay_array_wrap_ragged(INLAY_FLOAT32, in.values.data(), in.dims.data(), static_cast<int>(in.dims.size()),
                                      in.row_splits.data(), in.row_splits.size(), &a),
              INLAY_OK)
        << last_error();
  }
  in.array.reset(a);
  return in;
}

// Compares out against the expected values; returns "" or a description of the worst mismatch.
std::string compare(const float* got, const std::vector<float>& want, double atol, double rtol) {
  std::size_t bad = 0, worst = 0;
  double worst_excess = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
    const double limit = atol + rtol * std::fabs(want[i]);
    // NaN where Keras has NaN, the same infinity where it has one.
    const bool same = std::isnan(want[i]) ? std::isnan(got[i]) : std::isinf(want[i]) ? got[i] == want[i] : d <= limit;
    if (!same) {
      if (bad == 0 || d - limit > worst_excess) {
        worst_excess = d - limit;
        worst = i;
      }
      ++bad;
    }
  }
  if (bad == 0) return "";
  return std::to_string(bad) + " of " + std::to_string(want.size()) + " values differ; worst at flat index " +
         std::to_string(worst) + ": got " + std::to_string(got[worst]) + ", Keras " + std::to_string(want[worst]);
}

std::vector<int64_t> dims_of(const inlay_array* a) {
  const int rank = inlay_array_rank(a);
  const int64_t* d = inlay_array_dims(a);
  return rank > 0 ? std::vector<int64_t>(d, d + rank) : std::vector<int64_t>{};
}

class PredictCase : public testing::TestWithParam<std::size_t> {};

TEST_P(PredictCase, MatchesKeras) {
  const json& c = fixture().at("cases").at(GetParam());
  const json& tolerance = c.contains("tolerance") ? c.at("tolerance") : fixture().at("tolerance");
  const double atol = tolerance.at("atol"), rtol = tolerance.at("rtol");
  SCOPED_TRACE(c.at("name").get<std::string>());

  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_from_json(c.at("model").dump().c_str(), &raw), INLAY_OK) << last_error();
  ModelPtr model(raw);
  const json& weights = c.at("weights");
  ASSERT_EQ(inlay_model_weight_count(model.get()), weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const std::vector<float> w = weights[i].get<std::vector<float>>();
    ASSERT_EQ(inlay_model_set_weight(model.get(), i, w.data(), w.size()), INLAY_OK) << last_error();
  }

  std::vector<InputData> inputs;
  std::vector<const inlay_array*> input_ptrs;
  for (const json& spec : c.at("inputs")) inputs.push_back(make_input(spec));
  for (const InputData& in : inputs) input_ptrs.push_back(in.array.get());
  const json& expected = c.at("outputs");
  std::vector<inlay_array*> outputs(expected.size(), nullptr);
  if (c.contains("error")) {
    // Keras raised at predict time (an Embedding id out of range): so must inlay, with the same text.
    outputs.resize(inlay_model_output_count(model.get()), nullptr);
    EXPECT_EQ(inlay_model_predict(model.get(), input_ptrs.data(), input_ptrs.size(), outputs.data(), outputs.size()),
              INLAY_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find(c.at("error").at("message").get<std::string>()), std::string::npos) << last_error();
    return;
  }
  ASSERT_EQ(inlay_model_predict(model.get(), input_ptrs.data(), input_ptrs.size(), outputs.data(), outputs.size()),
            INLAY_OK)
      << last_error();
  std::vector<ArrayPtr> owned;
  for (inlay_array* o : outputs) owned.emplace_back(o);

  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("output " + std::to_string(i));
    const json& want = expected[i];
    if (want.at("kind") == "ragged") {
      ASSERT_EQ(inlay_array_kind_of(outputs[i]), INLAY_ARRAY_RAGGED);
      int flat_rank = 0;
      const int64_t* flat = inlay_array_flat_dims(outputs[i], &flat_rank);
      EXPECT_EQ(std::vector<int64_t>(flat, flat + flat_rank), want.at("flat_shape").get<std::vector<int64_t>>());
      size_t n_splits = 0;
      const int64_t* splits = inlay_array_row_splits(outputs[i], &n_splits);
      EXPECT_EQ(std::vector<int64_t>(splits, splits + n_splits), want.at("row_splits").get<std::vector<int64_t>>());
      EXPECT_EQ(compare(static_cast<const float*>(inlay_array_data(outputs[i])),
                        values_of(want.at("flat_values")), atol, rtol),
                "");
    } else {
      EXPECT_EQ(dims_of(outputs[i]), want.at("shape").get<std::vector<int64_t>>());
      EXPECT_EQ(compare(static_cast<const float*>(inlay_array_data(outputs[i])), values_of(want.at("values")),
                        atol, rtol),
                "");
    }
  }

  // A second run reuses the compiled plan (and its pooled workspace) and writes into the same arrays.
  ASSERT_EQ(inlay_model_predict(model.get(), input_ptrs.data(), input_ptrs.size(), outputs.data(), outputs.size()),
            INLAY_OK)
      << last_error();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const json& want = expected[i];
    const std::vector<float> values =
        want.at("kind") == "ragged" ? values_of(want.at("flat_values")) : values_of(want.at("values"));
    EXPECT_EQ(compare(static_cast<const float*>(inlay_array_data(outputs[i])), values, atol, rtol), "") << "second run";
  }
}

std::vector<std::size_t> case_indices() {
  std::vector<std::size_t> out(fixture().at("cases").size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

std::string case_name(const testing::TestParamInfo<std::size_t>& info) {
  return fixture().at("cases").at(info.param).at("name").get<std::string>();
}

INSTANTIATE_TEST_SUITE_P(Keras, PredictCase, testing::ValuesIn(case_indices()), case_name);

// --- whole fixture models, from each of their files

ArrayPtr load_npy(const fs::path& path) {
  inlay_array* a = nullptr;
  EXPECT_EQ(inlay_array_load_npy(path.c_str(), &a), INLAY_OK) << last_error();
  return ArrayPtr(a);
}

void expect_model_matches(inlay_model* model, const json& entry) {
  std::vector<ArrayPtr> inputs;
  std::vector<const inlay_array*> input_ptrs;
  for (const json& path : entry.at("inputs")) {
    inputs.push_back(load_npy(kFixtures / path.get<std::string>()));
    input_ptrs.push_back(inputs.back().get());
  }
  std::vector<inlay_array*> outputs(entry.at("outputs").size(), nullptr);
  ASSERT_EQ(inlay_model_predict(model, input_ptrs.data(), input_ptrs.size(), outputs.data(), outputs.size()), INLAY_OK)
      << last_error();
  std::vector<ArrayPtr> owned;
  for (inlay_array* o : outputs) owned.emplace_back(o);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    ArrayPtr want = load_npy(kFixtures / entry.at("outputs")[i].get<std::string>());
    ASSERT_EQ(dims_of(outputs[i]), dims_of(want.get()));
    const auto* w = static_cast<const float*>(inlay_array_data(want.get()));
    EXPECT_EQ(compare(static_cast<const float*>(inlay_array_data(outputs[i])),
                      std::vector<float>(w, w + inlay_array_element_count(want.get())), 1e-5, 1e-5),
              "")
        << "output " << i;
  }
}

class PredictModel : public testing::TestWithParam<std::size_t> {};

TEST_P(PredictModel, KerasFileMatchesKeras) {
  const json& entry = fixture().at("models").at(GetParam());
  if (entry.contains("skipped")) GTEST_SKIP() << entry.at("skipped").get<std::string>();
  const fs::path dir = kFixtures / "models" / entry.at("case").get<std::string>();
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_load((dir / "model.keras").c_str(), &raw), INLAY_OK) << last_error();
  ModelPtr model(raw);
  expect_model_matches(model.get(), entry);
}

// tf.keras's JSON of the same model, with the weights of the .keras file copied in model.weights order.
TEST_P(PredictModel, TfKerasJsonMatchesKeras) {
  const json& entry = fixture().at("models").at(GetParam());
  const fs::path dir = kFixtures / "models" / entry.at("case").get<std::string>();
  if (entry.contains("skipped") || !fs::exists(dir / "tf_keras.json") ||
      !entry.value("same_weights_in_tf_keras_and_tfjs", false)) {
    GTEST_SKIP() << "no tf.keras variant with the same weights";
  }
  inlay_model* keras = nullptr;
  ASSERT_EQ(inlay_model_load((dir / "model.keras").c_str(), &keras), INLAY_OK) << last_error();
  ModelPtr source(keras);
  std::ifstream in(dir / "tf_keras.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_from_json(text.c_str(), &raw), INLAY_OK) << last_error();
  ModelPtr model(raw);
  ASSERT_EQ(inlay_model_weight_count(model.get()), inlay_model_weight_count(source.get()));
  for (std::size_t i = 0; i < inlay_model_weight_count(model.get()); ++i) {
    int rank = 0;
    const int64_t* dims = nullptr;
    ASSERT_EQ(inlay_model_weight_info(source.get(), i, nullptr, &rank, &dims), INLAY_OK);
    std::size_t n = 1;
    for (int d = 0; d < rank; ++d) n *= static_cast<std::size_t>(dims[d]);
    std::vector<float> values(n);
    ASSERT_EQ(inlay_model_get_weight(source.get(), i, values.data(), n), INLAY_OK) << last_error();
    ASSERT_EQ(inlay_model_set_weight(model.get(), i, values.data(), n), INLAY_OK) << last_error();
  }
  // tf.keras's own activations differ from Keras 3's in places (hard_sigmoid): the reference is Keras 3's
  // output, so only models tf_keras computes identically (recorded by the generator) are compared.
  if (entry.value("tf_keras_max_abs_diff", 1.0) > 1e-6) GTEST_SKIP() << "tf.keras computes this model differently";
  expect_model_matches(model.get(), entry);
}

TEST_P(PredictModel, TensorFlowJsMatchesKeras) {
  const json& entry = fixture().at("models").at(GetParam());
  const fs::path dir = kFixtures / "models" / entry.at("case").get<std::string>();
  if (entry.contains("skipped") || !fs::exists(dir / "tfjs" / "model.json") ||
      !entry.value("same_weights_in_tf_keras_and_tfjs", false) || entry.value("tf_keras_max_abs_diff", 1.0) > 1e-6) {
    GTEST_SKIP() << "no TensorFlow.js variant computing the same function";
  }
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_load((dir / "tfjs" / "model.json").c_str(), &raw), INLAY_OK) << last_error();
  ModelPtr model(raw);
  expect_model_matches(model.get(), entry);
}

std::vector<std::size_t> model_indices() {
  std::vector<std::size_t> out(fixture().at("models").size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

std::string model_name(const testing::TestParamInfo<std::size_t>& info) {
  return fixture().at("models").at(info.param).at("case").get<std::string>();
}

INSTANTIATE_TEST_SUITE_P(Keras, PredictModel, testing::ValuesIn(model_indices()), model_name);

}  // namespace
