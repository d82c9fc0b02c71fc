// Replays every recorded Keras 3 layer case (tests/fixtures/layer_cases.json, written by
// tools/fixtures/gen_layer_fixtures.py from the real Keras) through the C ABI only:
//   inlay_layer_create(class_name, config) -> inlay_input() for each input -> inlay_layer_call() `calls` times,
// then compares the layer's name, every call's output shapes and dtypes, and inlay_layer_get_config() with what
// Keras recorded (exact JSON text, key order included). Errors must be INLAY_INVALID_ARGUMENT with Keras's exact
// message, at the stage (construct / call number) where Keras raised.
//
// A class inlay does not know yet (inlay_layer_create -> INLAY_UNSUPPORTED) FAILS with "not implemented: <class>",
// so the list of failures is the list of work left. Weights are recorded in the fixture but not compared here
// (the C ABI has no weight accessor yet).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inlay/inlay.h"

namespace {

// Ordered: Keras dicts keep insertion order, and configs are compared in that order.
using json = nlohmann::ordered_json;

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path.string());
  return json::parse(in);
}

// layer_cases.json, with the cases of every tests/fixtures/layers/*.json appended (one file per family of
// layer classes, each written by its generator under tools/fixtures/, in layer_cases.json's format).
const json& layer_cases() {
  static const json fixture = [] {
    const std::filesystem::path dir = INLAY_FIXTURES_DIR;
    json all = read_json(dir / "layer_cases.json");
    std::vector<std::filesystem::path> families;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "layers")) {
      if (entry.path().extension() == ".json") families.push_back(entry.path());
    }
    std::sort(families.begin(), families.end());
    for (const auto& path : families) {
      const json family = read_json(path);  // named: a range-for over read_json(path).at(...) would dangle
      for (const auto& c : family.at("cases")) all["cases"].push_back(c);
    }
    return all;
  }();
  return fixture;
}

// The Keras class names of layers/layer_classes.def, the table every part of inlay reads.
std::vector<std::string> table_classes() {
  std::ifstream in(std::string(INLAY_SOURCE_DIR) + "/src/layers/layer_classes.def");
  std::vector<std::string> names;
  const std::regex row(R"(^INLAY_LAYER_CLASS\((\w+),)");
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, m, row)) names.push_back(m[1]);
  }
  return names;
}

const json* find_case(const std::string& id) {
  for (const auto& c : layer_cases().at("cases")) {
    if (c.at("id") == id) return &c;
  }
  return nullptr;
}

std::string take(char* text) {
  std::string out = text != nullptr ? text : "";
  inlay_free(text);
  return out;
}

json tensor_json(const inlay_tensor* t) {
  json shape = nullptr;
  const int rank = inlay_tensor_rank(t);
  if (rank >= 0) {
    shape = json::array();
    const int64_t* dims = inlay_tensor_dims(t);
    for (int i = 0; i < rank; ++i) shape.push_back(dims[i] == INLAY_DIM_NONE ? json(nullptr) : json(dims[i]));
  }
  json out = json::object();
  out["shape"] = shape;
  out["dtype"] = inlay_dtype_name(inlay_tensor_dtype(t));
  return out;
}

// Keras formats Python sets of strings into some messages ("one of {'valid', 'same'}"); their element order
// follows the process's string hash seed, so Keras itself is not consistent. Such literals are compared with
// their elements sorted; everything else in a message must match exactly.
std::string normalize_message(const std::string& message) {
  static const std::regex set_literal(R"(\{('[^'{}]*'(?:, '[^'{}]*')+)\})");
  static const std::regex element(R"('[^']*')");
  std::string out;
  auto last = message.cbegin();
  for (std::sregex_iterator it(message.begin(), message.end(), set_literal), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    std::vector<std::string> items;
    const std::string inner = (*it)[1].str();
    for (std::sregex_iterator e(inner.begin(), inner.end(), element), e_end; e != e_end; ++e) items.push_back(e->str());
    std::sort(items.begin(), items.end());
    out += "{";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    out += "}";
    last = (*it)[0].second;
  }
  out.append(last, message.cend());
  return out;
}

// Where two JSON values first differ (a path like config.kernel_initializer.config.seed), for readable failures.
std::string first_difference(const json& expected, const json& actual, const std::string& where) {
  if (expected.type() != actual.type()) {
    return where + ": expected " + expected.dump() + " (" + expected.type_name() + "), got " + actual.dump() + " (" +
           actual.type_name() + ")";
  }
  if (expected.is_object()) {
    auto e = expected.begin();
    auto a = actual.begin();
    for (; e != expected.end() && a != actual.end(); ++e, ++a) {
      if (e.key() != a.key()) {
        return where + ": key order/name differs: expected key \"" + e.key() + "\", got key \"" + a.key() + "\"";
      }
      if (e.value().dump() != a.value().dump()) return first_difference(e.value(), a.value(), where + "." + e.key());
    }
    if (e != expected.end()) return where + ": missing key \"" + e.key() + "\"";
    if (a != actual.end()) return where + ": unexpected key \"" + a.key() + "\"";
  } else if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      return where + ": expected " + expected.dump() + ", got " + actual.dump();
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (expected[i].dump() != actual[i].dump()) {
        return first_difference(expected[i], actual[i], where + "[" + std::to_string(i) + "]");
      }
    }
  }
  return where + ": expected " + expected.dump() + ", got " + actual.dump();
}

class LayerFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(LayerFixtures, MatchesKerasThroughCAbi) {
  const json* found = find_case(GetParam());
  ASSERT_NE(found, nullptr) << "no case " << GetParam();
  const json& c = *found;
  const json& expected = c.at("result");
  const bool expect_ok = expected.at("ok").get<bool>();
  const std::string stage = expect_ok ? "" : expected.at("stage").get<std::string>();
  const std::string class_name = c.at("class_name");
  SCOPED_TRACE(c.at("description").get<std::string>());

  inlay_graph* raw_graph = nullptr;
  ASSERT_EQ(inlay_graph_create(&raw_graph), INLAY_OK) << inlay_last_error();
  std::unique_ptr<inlay_graph, decltype(&inlay_graph_free)> graph(raw_graph, inlay_graph_free);

  // 1. Construct: getattr(keras.layers, class_name)(**config).
  inlay_layer* layer = nullptr;
  const std::string config_text = c.at("config").dump();
  const inlay_status created = inlay_layer_create(graph.get(), class_name.c_str(), config_text.c_str(), &layer);
  if (created == INLAY_UNSUPPORTED) {
    const std::string message = inlay_last_error();
    if (message.find("Unsupported layer class") != std::string::npos) {
      FAIL() << "not implemented: " << class_name;
    }
    FAIL() << "unsupported in " << class_name << " (INLAY_UNSUPPORTED is not acceptable for a Keras layer "
           << "argument): " << message << "\n  config: " << config_text;
  }
  if (stage == "construct") {
    EXPECT_EQ(created, INLAY_INVALID_ARGUMENT)
        << "Keras raised " << expected.at("error_type").get<std::string>() << " at construction; inlay returned "
        << inlay_status_name(created) << "\n  config: " << config_text;
    if (created != INLAY_OK) {
      EXPECT_EQ(normalize_message(inlay_last_error()), normalize_message(expected.at("message")))
          << "construct error message (" << class_name << ")";
      EXPECT_EQ(layer, nullptr) << "out-parameter written on failure";
    }
    return;
  }
  ASSERT_EQ(created, INLAY_OK) << "inlay_layer_create(" << class_name << ") failed: " << inlay_status_name(created)
                               << ": " << inlay_last_error() << "\n  config: " << config_text;
  ASSERT_NE(layer, nullptr);
  EXPECT_STREQ(inlay_layer_class_name(layer), class_name.c_str());

  // 2. The Input tensors, made after the layer (as the generator does: tensor auto-names depend on it).
  std::vector<inlay_tensor*> inputs;
  for (const auto& kwargs : c.at("inputs")) {
    inlay_tensor* t = nullptr;
    ASSERT_EQ(inlay_input(graph.get(), kwargs.dump().c_str(), nullptr, nullptr, &t), INLAY_OK)
        << "inlay_input(" << kwargs.dump() << "): " << inlay_last_error();
    inputs.push_back(t);
  }

  // 3. The calls: layer(x) / layer([x1, x2, ...]), `calls` times.
  const int calls = c.at("calls").get<int>();
  std::vector<std::vector<std::size_t>> call_inputs;
  if (c.contains("call_inputs")) {
    for (const auto& idx : c["call_inputs"]) call_inputs.push_back(idx.get<std::vector<std::size_t>>());
  } else {
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < inputs.size(); ++i) all.push_back(i);
    call_inputs.assign(static_cast<std::size_t>(calls), all);
  }
  ASSERT_EQ(call_inputs.size(), static_cast<std::size_t>(calls)) << "malformed fixture case";

  const int failing_call = stage == "call" ? expected.at("call_index").get<int>() : -1;
  json last_outputs;
  for (int call = 0; call < calls; ++call) {
    std::vector<inlay_tensor*> args;
    for (std::size_t k : call_inputs[static_cast<std::size_t>(call)]) args.push_back(inputs.at(k));
    inlay_tensor* outputs[8] = {nullptr};
    std::size_t n_outputs = 0;
    const inlay_status status = inlay_layer_call(layer, args.data(), args.size(), outputs, 8, &n_outputs);
    if (call == failing_call) {
      EXPECT_EQ(status, INLAY_INVALID_ARGUMENT)
          << "Keras raised " << expected.at("error_type").get<std::string>() << " at call " << call
          << "; inlay returned " << inlay_status_name(status);
      if (status != INLAY_OK) {
        EXPECT_EQ(normalize_message(inlay_last_error()), normalize_message(expected.at("message")))
            << "call " << call << " error message";
      }
      return;
    }
    ASSERT_EQ(status, INLAY_OK) << "call " << call << " failed: " << inlay_status_name(status) << ": "
                                << inlay_last_error();
    json outs = json::array();
    for (std::size_t i = 0; i < n_outputs; ++i) outs.push_back(tensor_json(outputs[i]));
    if (expected.contains("call_outputs")) {
      const json& want = expected["call_outputs"].at(static_cast<std::size_t>(call));
      EXPECT_EQ(outs.dump(), want.dump()) << "outputs of call " << call;
    }
    last_outputs = outs;
  }
  if (!expect_ok) {
    FAIL() << "Keras raised " << expected.at("error_type").get<std::string>() << " at the " << stage << " stage: "
           << expected.at("message").get<std::string>() << "\n  but inlay succeeded";
  }

  // 4. The result.
  EXPECT_EQ(std::string(inlay_layer_name(layer) != nullptr ? inlay_layer_name(layer) : "(null)"),
            expected.at("layer_name").get<std::string>())
      << "layer name";
  EXPECT_EQ(last_outputs.dump(), expected.at("outputs").dump()) << "outputs (shape, dtype) of the last call";

  char* config_out = nullptr;
  const inlay_status got_config = inlay_layer_get_config(layer, &config_out);
  ASSERT_EQ(got_config, INLAY_OK) << inlay_last_error();
  const json actual_config = json::parse(take(config_out));
  const json& expected_config = expected.at("config");
  if (actual_config.dump() != expected_config.dump()) {
    ADD_FAILURE() << "get_config differs at " << first_difference(expected_config, actual_config, "config")
                  << "\n  expected: " << expected_config.dump() << "\n  actual:   " << actual_config.dump();
  }
}

std::vector<std::string> case_ids() {
  std::vector<std::string> ids;
  for (const auto& c : layer_cases().at("cases")) ids.push_back(c.at("id"));
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Keras, LayerFixtures, ::testing::ValuesIn(case_ids()),
                         [](const auto& param_info) { return param_info.param; });

// The fixture itself: enough cases, and every class of the table (layers/layer_classes.def) has valid and
// invalid ones.
TEST(LayerFixtureFile, CoversEveryClassValidAndInvalid) {
  const json& fixture = layer_cases();
  std::map<std::string, std::pair<int, int>> per_class;  // class -> (ok, error)
  std::set<std::string> ids;
  for (const auto& c : fixture.at("cases")) {
    EXPECT_TRUE(ids.insert(c.at("id").get<std::string>()).second) << "duplicate id " << c.at("id");
    auto& counts = per_class[c.at("class_name").get<std::string>()];
    (c.at("result").at("ok").get<bool>() ? counts.first : counts.second)++;
  }
  EXPECT_GE(fixture.at("cases").size(), 150u);
  const std::vector<std::string> classes = table_classes();
  EXPECT_GE(classes.size(), 19u);
  for (const std::string& cls : classes) {
    EXPECT_GE(per_class[cls].first, 1) << cls << ": no valid case";
    EXPECT_GE(per_class[cls].second, 1) << cls << ": no invalid case";
  }
}

TEST(LayerFixtureMessages, SetLiteralsCompareAsSets) {
  EXPECT_EQ(normalize_message("one of {'valid', 'same', 'causal'}. Received: full"),
            normalize_message("one of {'causal', 'valid', 'same'}. Received: full"));
  EXPECT_EQ(normalize_message("kwargs: {'foo': 1, 'bar': 2}"), "kwargs: {'foo': 1, 'bar': 2}");  // dicts untouched
  EXPECT_NE(normalize_message("one of {'valid', 'same'}"), normalize_message("one of {'valid', 'causal'}"));
}

}  // namespace
