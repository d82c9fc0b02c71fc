// NaN, +-Inf, -0.0, denormals and huge values through inlay_model_predict, against the real Keras 3
// (TensorFlow backend, its reference kernels). The references were recorded by
// tools/fixtures/gen_nan_fixtures.py into tests/fixtures/nan_inf_cases.json: every activation as an
// Activation layer, fused after a Dense and after a Conv2D, activation chains, a Winograd-sized 3x3 Conv2D
// and every pooling layer, on inputs mixing special values with ordinary ones.
//
// The comparison is by class first: NaN exactly where Keras has NaN, an infinity of the same sign where
// Keras has one, and a finite value within 1e-6 + 1e-6 * |Keras| elsewhere. Every case runs with the default
// precision (Winograd allowed) and with INLAY_PRECISION_FLOAT32_STRICT, and twice each (the second run reuses
// the compiled plan and its workspace).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using inlay_test::ModelPtr;
using inlay_test::ArrayPtr;

using json = nlohmann::json;
namespace fs = std::filesystem;

const json& fixture() {
  static const json data = [] {
    std::ifstream in(fs::path(INLAY_FIXTURES_DIR) / "nan_inf_cases.json");
    return json::parse(in);
  }();
  return data;
}


// A fixture value: a number, or "nan" / "inf" / "-inf".
float parse_value(const json& v) {
  if (v.is_number()) return static_cast<float>(v.get<double>());
  const std::string s = v.get<std::string>();
  if (s == "nan") return std::numeric_limits<float>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<float>::infinity();
  if (s == "-inf") return -std::numeric_limits<float>::infinity();
  ADD_FAILURE() << "bad fixture value " << s;
  return 0.f;
}

std::vector<float> parse_values(const json& values) {
  std::vector<float> out;
  out.reserve(values.size());
  for (const json& v : values) out.push_back(parse_value(v));
  return out;
}

std::string show(float v) {
  if (std::isnan(v)) return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
  return text;
}

// "" when got matches want element by element (see the file comment), else the mismatches (up to 8).
// Elements in `nan_only` rows are compared only where Keras has NaN.
std::string compare(const float* got, const std::vector<float>& want, double atol, double rtol,
                    std::size_t row_length, const std::set<std::size_t>& nan_only) {
  std::string report;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const float w = want[i], g = got[i];
    bool ok;
    if (std::isnan(w)) {
      ok = std::isnan(g);
    } else if (nan_only.count(i / row_length) > 0) {
      ok = true;
    } else if (std::isinf(w)) {
      ok = g == w;
    } else {
      ok = std::isfinite(g) && std::fabs(static_cast<double>(g) - w) <= atol + rtol * std::fabs(static_cast<double>(w));
    }
    if (!ok && bad++ < 8) report += " [" + std::to_string(i) + "] got " + show(g) + ", Keras " + show(w) + ";";
  }
  if (bad == 0) return "";
  return std::to_string(bad) + " of " + std::to_string(want.size()) + " values differ:" + report;
}

struct Case {
  std::size_t index;
  inlay_precision precision;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "case " << c.index << (c.precision == INLAY_PRECISION_FLOAT32 ? "" : " (float32_strict)");
}

class NanInfCase : public testing::TestWithParam<Case> {};

void run_case(const json& c, inlay_precision precision) {
  const double atol = fixture().at("tolerance").at("atol"), rtol = fixture().at("tolerance").at("rtol");
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_from_json(c.at("model").dump().c_str(), &raw), INLAY_OK) << inlay_last_error();
  ModelPtr model(raw);
  ASSERT_EQ(inlay_model_set_precision(model.get(), precision), INLAY_OK) << inlay_last_error();
  const json& weights = c.at("weights");
  ASSERT_EQ(inlay_model_weight_count(model.get()), weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const std::vector<float> w = parse_values(weights[i]);
    ASSERT_EQ(inlay_model_set_weight(model.get(), i, w.data(), w.size()), INLAY_OK) << inlay_last_error();
  }

  std::vector<std::vector<float>> input_values;
  std::vector<std::vector<int64_t>> input_dims;
  std::vector<ArrayPtr> inputs;
  std::vector<const inlay_array*> input_ptrs;
  for (const json& spec : c.at("inputs")) {
    input_values.push_back(parse_values(spec.at("values")));
    input_dims.push_back(spec.at("shape").get<std::vector<int64_t>>());
    inlay_array* a = nullptr;
    ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, input_dims.back().data(), static_cast<int>(input_dims.back().size()),
                               input_values.back().data(), &a),
              INLAY_OK)
        << inlay_last_error();
    inputs.emplace_back(a);
    input_ptrs.push_back(a);
  }

  const json& expected = c.at("outputs");
  std::set<std::size_t> nan_only;
  if (c.contains("order_dependent_rows")) nan_only = c.at("order_dependent_rows").get<std::set<std::size_t>>();
  std::vector<inlay_array*> outputs(expected.size(), nullptr);
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE(run == 0 ? "first run" : "second run");
    ASSERT_EQ(inlay_model_predict(model.get(), input_ptrs.data(), input_ptrs.size(), outputs.data(), outputs.size()),
              INLAY_OK)
        << inlay_last_error();
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const std::vector<int64_t> shape = expected[i].at("shape").get<std::vector<int64_t>>();
      const int rank = inlay_array_rank(outputs[i]);
      ASSERT_EQ(std::vector<int64_t>(inlay_array_dims(outputs[i]), inlay_array_dims(outputs[i]) + rank), shape);
      EXPECT_EQ(compare(static_cast<const float*>(inlay_array_data(outputs[i])),
                        parse_values(expected[i].at("values")), atol, rtol, static_cast<std::size_t>(shape.back()),
                        nan_only),
                "")
          << "output " << i;
    }
  }
  for (inlay_array* o : outputs) inlay_array_free(o);
}

TEST_P(NanInfCase, MatchesKeras) {
  const json& c = fixture().at("cases").at(GetParam().index);
  SCOPED_TRACE(c.at("name").get<std::string>());
  run_case(c, GetParam().precision);
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (std::size_t i = 0; i < fixture().at("cases").size(); ++i) {
    out.push_back({i, INLAY_PRECISION_FLOAT32});
    out.push_back({i, INLAY_PRECISION_FLOAT32_STRICT});
  }
  return out;
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return fixture().at("cases").at(info.param.index).at("name").get<std::string>() +
         (info.param.precision == INLAY_PRECISION_FLOAT32 ? "" : "_strict");
}

INSTANTIATE_TEST_SUITE_P(Keras, NanInfCase, testing::ValuesIn(cases()), case_name);

// The fixture covers what it claims: every activation three ways, every pooling layer, the Winograd case.
TEST(NanInfFixture, CoversEveryActivationAndPooling) {
  std::set<std::string> names;
  for (const json& c : fixture().at("cases")) names.insert(c.at("name").get<std::string>());
  const char* activations[] = {"celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid",
                               "hard_silu", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax",
                               "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax",
                               "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
                               "tanh", "tanh_shrink"};
  for (const char* a : activations) {
    for (const char* prefix : {"activation_", "dense_", "conv2d_"}) {
      EXPECT_EQ(names.count(prefix + std::string(a)), 1u) << prefix << a;
    }
  }
  for (const char* p : {"max_pooling1d", "max_pooling2d", "average_pooling1d", "average_pooling2d",
                        "global_max_pooling2d", "global_average_pooling1d", "global_average_pooling2d",
                        "conv2d_3x3_winograd_relu"}) {
    EXPECT_EQ(names.count(p), 1u) << p;
  }
}

}  // namespace
