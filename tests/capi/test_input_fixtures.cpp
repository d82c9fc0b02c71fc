// Replays every recorded Keras Input()/InputLayer case through the C ABI.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fixtures.hpp"
#include "inlay/inlay.h"

namespace inlay_test {
namespace {

std::string take(char* text) {
  std::string out = text != nullptr ? text : "";
  inlay_free(text);
  return out;
}

json dims_json(int rank, const int64_t* dims) {
  if (rank < 0) return nullptr;
  json out = json::array();
  for (int i = 0; i < rank; ++i) out.push_back(dims[i] == INLAY_DIM_NONE ? json(nullptr) : json(dims[i]));
  return out;
}

class CAbiFrontend : public Frontend {
 public:
  void new_graph() override {
    inlay_graph* g = nullptr;
    ASSERT_EQ(inlay_graph_create(&g), INLAY_OK);
    graph_.reset(g);
    tensors_.clear();
  }

  Outcome run(const json& step, int tensor) override {
    const std::string call = step.at("call");
    json kwargs = step.at("kwargs");
    std::unique_ptr<inlay_spec, decltype(&inlay_spec_free)> spec(nullptr, inlay_spec_free);
    inlay_tensor* out = nullptr;
    inlay_status status = INLAY_OK;
    if (call == "InputLayer" && tensor < 0) {
      // Layer.from_config(config); a type_spec travels inside the config.
      if (step.contains("type_spec")) kwargs["type_spec"] = step["type_spec"];
      inlay_layer* layer = nullptr;
      status = inlay_layer_create(graph_.get(), "InputLayer", kwargs.dump().c_str(), &layer);
      if (status == INLAY_OK) {
        EXPECT_EQ(inlay_layer_output_count(layer), 1u);
        out = inlay_layer_output(layer, 0);
      }
    } else {
      // Input(), or InputLayer(input_tensor=...), which Keras 3's Input(tensor=...) is made of.
      if (step.contains("type_spec")) {
        inlay_spec* s = nullptr;
        if (inlay_spec_from_json(step["type_spec"].dump().c_str(), &s) != INLAY_OK) {
          ADD_FAILURE() << "fixture spec rejected: " << inlay_last_error();
        }
        spec.reset(s);
      }
      status = inlay_input(graph_.get(), kwargs.dump().c_str(), spec.get(), tensor >= 0 ? tensors_[tensor] : nullptr,
                           &out);
    }
    Outcome outcome;
    if (status != INLAY_OK) {
      outcome.status = status;
      outcome.message = inlay_last_error();
      EXPECT_EQ(out, nullptr) << "out-parameter written on failure";
      return outcome;
    }
    outcome.ok = true;
    outcome.shape = dims_json(inlay_tensor_rank(out), inlay_tensor_dims(out));
    outcome.dtype = inlay_dtype_name(inlay_tensor_dtype(out));
    outcome.tensor_name = inlay_tensor_name(out);
    const inlay_spec* tensor_spec = inlay_tensor_spec(out);
    outcome.sparse = inlay_spec_kind_of(tensor_spec) == INLAY_SPEC_SPARSE;
    outcome.ragged = inlay_spec_kind_of(tensor_spec) == INLAY_SPEC_RAGGED;
    char* text = nullptr;
    EXPECT_EQ(inlay_spec_to_json(tensor_spec, &text), INLAY_OK);
    outcome.spec = json::parse(take(text));
    inlay_layer* layer = inlay_tensor_layer(out);
    outcome.history_layer = inlay_layer_name(layer);
    outcome.layer_name = inlay_layer_name(layer);
    outcome.layer_class = inlay_layer_class_name(layer);
    EXPECT_EQ(inlay_layer_get_config(layer, &text), INLAY_OK);
    outcome.config = json::parse(take(text));
    outcome.tensor_id = static_cast<int>(tensors_.size());
    tensors_.push_back(out);
    return outcome;
  }

 private:
  std::unique_ptr<inlay_graph, decltype(&inlay_graph_free)> graph_{nullptr, inlay_graph_free};
  std::vector<inlay_tensor*> tensors_;
};

const json& input_cases() {
  static const json fixture = load_fixture("input_cases.json");
  return fixture;
}

// Parameterised by case id (a short, readable test name); the case itself is looked up.
class InputFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(InputFixtures, MatchesKerasThroughCAbi) {
  for (const auto& c : input_cases().at("cases")) {
    if (c.at("id") != GetParam()) continue;
    CAbiFrontend frontend;
    for (const auto& mismatch : check_case(frontend, c)) ADD_FAILURE() << mismatch;
    return;
  }
  FAIL() << "no case " << GetParam();
}

std::vector<std::string> case_ids() {
  std::vector<std::string> ids;
  for (const auto& c : input_cases().at("cases")) ids.push_back(c.at("id"));
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Keras, InputFixtures, ::testing::ValuesIn(case_ids()),
                         [](const auto& param_info) { return param_info.param; });

TEST(InputFixtureFile, HasEnoughCasesOfEachKind) {
  const json& fixture = input_cases();
  int valid = 0, invalid = 0;
  for (const auto& c : fixture.at("cases")) {
    for (const auto& r : c.at(c.at("follow").get<std::string>())) (r.at("ok").get<bool>() ? valid : invalid)++;
  }
  EXPECT_GE(fixture.at("cases").size(), 80u);
  EXPECT_GE(valid, 40);
  EXPECT_GE(invalid, 30);
}

}  // namespace
}  // namespace inlay_test
