// Hostile sizes that once cost time or memory far beyond the file's size, through the C ABI. Each case is
// made by the test itself at a size where the old code took minutes to hours (or gigabytes), and must now
// give a clean status quickly (the test's CTest TIMEOUT is the hang guard; nothing here measures time) with
// a message of at most a few KB:
//  - a shape of 10^5 dims (standardizing it built the whole shape's text for every dim: quadratic);
//  - a Functional config of 10^5 layers listed output-first (replayed in one pass per layer: quadratic),
//    which must give the same model as the input-first listing, and the same errors;
//  - .npy headers of 40,000 keys or a 20 MB shape tuple (a quadratic duplicate check, 1.3 GB of parsed
//    values and a 30 MB message), refused as numpy refuses them: max_header_size, 10,000 characters;
//  - JSON of millions of values (1.5 GB of nlohmann values from a 65 KB .keras) and objects of 10^5 keys
//    (nlohmann's ordered_json searched every key on insertion: quadratic);
//  - messages quoting whole values (megabytes), and NUL characters in names and messages.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using inlay_test::GraphPtr;
using inlay_test::ModelPtr;
using inlay_test::TempDir;

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// "a few KB": what inlay_last_error() may hold at most (util/error.hpp caps messages at 3,648 bytes plus
// escaped NULs).
constexpr std::size_t kMessageCap = 4096;


// The status is `expected`, the message holds every needle and is no longer than kMessageCap.
::testing::AssertionResult fails_with(inlay_status st, inlay_status expected, std::vector<std::string> needles = {}) {
  const std::string message = inlay_last_error();
  if (st != expected) {
    return ::testing::AssertionFailure() << "status " << inlay_status_name(st) << ", expected "
                                         << inlay_status_name(expected) << " (message: \"" << message.substr(0, 2000)
                                         << "\")";
  }
  if (message.size() > kMessageCap) {
    return ::testing::AssertionFailure() << "a message of " << message.size() << " bytes: \""
                                         << message.substr(0, 300) << "...\"";
  }
  for (const std::string& needle : needles) {
    if (message.find(needle) == std::string::npos) {
      return ::testing::AssertionFailure() << "the message does not hold \"" << needle << "\": \"" << message << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

ModelPtr from_json(const std::string& text) {
  inlay_model* m = nullptr;
  const inlay_status st = inlay_model_from_json(text.c_str(), &m);
  EXPECT_EQ(st, INLAY_OK) << std::string(inlay_last_error()).substr(0, 2000);
  return ModelPtr(m);
}

std::string to_json(const inlay_model* m) {
  char* text = nullptr;
  EXPECT_EQ(inlay_model_to_json(m, &text), INLAY_OK) << inlay_last_error();
  std::string out = text != nullptr ? text : "";
  inlay_free(text);
  return out;
}

std::vector<std::string> layer_names(const inlay_model* m) {
  std::vector<std::string> names;
  for (size_t i = 0; i < inlay_model_layer_count(m); ++i) names.emplace_back(inlay_layer_name(inlay_model_layer(m, i)));
  return names;
}


void write_bytes(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A .keras archive holding this config.json (deflated) and a metadata.json, made with libzip.
void write_keras(const fs::path& path, const std::string& config) {
  int error = 0;
  zip_t* archive = zip_open(path.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  const std::string metadata = R"({"keras_version": "3.15.1", "date_saved": "2025-01-01@00:00:00"})";
  for (const auto& [name, text] : {std::pair<const char*, const std::string*>{"metadata.json", &metadata},
                                   std::pair<const char*, const std::string*>{"config.json", &config}}) {
    zip_source_t* source = zip_source_buffer(archive, text->data(), text->size(), 0);
    ASSERT_NE(source, nullptr);
    const zip_int64_t index = zip_file_add(archive, name, source, ZIP_FL_OVERWRITE);
    ASSERT_GE(index, 0) << zip_strerror(archive);
    ASSERT_EQ(zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);  // the buffers are read here, while `config` is alive
}

// "[1, 1, ..., 1]" of n dims.
std::string ones(std::size_t n) {
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "1" : ",1";
  return out + "]";
}

// A Functional config of one InputLayer with this batch_shape, which is the model's input and output.
std::string input_only_model(const std::string& batch_shape) {
  return R"({"class_name":"Functional","config":{"name":"m","layers":[{"class_name":"InputLayer","config":)"
         R"({"batch_shape":)" + batch_shape + R"(,"name":"in"},"name":"in","inbound_nodes":[]}],)"
         R"("input_layers":[["in",0,0]],"output_layers":[["in",0,0]]}})";
}

// ---------------------------------------------------------------------------------------------------------
// Shapes

constexpr std::size_t kHugeRank = 100000;

// A shape of 10^5 dims: Keras's own checks run in linear time, then the rank is refused (TensorFlow's
// TensorShape holds at most 254 dims); through Input(), a model config and a .keras file alike.
TEST(HostileComplexity, ShapeOfTenToTheFiveDims) {
  GraphPtr g;
  {
    inlay_graph* raw = nullptr;
    ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
    g.reset(raw);
  }
  const std::string dims = ones(kHugeRank);
  inlay_tensor* t = nullptr;
  EXPECT_TRUE(fails_with(inlay_input(g.get(), (R"({"batch_shape":)" + dims + "}").c_str(), nullptr, nullptr, &t),
                         INLAY_INVALID_ARGUMENT, {"Cannot convert '[1, 1, 1", "has 100000 dimensions", "254"}));
  EXPECT_TRUE(fails_with(inlay_input(g.get(), (R"({"shape":)" + dims + "}").c_str(), nullptr, nullptr, &t),
                         INLAY_INVALID_ARGUMENT, {"has 100000 dimensions"}));
  // A bad dim at the end: Keras's message for it, quoting a bounded prefix of the shape.
  const std::string bad_last = dims.substr(0, dims.size() - 1) + R"(,"x"])";
  EXPECT_TRUE(fails_with(inlay_input(g.get(), (R"({"batch_shape":)" + bad_last + "}").c_str(), nullptr, nullptr, &t),
                         INLAY_INVALID_ARGUMENT,
                         {"Cannot convert '[1, 1, 1",
                          "' to a shape. Found invalid dimension 'x' of type '<class 'str'>'"}));
  // The boundary: 254 dims are a shape, 255 are not.
  ASSERT_EQ(inlay_input(g.get(), (R"({"batch_shape":)" + ones(254) + "}").c_str(), nullptr, nullptr, &t), INLAY_OK)
      << inlay_last_error();
  EXPECT_EQ(inlay_tensor_rank(t), 254);
  EXPECT_TRUE(fails_with(inlay_input(g.get(), (R"({"batch_shape":)" + ones(255) + "}").c_str(), nullptr, nullptr, &t),
                         INLAY_INVALID_ARGUMENT, {"has 255 dimensions"}));

  inlay_model* m = nullptr;
  EXPECT_TRUE(fails_with(inlay_model_from_json(input_only_model(dims).c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"has 100000 dimensions"}));
  EXPECT_EQ(m, nullptr);
  TempDir dir;
  write_keras(dir / "dims.keras", input_only_model(dims));
  EXPECT_TRUE(fails_with(inlay_model_load((dir / "dims.keras").string().c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"dims.keras", "has 100000 dimensions"}));
  EXPECT_EQ(m, nullptr);
  // A Reshape's target_shape is a shape too.
  const std::string reshape =
      R"({"class_name":"Sequential","config":{"name":"s","layers":[{"class_name":"InputLayer","config":)"
      R"({"batch_shape":[null,1],"name":"in"}},{"class_name":"Reshape","config":{"name":"r","target_shape":)" +
      dims + "}}]}}";
  EXPECT_TRUE(fails_with(inlay_model_from_json(reshape.c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"Reshape", "has 100001 dimensions"}));
}

// ---------------------------------------------------------------------------------------------------------
// Functional replay

// tf.keras's form of a chain a0 (InputLayer) -> a1 -> ... -> an of Activation layers; `entry` may change
// an entry. Listed input-first, or output-first (reversed).
json chain(std::size_t n, bool output_first, const std::function<void(std::size_t, json&)>& entry = nullptr) {
  json layers = json::array();
  layers.push_back({{"class_name", "InputLayer"},
                    {"config", {{"batch_input_shape", {nullptr, 4}}, {"name", "a0"}}},
                    {"name", "a0"},
                    {"inbound_nodes", json::array()}});
  for (std::size_t i = 1; i <= n; ++i) {
    const std::string name = "a" + std::to_string(i);
    json layer = {{"class_name", "Activation"},
                  {"config", {{"name", name}, {"activation", "linear"}}},
                  {"name", name},
                  {"inbound_nodes", {{{"a" + std::to_string(i - 1), 0, 0, json::object()}}}}};
    if (entry) entry(i, layer);
    layers.push_back(std::move(layer));
  }
  if (output_first) std::reverse(layers.begin(), layers.end());
  return {{"class_name", "Functional"},
          {"config",
           {{"name", "chain"},
            {"layers", layers},
            {"input_layers", {{"a0", 0, 0}}},
            {"output_layers", {{"a" + std::to_string(n), 0, 0}}}}}};
}

// 10^5 layers listed output-first make the same model as listed input-first: Keras's layer order (by
// depth, the input first), the same nodes, the same JSON.
TEST(HostileComplexity, ChainListedOutputFirst) {
  constexpr std::size_t n = 100000;
  const ModelPtr input_first = from_json(chain(n, false).dump());
  const ModelPtr output_first = from_json(chain(n, true).dump());
  ASSERT_TRUE(input_first && output_first);
  const std::vector<std::string> names = layer_names(output_first.get());
  ASSERT_EQ(names.size(), n + 1);
  for (std::size_t i = 0; i <= n; ++i) ASSERT_EQ(names[i], "a" + std::to_string(i));
  EXPECT_EQ(names, layer_names(input_first.get()));
  EXPECT_EQ(to_json(output_first.get()), to_json(input_first.get()));
}

// The errors of a replay are the same whatever the listing: a call that fails, and layers left waiting.
TEST(HostileComplexity, ChainErrorsDoNotDependOnTheListing) {
  constexpr std::size_t n = 20000;
  // a10000 reshapes its (None, 4) input to (None, 3): Keras fails in the call, with the same message in
  // both listings.
  auto bad_call = [](std::size_t i, json& layer) {
    if (i != 10000) return;
    layer["class_name"] = "Reshape";
    layer["config"] = {{"name", "a10000"}, {"target_shape", {3}}};
  };
  std::string messages[2];
  for (bool output_first : {false, true}) {
    inlay_model* m = nullptr;
    EXPECT_TRUE(fails_with(inlay_model_from_json(chain(n, output_first, bad_call).dump().c_str(), &m),
                           INLAY_INVALID_ARGUMENT,
                           {"Exception encountered when calling Reshape.call()",
                            "Received: input_shape=(4,), target_shape=(3,)"}));
    messages[output_first] = inlay_last_error();
  }
  EXPECT_EQ(messages[0], messages[1]);

  // a10 takes its input from a12, which depends on a10: a10 ... a20000 can never be called. Keras lists
  // them in the order of the config ("failed to be resolved"), and the listing is all that differs.
  auto loop = [](std::size_t i, json& layer) {
    if (i == 10) layer["inbound_nodes"] = {{{"a12", 0, 0, json::object()}}};
  };
  for (bool output_first : {false, true}) {
    inlay_model* m = nullptr;
    const std::string first = output_first ? "['a20000', 'a19999', " : "['a10', 'a11', 'a12', ";
    const std::string last = output_first ? ", 'a11', 'a10']" : ", 'a19999', 'a20000']";
    EXPECT_TRUE(fails_with(inlay_model_from_json(chain(n, output_first, loop).dump().c_str(), &m),
                           INLAY_INVALID_ARGUMENT, {"The following nodes failed to be resolved: " + first, last}));
    EXPECT_EQ(std::string(inlay_last_error()).find("'a9'"), std::string::npos);
  }
}

// One layer called at two depths, A(B(A(B(x)))) (the case Keras postpones nodes for), in each of the 24
// listings of its four entries: the same model every time.
TEST(HostileComplexity, SharedLayersInEveryListing) {
  const json input = {{"class_name", "InputLayer"},
                      {"config", {{"batch_input_shape", {nullptr, 3}}, {"name", "x"}}},
                      {"name", "x"},
                      {"inbound_nodes", json::array()}};
  auto dense = [](const std::string& name, json inbound) {
    return json{{"class_name", "Dense"},
                {"config", {{"name", name}, {"units", 3}}},
                {"name", name},
                {"inbound_nodes", std::move(inbound)}};
  };
  const json b = dense("b", {{{"x", 0, 0, json::object()}}, {{"a", 0, 0, json::object()}}});
  const json a = dense("a", {{{"b", 0, 0, json::object()}}, {{"b", 1, 0, json::object()}}});
  const json head = dense("head", {{{"a", 1, 0, json::object()}}});
  std::vector<json> entries = {input, b, a, head};
  std::vector<int> order = {0, 1, 2, 3};
  std::string reference;
  int listings = 0;
  do {
    json layers = json::array();
    for (int i : order) layers.push_back(entries[static_cast<std::size_t>(i)]);
    const json config = {{"class_name", "Functional"},
                         {"config",
                          {{"name", "shared"},
                           {"layers", layers},
                           {"input_layers", {{"x", 0, 0}}},
                           {"output_layers", {{"head", 0, 0}}}}}};
    const ModelPtr m = from_json(config.dump());
    ASSERT_TRUE(m);
    EXPECT_EQ(layer_names(m.get()), (std::vector<std::string>{"x", "b", "a", "head"}));
    const std::string text = to_json(m.get());
    if (reference.empty()) reference = text;
    EXPECT_EQ(text, reference);
    ++listings;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(listings, 24);
}

// Two entries of one name: Keras's created_layers keeps the later layer, and each pass visits that layer at
// both places; the earlier layer's calls are never made, so Keras 3.15 refuses the config (checked with
// keras.Model.from_config) even though the model's output does not need that layer.
TEST(HostileComplexity, RepeatedNamesReplayAsKeras) {
  const json config = {
      {"class_name", "Functional"},
      {"config",
       {{"name", "m"},
        {"layers",
         {{{"class_name", "InputLayer"},
           {"config", {{"batch_input_shape", {nullptr, 3}}, {"name", "x"}}},
           {"name", "x"},
           {"inbound_nodes", json::array()}},
          {{"class_name", "Dense"},
           {"config", {{"name", "d"}, {"units", 3}}},
           {"name", "d"},
           {"inbound_nodes", {{{"x", 0, 0, json::object()}}}}},
          {{"class_name", "Dense"},
           {"config", {{"name", "d"}, {"units", 3}}},
           {"name", "d"},
           {"inbound_nodes", {{{"x", 0, 0, json::object()}}}}}}},
        {"input_layers", {{"x", 0, 0}}},
        {"output_layers", {{"d", 0, 0}}}}}};
  inlay_model* m = nullptr;
  EXPECT_TRUE(fails_with(inlay_model_from_json(config.dump().c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"The following nodes failed to be resolved: ['d']"}));
  EXPECT_EQ(m, nullptr);
}

// Keras's "failed to be resolved" message lists every layer left waiting: 10^5 names, about 1 MB of text
// when a1 waits on the last layer. The message keeps its start and its end around an ellipsis.
TEST(HostileComplexity, LongMessagesAreCappedKeepingBothEnds) {
  constexpr std::size_t n = 100000;
  auto loop = [](std::size_t i, json& layer) {
    if (i == 1) layer["inbound_nodes"] = {{{"a100000", 0, 0, json::object()}}};
  };
  inlay_model* m = nullptr;
  EXPECT_TRUE(fails_with(inlay_model_from_json(chain(n, false, loop).dump().c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"Invalid Functional model configuration. The graph of the Functional model either has loops "
                          "or disconnected nodes. The following nodes failed to be resolved: ['a1', 'a2', ",
                          "bytes left out]", ", 'a99999', 'a100000']"}));
  EXPECT_EQ(m, nullptr);
}

// ---------------------------------------------------------------------------------------------------------
// .npy headers

// A .npy file of format `version` with this header text (padded with spaces to `header_len`, then '\n').
std::string npy_file(int version, const std::string& header, std::size_t header_len, const std::string& data = "") {
  std::string h = header;
  if (h.size() + 1 < header_len) h.append(header_len - 1 - h.size(), ' ');
  h += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(version);
  out += '\0';
  const std::size_t length_bytes = version == 1 ? 2 : 4;
  for (std::size_t i = 0; i < length_bytes; ++i) out += static_cast<char>((h.size() >> (8 * i)) & 0xff);
  return out + h + data;
}

::testing::AssertionResult npy_fails(const fs::path& path, inlay_status expected, std::vector<std::string> needles) {
  inlay_array* a = nullptr;
  const inlay_status st = inlay_array_load_npy(path.string().c_str(), &a);
  inlay_array_free(a);
  return fails_with(st, expected, std::move(needles));
}

// numpy.load refuses a header dict longer than max_header_size = 10000 characters, before parsing it; so
// does inlay. 40,000 keys (once a quadratic duplicate check) and a 20 MB shape tuple (once 1.3 GB and a
// 30 MB message) are refused as too long.
TEST(HostileComplexity, NpyHeadersLongerThanNumpyReads) {
  TempDir dir;
  std::string keys = "{";
  for (int i = 0; i < 40000; ++i) keys += "'k" + std::to_string(i) + "': 0, ";
  keys += "}";
  write_bytes(dir / "keys.npy", npy_file(2, keys, keys.size() + 1));
  EXPECT_TRUE(npy_fails(dir / "keys.npy", INLAY_PARSE_ERROR,
                        {"keys.npy", "Header info length (" + std::to_string(keys.size() + 1) + ") is large",
                         "max_header_size=10000"}));
  std::string shape = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  while (shape.size() < 20000000) shape += "1, ";
  shape += "), }";
  write_bytes(dir / "shape.npy", npy_file(2, shape, shape.size() + 1));
  EXPECT_TRUE(npy_fails(dir / "shape.npy", INLAY_PARSE_ERROR, {"shape.npy", "is large"}));
  // A header whose length field claims 4 GB is refused before anything is read or allocated.
  std::string liar = npy_file(2, "{}", 64);
  liar[8] = liar[9] = liar[10] = liar[11] = '\xff';
  write_bytes(dir / "liar.npy", liar);
  EXPECT_TRUE(npy_fails(dir / "liar.npy", INLAY_PARSE_ERROR, {"liar.npy", "is large"}));

  // The boundary (numpy: len(header) > max_header_size): 10,000 characters load, 10,001 do not.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string data(8, '\0');
  write_bytes(dir / "at_limit.npy", npy_file(1, dict, 10000, data));
  inlay_array* a = nullptr;
  ASSERT_EQ(inlay_array_load_npy((dir / "at_limit.npy").string().c_str(), &a), INLAY_OK) << inlay_last_error();
  EXPECT_EQ(inlay_array_element_count(a), 2u);
  inlay_array_free(a);
  write_bytes(dir / "past_limit.npy", npy_file(1, dict, 10001, data));
  EXPECT_TRUE(npy_fails(dir / "past_limit.npy", INLAY_PARSE_ERROR, {"Header info length (10001) is large"}));
  // Format 3.0 is UTF-8, and numpy counts characters: 10,000 characters in 13,000 bytes are read (and then
  // refused for their descr, which is no dtype).
  const std::string accented = "\xc3\xa9";  // U+00E9, two bytes
  std::string descr;
  for (int i = 0; i < 3000; ++i) descr += accented;
  const std::string utf8_dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }";
  // 13,000 bytes (padding and '\n' included) are 10,000 characters: 3,000 of them take two bytes.
  write_bytes(dir / "utf8.npy", npy_file(3, utf8_dict, 13000, data));
  EXPECT_TRUE(npy_fails(dir / "utf8.npy", INLAY_UNSUPPORTED, {"descr", "not a dtype inlay knows"}));
  write_bytes(dir / "utf8_past.npy", npy_file(3, utf8_dict, 13001, data));
  EXPECT_TRUE(npy_fails(dir / "utf8_past.npy", INLAY_PARSE_ERROR, {"Header info length (10001) is large"}));
}

// ---------------------------------------------------------------------------------------------------------
// JSON

// At most 2^22 JSON values per document, counted before parsing (1.5 GB of values from a 65 KB .keras).
TEST(HostileComplexity, JsonOfTooManyValues) {
  constexpr std::size_t kMaxValues = std::size_t{1} << 22;
  std::string too_many = "[";
  too_many.reserve(2 * kMaxValues + 2);
  for (std::size_t i = 0; i < kMaxValues; ++i) too_many += i == 0 ? "0" : ",0";  // the array and 2^22 zeros
  too_many += "]";
  inlay_model* m = nullptr;
  EXPECT_TRUE(fails_with(inlay_model_from_json(too_many.c_str(), &m), INLAY_PARSE_ERROR,
                         {"inlay_model_from_json", "JSON of 4194305 values, more than the 4194304 inlay reads"}));
  // One value fewer is parsed (and is no model: the array is not a model config).
  const std::string at_limit = "[" + too_many.substr(3);
  EXPECT_TRUE(fails_with(inlay_model_from_json(at_limit.c_str(), &m), INLAY_PARSE_ERROR,
                         {"Not a Keras model config: expected a JSON object, got array"}));
  inlay_spec* spec = nullptr;
  EXPECT_TRUE(fails_with(inlay_spec_from_json(too_many.c_str(), &spec), INLAY_PARSE_ERROR, {"4194305 values"}));

  // A .keras whose config.json inflates to just under 64 MiB of [{},{},...]: 22 million values.
  std::string objects = "[{}";
  const std::size_t target = (std::size_t{64} << 20) - 16;
  objects.reserve(target + 2);
  while (objects.size() + 3 < target) objects += ",{}";
  objects += "]";
  TempDir dir;
  write_keras(dir / "expand.keras", objects);
  EXPECT_TRUE(fails_with(inlay_model_load((dir / "expand.keras").string().c_str(), &m), INLAY_PARSE_ERROR,
                         {"expand.keras", "config.json", "JSON values, more than the 4194304 inlay reads"}));
  EXPECT_EQ(m, nullptr);
}

// Objects of 10^5 keys parse in linear time (nlohmann's ordered_json alone is quadratic in keys), and a
// repeated key keeps its first place and its last value, as Python's json.loads and nlohmann do.
TEST(HostileComplexity, JsonObjectsOfManyKeys) {
  // Written as text: nlohmann's ordered_json would take the test itself quadratic time to build it.
  std::string text_of_keys = chain(2, false).dump();
  std::string keys;
  for (int i = 0; i < 100000; ++i) keys += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text_of_keys.insert(text_of_keys.find("\"config\":{") + 10, keys);  // ignored by Keras too
  const ModelPtr m = from_json(text_of_keys);
  ASSERT_TRUE(m);
  EXPECT_EQ(inlay_model_layer_count(m.get()), 3u);

  // Duplicates, in a small object (compared pairwise) and a large one (sorted).
  inlay_spec* spec = nullptr;
  ASSERT_EQ(inlay_spec_from_json(R"({"kind":"tensor","shape":[1],"dtype":"float32","shape":[2,3]})", &spec), INLAY_OK)
      << inlay_last_error();
  EXPECT_EQ(inlay_spec_rank(spec), 2);
  inlay_spec_free(spec);
  std::string text = chain(2, false).dump();
  std::string extra = R"("name":"first",)";
  for (int i = 0; i < 40; ++i) extra += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  extra += R"("name":"second",)";
  text.insert(text.find("\"config\":{") + 10, extra);  // into the Functional config, before its own "name"
  const ModelPtr named = from_json(text);
  ASSERT_TRUE(named);
  EXPECT_STREQ(inlay_model_name(named.get()), "chain");  // the config's own "name" came last
  std::string first_wins = text;
  first_wins.replace(first_wins.find(R"("name":"chain")"), 14, R"("name":"chain2")");
  const ModelPtr renamed = from_json(first_wins);
  ASSERT_TRUE(renamed);
  EXPECT_STREQ(inlay_model_name(renamed.get()), "chain2");
}

// ---------------------------------------------------------------------------------------------------------
// Messages and names

// 200,000 unknown keywords: Keras's message lists them all; inlay quotes the start of the dict.
TEST(HostileComplexity, MessagesQuoteBoundedValues) {
  std::string config = chain(1, false).dump();
  std::string unknown;
  for (int i = 0; i < 200000; ++i) unknown += "\"unknown_" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  config.insert(config.find(R"({"name":"a1",)") + 1, unknown);  // the Activation's config
  inlay_model* m = nullptr;
  EXPECT_TRUE(fails_with(inlay_model_from_json(config.c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"Unrecognized keyword arguments passed to Activation: {'unknown_0': 0, 'unknown_1': 1, ",
                          ", ...}"}));
  // A 10 MB string where a dtype goes.
  GraphPtr g;
  {
    inlay_graph* raw = nullptr;
    ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
    g.reset(raw);
  }
  inlay_tensor* t = nullptr;
  const std::string dtype = R"({"shape":[2],"dtype":")" + std::string(10000000, 'f') + "\"}";
  EXPECT_TRUE(fails_with(inlay_input(g.get(), dtype.c_str(), nullptr, nullptr, &t), INLAY_INVALID_ARGUMENT,
                         {"Invalid dtype: ffff", "..."}));
}

// Names are C strings at the ABI: one holding NUL is refused (Keras takes any str) wherever a name is
// validated; other values holding NUL come back in messages escaped as \x00, not cut there.
TEST(HostileComplexity, NulInNamesAndMessages) {
  const std::string nul = "\\u0000";
  json with_layer = chain(2, false);
  std::string text = with_layer.dump();
  text.replace(text.find(R"("name":"a1","activation")"), 11, "\"name\":\"a" + nul + "1\"");
  inlay_model* m = nullptr;
  EXPECT_TRUE(fails_with(inlay_model_from_json(text.c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"Argument `name` must not contain a NUL character", "name='a\\x001'"}));
  std::string model_name = chain(2, false).dump();
  model_name.replace(model_name.find(R"("name":"chain")"), 14, "\"name\":\"ch" + nul + "ain\"");
  EXPECT_TRUE(fails_with(inlay_model_from_json(model_name.c_str(), &m), INLAY_INVALID_ARGUMENT,
                         {"must not contain a NUL character"}));
  GraphPtr g;
  {
    inlay_graph* raw = nullptr;
    ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
    g.reset(raw);
  }
  inlay_tensor* t = nullptr;
  EXPECT_TRUE(fails_with(inlay_input(g.get(), (R"({"shape":[2],"name":"in)" + nul + R"(put"})").c_str(), nullptr,
                                     nullptr, &t),
                         INLAY_INVALID_ARGUMENT, {"must not contain a NUL character"}));
  inlay_layer* layer = nullptr;
  EXPECT_TRUE(fails_with(inlay_layer_create(g.get(), "Dense", (R"({"units":2,"name":"d)" + nul + R"("})").c_str(),
                                            &layer),
                         INLAY_INVALID_ARGUMENT, {"must not contain a NUL character"}));
  inlay_spec* spec = nullptr;
  const std::string spec_json = R"({"kind":"tensor","shape":[1],"dtype":"float32","name":"s)" + nul + R"("})";
  EXPECT_TRUE(fails_with(inlay_spec_from_json(spec_json.c_str(), &spec), INLAY_INVALID_ARGUMENT,
                         {"TensorSpec name must not contain a NUL character"}));
  // A NUL in another value: the message goes on past it.
  EXPECT_TRUE(fails_with(inlay_input(g.get(), (R"({"shape":[2],"dtype":"float)" + nul + R"(32"})").c_str(), nullptr,
                                     nullptr, &t),
                         INLAY_INVALID_ARGUMENT, {"Invalid dtype: float\\x0032"}));
  // Names without NUL are fine, however odd.
  ASSERT_EQ(inlay_input(g.get(), R"({"shape":[2],"name":"\u00e9 \t\u001f"})", nullptr, nullptr, &t), INLAY_OK)
      << inlay_last_error();
  EXPECT_STREQ(inlay_tensor_name(t), "\xc3\xa9 \t\x1f");
}

}  // namespace
