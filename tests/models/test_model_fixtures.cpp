// Replays the Keras 3 model recipes of tests/fixtures/model_cases.json (tools/fixtures/gen_model_fixtures.py)
// through the C ABI and compares the model Keras built: layer order, weights, outputs, to_json(), errors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inlay/inlay.h"

namespace {

using json = nlohmann::ordered_json;

const json& fixture() {
  static const json data = [] {
    std::ifstream in(std::string(INLAY_FIXTURES_DIR) + "/model_cases.json");
    return json::parse(in);
  }();
  return data;
}

json dims_json(int rank, const int64_t* dims) {
  if (rank < 0) return nullptr;
  json out = json::array();
  for (int i = 0; i < rank; ++i) out.push_back(dims[i] == INLAY_DIM_NONE ? json(nullptr) : json(dims[i]));
  return out;
}

std::string take(char* text) {
  std::string out = text != nullptr ? text : "";
  inlay_free(text);
  return out;
}

// Runs a recipe; returns the first failure's message (empty when every step succeeded).
struct Replay {
  std::unique_ptr<inlay_graph, decltype(&inlay_graph_free)> graph{nullptr, inlay_graph_free};
  std::unique_ptr<inlay_model, decltype(&inlay_model_free)> model{nullptr, inlay_model_free};
  std::map<std::string, inlay_tensor*> tensors;
  std::map<std::string, inlay_layer*> layers;
  std::string error;
  inlay_status status = INLAY_OK;

  bool fail(inlay_status s) {
    status = s;
    error = inlay_last_error();
    return false;
  }

  std::vector<inlay_tensor*> lookup(const json& ids) {
    std::vector<inlay_tensor*> out;
    for (const auto& id : ids) out.push_back(tensors.at(id.get<std::string>()));
    return out;
  }

  bool run(const json& recipe) {
    inlay_graph* g = nullptr;
    if (inlay_graph_create(&g) != INLAY_OK) return fail(INLAY_INTERNAL_ERROR);
    graph.reset(g);
    for (const auto& step : recipe) {
      const std::string op = step.at("op");
      inlay_status s = INLAY_OK;
      if (op == "input") {
        inlay_tensor* t = nullptr;
        s = inlay_input(g, step.at("kwargs").dump().c_str(), nullptr, nullptr, &t);
        tensors[step.at("id")] = t;
      } else if (op == "layer") {
        inlay_layer* l = nullptr;
        s = inlay_layer_create(g, step.at("class_name").get<std::string>().c_str(), step.at("config").dump().c_str(),
                               &l);
        layers[step.at("id")] = l;
      } else if (op == "call") {
        std::vector<inlay_tensor*> ins = lookup(step.at("inputs"));
        std::vector<inlay_tensor*> outs(8, nullptr);
        size_t n = 0;
        s = inlay_layer_call(layers.at(step.at("layer")), ins.data(), ins.size(), outs.data(), outs.size(), &n);
        for (size_t i = 0; s == INLAY_OK && i < n && i < step.at("outputs").size(); ++i) {
          tensors[step["outputs"][i]] = outs[i];
        }
      } else if (op == "sequential") {
        std::vector<inlay_layer*> stack;
        for (const auto& id : step.at("layers")) {
          auto t = tensors.find(id.get<std::string>());
          stack.push_back(t != tensors.end() ? inlay_tensor_layer(t->second) : layers.at(id.get<std::string>()));
        }
        const json& name = step.at("name");
        const std::string name_text = name.is_string() ? name.get<std::string>() : "";
        inlay_model* m = nullptr;
        s = inlay_sequential_create(g, stack.data(), stack.size(), name.is_string() ? name_text.c_str() : nullptr, &m);
        model.reset(m);
      } else if (op == "model") {
        std::vector<inlay_tensor*> ins = lookup(step.at("inputs"));
        std::vector<inlay_tensor*> outs = lookup(step.at("outputs"));
        const json& name = step.at("name");
        const std::string name_text = name.is_string() ? name.get<std::string>() : "";
        inlay_model* m = nullptr;
        s = inlay_model_create(g, ins.data(), ins.size(), outs.data(), outs.size(),
                               name.is_string() ? name_text.c_str() : nullptr, &m);
        model.reset(m);  // a later model step replaces an earlier one, as the generator records the last
      }
      if (s != INLAY_OK) return fail(s);
    }
    return true;
  }
};

class ModelFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelFixtures, MatchesKeras) {
  const json* found = nullptr;
  for (const auto& c : fixture().at("cases")) {
    if (c.at("id") == GetParam()) found = &c;
  }
  ASSERT_NE(found, nullptr);
  const json& expected = found->at("result");
  Replay replay;
  const bool ok = replay.run(found->at("recipe"));
  ASSERT_EQ(ok, expected.at("ok").get<bool>()) << replay.error;
  if (!ok) {
    EXPECT_EQ(replay.status, INLAY_INVALID_ARGUMENT);
    EXPECT_EQ(replay.error, expected.at("message").get<std::string>());
    return;
  }
  const inlay_model* m = replay.model.get();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(inlay_model_name(m), expected.at("name").get<std::string>());

  ASSERT_EQ(inlay_model_layer_count(m), expected.at("layers").size());
  for (size_t i = 0; i < expected["layers"].size(); ++i) {
    EXPECT_EQ(inlay_layer_name(inlay_model_layer(m, i)), expected["layers"][i].at("name").get<std::string>());
    EXPECT_EQ(inlay_layer_class_name(inlay_model_layer(m, i)),
              expected["layers"][i].at("class_name").get<std::string>());
  }

  ASSERT_EQ(inlay_model_weight_count(m), expected.at("weights").size());
  for (size_t i = 0; i < expected["weights"].size(); ++i) {
    const char* path = nullptr;
    int rank = 0;
    const int64_t* dims = nullptr;
    ASSERT_EQ(inlay_model_weight_info(m, i, &path, &rank, &dims), INLAY_OK);
    EXPECT_EQ(path, expected["weights"][i].at("path").get<std::string>());
    EXPECT_EQ(dims_json(rank, dims), expected["weights"][i].at("shape"));
  }

  ASSERT_EQ(inlay_model_output_count(m), expected.at("outputs").size());
  for (size_t i = 0; i < expected["outputs"].size(); ++i) {
    const inlay_tensor* t = inlay_model_output(m, i);
    EXPECT_EQ(dims_json(inlay_tensor_rank(t), inlay_tensor_dims(t)), expected["outputs"][i].at("shape"));
    EXPECT_EQ(inlay_dtype_name(inlay_tensor_dtype(t)), expected["outputs"][i].at("dtype").get<std::string>());
  }

  char* text = nullptr;
  ASSERT_EQ(inlay_model_to_json(m, &text), INLAY_OK);
  const json actual = json::parse(take(text));
  // A JSON patch from Keras's to inlay's reads better than two long dumps.
  EXPECT_EQ(actual, expected.at("to_json")) << "patch from Keras to inlay: "
                                            << json::diff(expected.at("to_json"), actual).dump();

  // model.summary(); the generator's print_fn writes the text it is given and a "\n".
  ASSERT_EQ(inlay_model_summary(m, &text), INLAY_OK) << inlay_last_error();
  EXPECT_EQ(take(text) + "\n", expected.at("summary").get<std::string>());
}

// Keras's own JSON read back by inlay gives the same model, and the same JSON again.
TEST_P(ModelFixtures, RoundTripsKerasJson) {
  const json* found = nullptr;
  for (const auto& c : fixture().at("cases")) {
    if (c.at("id") == GetParam()) found = &c;
  }
  ASSERT_NE(found, nullptr);
  const json& expected = found->at("result");
  if (!expected.at("ok").get<bool>()) GTEST_SKIP() << "Keras made no model";
  inlay_model* m = nullptr;
  ASSERT_EQ(inlay_model_from_json(expected.at("to_json").dump().c_str(), &m), INLAY_OK) << inlay_last_error();
  std::unique_ptr<inlay_model, decltype(&inlay_model_free)> owned(m, inlay_model_free);
  char* text = nullptr;
  ASSERT_EQ(inlay_model_to_json(m, &text), INLAY_OK);
  const json actual = json::parse(take(text));
  EXPECT_EQ(actual, expected.at("to_json")) << "patch: " << json::diff(expected.at("to_json"), actual).dump();
  ASSERT_EQ(inlay_model_summary(m, &text), INLAY_OK) << inlay_last_error();
  EXPECT_EQ(take(text) + "\n", expected.at("summary").get<std::string>());
  // A Sequential read from JSON builds its layers itself, so (as in Keras) their weights sit under the
  // model's name even where the original layer had been built before it joined the model.
  const std::string scope = std::string(inlay_model_name(m)) + "/";
  auto unscoped = [&](std::string path) { return path.rfind(scope, 0) == 0 ? path.substr(scope.size()) : path; };
  ASSERT_EQ(inlay_model_weight_count(m), expected.at("weights").size());
  for (size_t i = 0; i < expected["weights"].size(); ++i) {
    const char* path = nullptr;
    ASSERT_EQ(inlay_model_weight_info(m, i, &path, nullptr, nullptr), INLAY_OK);
    EXPECT_EQ(unscoped(path), unscoped(expected["weights"][i].at("path").get<std::string>()));
  }
}

std::vector<std::string> case_ids() {
  std::vector<std::string> ids;
  for (const auto& c : fixture().at("cases")) ids.push_back(c.at("id"));
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Keras, ModelFixtures, ::testing::ValuesIn(case_ids()),
                         [](const auto& param_info) { return param_info.param; });

TEST(ModelWeights, SetGetRoundTripAndErrors) {
  inlay_graph* g = nullptr;
  ASSERT_EQ(inlay_graph_create(&g), INLAY_OK);
  inlay_tensor* x = nullptr;
  ASSERT_EQ(inlay_input(g, R"({"shape":[2]})", nullptr, nullptr, &x), INLAY_OK);
  inlay_layer* dense = nullptr;
  ASSERT_EQ(inlay_layer_create(g, "Dense", R"({"units":3})", &dense), INLAY_OK);
  inlay_tensor* y = nullptr;
  size_t n = 0;
  ASSERT_EQ(inlay_layer_call(dense, &x, 1, &y, 1, &n), INLAY_OK);
  inlay_model* m = nullptr;
  ASSERT_EQ(inlay_model_create(g, &x, 1, &y, 1, "m", &m), INLAY_OK);
  inlay_graph_free(g);  // the model keeps the graph alive

  const float kernel[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_EQ(inlay_model_set_weight(m, 0, kernel, 6), INLAY_OK);
  float back[6] = {};
  ASSERT_EQ(inlay_model_get_weight(m, 0, back, 6), INLAY_OK);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(back[i], kernel[i]);

  EXPECT_EQ(inlay_model_set_weight(m, 0, kernel, 5), INLAY_SHAPE_MISMATCH);
  EXPECT_STREQ(inlay_last_error(),
               "inlay_model_set_weight: weight 'dense/kernel' has shape (2, 3) (6 elements), got 5 elements");
  EXPECT_EQ(inlay_model_set_weight(m, 2, kernel, 6), INLAY_NOT_FOUND);
  EXPECT_EQ(inlay_model_get_weight(m, 0, nullptr, 6), INLAY_INVALID_ARGUMENT);
  ASSERT_EQ(inlay_model_get_weight(m, 0, back, 6), INLAY_OK);  // unchanged by the failed calls
  EXPECT_EQ(back[5], 6.0f);
  inlay_model_free(m);
}

}  // namespace
