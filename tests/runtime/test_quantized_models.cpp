// Quantized Keras models (issue 18 item 3): .keras files that model.quantize("int8" / "int4" / "float8", or a
// QuantizationConfig) wrote, with Keras 3.15.1 (tests/fixtures/quantized/cases.json) and with older releases
// (tests/fixtures/quantized/keras-<v>/cases.json), all made by tools/fixtures/gen_quantized_fixtures.py. For
// each file, through the C ABI:
//   - inlay_model_predict gives what Keras's model.predict of the loaded file gave, within 1e-4 + 1e-4 |ref|;
//   - inlay_model_summary prints what Keras's model.summary() printed;
//   - inlay_model_to_json gives back the file's config.json layer by layer.
// A file Keras itself cannot load back (a quantized MultiHeadAttention: its config keeps the float policy that
// its EinsumDense sublayers are rebuilt with) must fail in inlay too, with Keras's message.
// kExpectedToFail lists what inlay does not do yet, with why: those checks must still fail (so that a fix shows
// up as "now passes: remove it from kExpectedToFail").
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using json = nlohmann::json;
using inlay_test::ArrayPtr;
using inlay_test::ModelPtr;

// "<writer label>/<case>" -> why inlay does not match Keras yet (none now: the last three were Keras 3.15's
// Embedding with a float8 config on a float policy, the "shared_object_id" keys of saved configs, and Keras 3.12's
// int4 Dense, whose kernel is packed along its input axis and whose inputs are quantized). Add an entry with its
// diagnosis when a known difference appears; the entry fails once the difference is gone.
const std::map<std::string, std::string> kExpectedToFail = {};

const std::filesystem::path kRoot = std::filesystem::path(INLAY_FIXTURES_DIR) / "quantized";

struct Case {
  std::string label;  // the writer: keras-3.15, keras-3.12, ...
  json data;
};

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// Every case that has a file, from cases.json and each keras-*/cases.json.
const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    std::vector<std::filesystem::path> files{kRoot / "cases.json"};
    std::vector<std::filesystem::path> versions;
    for (const auto& entry : std::filesystem::directory_iterator(kRoot)) {
      if (entry.is_directory() && std::filesystem::exists(entry.path() / "cases.json")) {
        versions.push_back(entry.path() / "cases.json");
      }
    }
    std::sort(versions.begin(), versions.end());
    files.insert(files.end(), versions.begin(), versions.end());
    std::vector<Case> out;
    for (const auto& f : files) {
      const json data = read_json(f);
      for (const json& c : data.at("cases")) {
        if (c.contains("file")) out.push_back({data.at("writer").at("label").get<std::string>(), c});
      }
    }
    return out;
  }();
  return all;
}

std::string key_of(const Case& c) { return c.label + "/" + c.data.at("name").get<std::string>(); }

std::vector<std::size_t> loadable() {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cases().size(); ++i) {
    if (!cases()[i].data.contains("error")) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> unloadable() {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cases().size(); ++i) {
    if (cases()[i].data.contains("error")) out.push_back(i);
  }
  return out;
}

std::string test_name(const testing::TestParamInfo<std::size_t>& p) {
  std::string name = key_of(cases()[p.param]);
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

std::string path_of(const Case& c) {
  return (std::filesystem::path(INLAY_FIXTURES_DIR) / c.data.at("file").get<std::string>()).string();
}

// Loads the case's file; sets *error (and returns null) when inlay refuses it.
ModelPtr load(const Case& c, std::string* error) {
  inlay_model* raw = nullptr;
  const inlay_status s = inlay_model_load(path_of(c).c_str(), &raw);
  ModelPtr model(raw);
  if (s != INLAY_OK) {
    *error = std::string(inlay_status_name(s)) + ": " + inlay_last_error();
    return nullptr;
  }
  return model;
}

struct Input {
  std::vector<int64_t> dims;
  std::vector<float> floats;
  std::vector<int32_t> ints;
  ArrayPtr array;
};

Input make_input(const json& spec) {
  Input in;
  in.dims = spec.at("shape").get<std::vector<int64_t>>();
  inlay_array* a = nullptr;
  const int rank = static_cast<int>(in.dims.size());
  if (spec.at("dtype") == "int32") {
    in.ints = spec.at("values").get<std::vector<int32_t>>();
    EXPECT_EQ(inlay_array_wrap(INLAY_INT32, in.dims.data(), rank, in.ints.data(), &a), INLAY_OK);
  } else {
    in.floats = spec.at("values").get<std::vector<float>>();
    EXPECT_EQ(inlay_array_wrap(INLAY_FLOAT32, in.dims.data(), rank, in.floats.data(), &a), INLAY_OK);
  }
  in.array.reset(a);
  return in;
}

// "" when inlay's outputs match Keras's quantized outputs (1e-4 + 1e-4 |ref|), else what differs.
std::string check_predict(const Case& c) {
  std::string error;
  ModelPtr model = load(c, &error);
  if (!model) return error;
  std::vector<Input> inputs;
  std::vector<const inlay_array*> ptrs;
  for (const json& spec : c.data.at("inputs")) inputs.push_back(make_input(spec));
  for (const Input& in : inputs) ptrs.push_back(in.array.get());
  const json& want = c.data.at("outputs");
  std::vector<inlay_array*> outs(want.size(), nullptr);
  const inlay_status s = inlay_model_predict(model.get(), ptrs.data(), ptrs.size(), outs.data(), outs.size());
  std::vector<ArrayPtr> owned;
  for (inlay_array* o : outs) owned.emplace_back(o);
  if (s != INLAY_OK) return std::string(inlay_status_name(s)) + ": " + inlay_last_error();
  std::ostringstream diff;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto values = want[i].at("values").get<std::vector<float>>();
    const auto dims = want[i].at("shape").get<std::vector<int64_t>>();
    const int64_t* got_dims = inlay_array_dims(outs[i]);
    if (std::vector<int64_t>(got_dims, got_dims + inlay_array_rank(outs[i])) != dims) {
      diff << "output " << i << ": wrong dims; ";
      continue;
    }
    const float* got = static_cast<const float*>(inlay_array_data(outs[i]));
    double worst = 0.0;
    std::size_t at = 0;
    for (std::size_t j = 0; j < values.size(); ++j) {
      const double excess = std::fabs(got[j] - values[j]) - (1e-4 + 1e-4 * std::fabs(values[j]));
      if (!(excess <= worst)) {
        worst = std::isnan(excess) ? INFINITY : excess;
        at = j;
      }
    }
    if (worst > 0.0) diff << "output " << i << "[" << at << "]: " << got[at] << " vs Keras " << values[at] << "; ";
  }
  return diff.str();
}

std::string check_summary(const Case& c) {
  std::string error;
  ModelPtr model = load(c, &error);
  if (!model) return error;
  char* text = nullptr;
  if (inlay_model_summary(model.get(), &text) != INLAY_OK) return inlay_last_error();
  const std::string got = std::string(text) + "\n";  // the generator's print_fn adds the "\n"
  inlay_free(text);
  const std::string want = c.data.at("summary").get<std::string>();
  return got == want ? "" : "inlay:\n" + got + "Keras:\n" + want;
}

// Keras writes "shared_object_id" into config.json where layers share one object (a DTypePolicy); its loader
// resolves them and to_json never writes them.
json without_shared_ids(json j) {
  if (j.is_object()) {
    j.erase("shared_object_id");
    for (auto& [k, v] : j.items()) v = without_shared_ids(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = without_shared_ids(v);
  }
  return j;
}

// The file's layers, as inlay_model_to_json gives them back. inlay writes Keras 3.15's config format, so a file
// of an older release (no "optional" / "ragged" on InputLayer, no "quantization_config") is compared on what
// quantization is about: each layer's class, name and dtype policy.
std::string check_config(const Case& c) {
  std::string error;
  ModelPtr model = load(c, &error);
  if (!model) return error;
  char* text = nullptr;
  if (inlay_model_to_json(model.get(), &text) != INLAY_OK) return inlay_last_error();
  const json back = json::parse(text);
  inlay_free(text);
  const json want = without_shared_ids(c.data.at("config").at("config").at("layers"));
  const json& got = back.at("config").at("layers");
  if (got.size() != want.size()) return "layer count " + std::to_string(got.size());
  const bool same_release = c.label == "keras-3.15";
  std::string diff;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const bool equal = same_release ? got[i] == want[i]
                                    : got[i].at("class_name") == want[i].at("class_name") &&
                                          got[i].at("name") == want[i].at("name") &&
                                          got[i].at("config").value("dtype", json()) ==
                                              want[i].at("config").value("dtype", json());
    if (!equal) {
      diff += "layer " + std::to_string(i) + ":\n inlay " + got[i].dump() + "\n Keras " + want[i].dump() + "\n";
    }
  }
  return diff;
}

// Runs one check; a case of kExpectedToFail must still fail. Keys: "<label>/<case>" (every check of the case),
// "<label>/<case>:<check>" or "*:<check>" (that check of every case).
void expect(const Case& c, const std::string& what, const std::string& result) {
  auto known = kExpectedToFail.find(key_of(c) + ":" + what);
  if (known == kExpectedToFail.end()) known = kExpectedToFail.find(key_of(c));
  if (known == kExpectedToFail.end() && c.label == "keras-3.15") known = kExpectedToFail.find("*:" + what);
  if (known == kExpectedToFail.end()) {
    EXPECT_EQ(result, "") << what << " of " << key_of(c) << " (" << c.data.at("quantize").get<std::string>() << ")";
  } else if (result.empty()) {
    ADD_FAILURE() << what << " of " << key_of(c) << " now matches Keras: remove it from kExpectedToFail";
  } else {
    std::cout << "[ expected to fail ] " << key_of(c) << " " << what << ": " << known->second << "\n";
  }
}

class QuantizedKerasFile : public testing::TestWithParam<std::size_t> {};

TEST_P(QuantizedKerasFile, PredictsAsKerasDoes) {
  const Case& c = cases()[GetParam()];
  expect(c, "predict", check_predict(c));
}

TEST_P(QuantizedKerasFile, SummaryIsKeras) {
  const Case& c = cases()[GetParam()];
  expect(c, "summary", check_summary(c));
}

TEST_P(QuantizedKerasFile, ConfigRoundTrips) {
  const Case& c = cases()[GetParam()];
  expect(c, "to_json", check_config(c));
}

INSTANTIATE_TEST_SUITE_P(Keras, QuantizedKerasFile, testing::ValuesIn(loadable()), test_name);

class QuantizedFileKerasCannotLoad : public testing::TestWithParam<std::size_t> {};

TEST_P(QuantizedFileKerasCannotLoad, IsRefusedWithKerasMessage) {
  const Case& c = cases()[GetParam()];
  std::string error;
  ModelPtr model = load(c, &error);
  EXPECT_EQ(model, nullptr);
  // Keras: "A total of 4 objects could not be loaded. Example error message for object <EinsumDense name=key>:
  // Layer 'key' expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias']"
  // (inlay counts what the file holds for the layer: kernel, bias, kernel_scale).
  EXPECT_NE(error.find("expected 2 variables, but received"), std::string::npos) << error;
  EXPECT_NE(error.find("Expected: ['kernel', 'bias']"), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(Keras, QuantizedFileKerasCannotLoad, testing::ValuesIn(unloadable()), test_name);

TEST(QuantizedFixtures, CoverEveryModeAndRelease) {
  std::map<std::string, int> per_label;
  for (const Case& c : cases()) ++per_label[c.label];
  EXPECT_GE(per_label["keras-3.15"], 15);
  EXPECT_GE(per_label["keras-3.6"], 4);
  EXPECT_GE(per_label["keras-3.9"], 4);
  EXPECT_GE(per_label["keras-3.12"], 6);
}

}  // namespace
