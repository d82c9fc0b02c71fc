// Model files of every Keras release a user may have (issue 18): tests/fixtures/versions/<writer>/<model>/, made by
// tools/fixtures/gen_version_matrix.py with Keras 3.0 ... 3.15, tf.keras 2.12 ... 2.15 and tf_keras 2.16 / 2.21.
// One case per writer, model and file format its expected.json lists ("formats"):
//   keras, h5, tfjs: inlay::model::load() of the file;
//   json:            inlay::model::from_json(model.json), then load_weights() of the same writer's save_weights file
//                    (expected.json "weights": Keras 3's model.weights.h5, tf.keras 2's HDF5 weights.h5), as a Keras
//                    user does with model_from_json + load_weights;
// and each must predict the writer's own outputs (expected.json "outputs", model.predict on "inputs", batch 2)
// within 1e-4 + 1e-4 * |ref|, as the other whole-model tests.
// A case in kExpectedToFail must fail (load or predict): it is a known difference, diagnosed there, and the case
// fails once it passes, so that the entry is removed with the fix.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <ostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "inlay/inlay.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Keras 3 writes the mask of Embedding(mask_zero=True) as an op-layer (ops.not_equal(ids, 0)) feeding LSTM's mask.
// Its .h5 file (legacy HDF5 format) drops the entry's "module" key ("keras.src.ops.numpy"), and
// tensorflowjs_converter copies that config, so the file has a bare {"class_name": "NotEqual"} layer. inlay refuses
// it ("Unsupported layer class 'NotEqual'") as Keras does: keras.models.load_model of these .h5 files fails in
// Keras 3.0, 3.3 and 3.15.1 alike ("Unknown layer: 'NotEqual'"). The writer cannot read its own file back.
constexpr const char* kKeras3MaskOpWithoutModule =
    "Keras 3 .h5 / tfjs config has a module-less NotEqual op-layer; Keras itself cannot load it";

// "<writer>/<model>/<format>" -> why inlay's result differs from the writer's. Remove an entry with its fix.
const std::map<std::string, std::string> kExpectedToFail = {
    {"keras-3.0/text_lstm/h5", kKeras3MaskOpWithoutModule},  {"keras-3.3/text_lstm/h5", kKeras3MaskOpWithoutModule},
    {"keras-3.3/text_lstm/tfjs", kKeras3MaskOpWithoutModule}, {"keras-3.6/text_lstm/h5", kKeras3MaskOpWithoutModule},
    {"keras-3.6/text_lstm/tfjs", kKeras3MaskOpWithoutModule}, {"keras-3.9/text_lstm/h5", kKeras3MaskOpWithoutModule},
    {"keras-3.9/text_lstm/tfjs", kKeras3MaskOpWithoutModule}, {"keras-3.12/text_lstm/h5", kKeras3MaskOpWithoutModule},
    {"keras-3.12/text_lstm/tfjs", kKeras3MaskOpWithoutModule}, {"keras-3.15/text_lstm/h5", kKeras3MaskOpWithoutModule},
    {"keras-3.15/text_lstm/tfjs", kKeras3MaskOpWithoutModule},
};

struct Case {
  fs::path dir;        // tests/fixtures/versions/<writer>/<model>
  std::string format;  // keras | h5 | json | tfjs
  std::string file;    // relative to dir
  Json weights;        // json only: expected.json "weights", the save_weights file (or {"error": why})
  std::string id() const {
    return dir.parent_path().filename().string() + "/" + dir.filename().string() + "/" + format;
  }
};

// GoogleTest prints a parameter with this (not as bytes) in test names and failures.
void PrintTo(const Case& c, std::ostream* os) { *os << c.id(); }

std::vector<Case> cases() {
  std::vector<Case> out;
  const fs::path root = fs::path(INLAY_FIXTURES_DIR) / "versions";
  if (!fs::is_directory(root)) return out;
  for (const auto& writer : fs::directory_iterator(root)) {
    if (!writer.is_directory()) continue;
    for (const auto& model : fs::directory_iterator(writer.path())) {
      std::ifstream in(model.path() / "expected.json");
      if (!in) continue;
      const Json expected = Json::parse(in);
      for (const auto& [format, file] : expected["formats"].items()) {
        if (!file.is_string()) continue;
        const Json weights = format == "json" ? expected.value("weights", Json()) : Json();
        out.push_back({model.path(), format, file.get<std::string>(), weights});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.id() < b.id(); });
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An expected.json input ({"dtype": "float32" | "int32", "shape", "values"}) as an owned array.
inlay::array make_input(const Json& entry) {
  const std::vector<int64_t> dims = entry["shape"].get<std::vector<int64_t>>();
  const bool ints = entry["dtype"] == "int32";
  inlay::array a = inlay::array::create(ints ? INLAY_INT32 : INLAY_FLOAT32, dims);
  const Json& values = entry["values"];
  for (size_t i = 0; i < values.size(); ++i) {
    if (ints) {
      static_cast<int32_t*>(a.data())[i] = values[i].get<int32_t>();
    } else {
      static_cast<float*>(a.data())[i] = values[i].get<float>();
    }
  }
  return a;
}

inlay::model load_case(const Case& c) {
  if (c.format != "json") return inlay::model::load((c.dir / c.file).string());
  if (!c.weights.is_string()) throw std::runtime_error("expected.json has no weights file: " + c.weights.dump());
  inlay::model model = inlay::model::from_json(read_text(c.dir / c.file));
  model.load_weights((c.dir / c.weights.get<std::string>()).string());
  return model;
}

// Loads and predicts the case; "" when every output is within 1e-4 + 1e-4 * |ref|, else what went wrong.
// `max_diff` gets the largest |difference| over the outputs.
std::string run_case(const Case& c, double& max_diff) {
  const Json expected = Json::parse(read_text(c.dir / "expected.json"));
  max_diff = 0;
  try {
    const inlay::model model = load_case(c);
    std::vector<inlay::array> xs;
    for (const Json& entry : expected["inputs"]) xs.push_back(make_input(entry));
    std::vector<const inlay::array*> ins;
    for (const inlay::array& x : xs) ins.push_back(&x);
    const std::vector<inlay::array> got = model.predict(ins);
    if (got.size() != expected["outputs"].size()) return "predict gave " + std::to_string(got.size()) + " outputs";
    std::string problem;
    for (size_t o = 0; o < got.size(); ++o) {
      const Json& want = expected["outputs"][o];
      if (got[o].dims() != want["shape"].get<std::vector<int64_t>>()) return "output " + std::to_string(o) + ": shape";
      const auto* g = static_cast<const float*>(got[o].data());
      for (size_t i = 0; i < want["values"].size(); ++i) {
        const double w = want["values"][i].get<double>(), diff = std::fabs(double(g[i]) - w);
        max_diff = std::max(max_diff, std::isnan(diff) ? INFINITY : diff);
        if (!(diff <= 1e-4 + 1e-4 * std::fabs(w)) && problem.empty()) {
          problem = "output " + std::to_string(o) + " element " + std::to_string(i) + ": " + std::to_string(g[i]) +
                    ", the writer's " + std::to_string(w);
        }
      }
    }
    return problem;
  } catch (const std::exception& e) {
    max_diff = INFINITY;
    return std::string("load or predict failed: ") + e.what();
  }
}

class VersionFile : public testing::TestWithParam<Case> {};

TEST_P(VersionFile, LoadsAndPredictsAsItsWriter) {
  const Case& c = GetParam();
  double max_diff = 0;
  const std::string problem = run_case(c, max_diff);
  const auto known = kExpectedToFail.find(c.id());
  std::cout << c.id() << ": max |difference| " << max_diff << (problem.empty() ? "" : " (" + problem + ")") << "\n";
  if (known == kExpectedToFail.end()) {
    EXPECT_EQ(problem, "") << c.id();
  } else {
    EXPECT_NE(problem, "") << c.id() << " now matches its writer: remove it from kExpectedToFail (" << known->second
                           << ")";
  }
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string name = info.param.id();
  std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Versions, VersionFile, testing::ValuesIn(cases()), case_name);

// Every writer of the matrix has fixtures (a missing folder would otherwise pass silently).
TEST(VersionMatrix, EveryWriterHasFixtures) {
  for (const char* writer : {"keras-3.0", "keras-3.3", "keras-3.6", "keras-3.9", "keras-3.12", "keras-3.15", "tf-2.12",
                             "tf-2.13", "tf-2.15", "tf_keras-2.16", "tf_keras-2.21"}) {
    EXPECT_TRUE(fs::exists(fs::path(INLAY_FIXTURES_DIR) / "versions" / writer / "conv_bn" / "expected.json")) << writer;
  }
}

}  // namespace
