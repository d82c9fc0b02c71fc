// Concurrency through the public C ABI, as inlay.h's thread-safety contract states it:
//  - inlay_model_predict on ONE model from many threads, every result bit-identical (memcmp) to the serial
//    result of the same input computed beforehand, plans compiled concurrently and evicted under load;
//  - graphs built concurrently (one per thread: Input -> layers -> Model -> to_json -> free), each equal to
//    the serially built reference;
//  - inlay_model_load / inlay_model_from_json of the same file / text from many threads.
//
// Meant for ThreadSanitizer too (the tsan preset runs the tests labelled "concurrency"): the number of
// predicts per thread is INLAY_CONCURRENCY_ITERATIONS (default 10,000) or `--iterations N`; the other tests
// scale from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using inlay_test::GraphPtr;
using inlay_test::ModelPtr;
using inlay_test::ArrayPtr;

namespace fs = std::filesystem;
const fs::path kFixtures = INLAY_FIXTURES_DIR;
constexpr int kThreads = 8;
long g_iterations = 10000;  // predicts per thread; set by main() before any test runs


std::string model_path(const std::string& fixture) { return (kFixtures / "models" / fixture / "model.keras").string(); }

ModelPtr load(const std::string& path) {
  inlay_model* m = nullptr;
  EXPECT_EQ(inlay_model_load(path.c_str(), &m), INLAY_OK) << path << ": " << inlay_last_error();
  return ModelPtr(m);
}

// Takes a string the library made for the caller.
std::string take(char* text) {
  std::string s = text != nullptr ? text : "";
  inlay_free(text);
  return s;
}

std::string to_json(const inlay_model* m) {
  char* json = nullptr;
  if (inlay_model_to_json(m, &json) != INLAY_OK) return std::string("error: ") + inlay_last_error();
  return take(json);
}

std::string summary(const inlay_model* m) {
  char* text = nullptr;
  if (inlay_model_summary(m, &text) != INLAY_OK) return std::string("error: ") + inlay_last_error();
  return take(text);
}

// Every weight of m, float32, concatenated.
std::vector<float> all_weights(const inlay_model* m) {
  std::vector<float> out;
  for (size_t i = 0; i < inlay_model_weight_count(m); ++i) {
    int rank = 0;
    const int64_t* dims = nullptr;
    if (inlay_model_weight_info(m, i, nullptr, &rank, &dims) != INLAY_OK) return {};
    size_t n = 1;
    for (int d = 0; d < rank; ++d) n *= static_cast<size_t>(dims[d]);
    const size_t at = out.size();
    out.resize(at + n);
    if (inlay_model_get_weight(m, i, out.data() + at, n) != INLAY_OK) return {};
  }
  return out;
}

// One input of a single-input float32 model: its dims with batch `batch`, values from `seed`.
struct Sample {
  std::vector<int64_t> dims;
  std::vector<float> values;
  std::vector<int64_t> out_dims;  // the serial run's output 0
  std::vector<float> expected;
};

Sample make_sample(const inlay_model* m, int64_t batch, unsigned seed) {
  Sample s;
  const inlay_tensor* x = inlay_model_input(m, 0);
  const int64_t* d = inlay_tensor_dims(x);
  s.dims.assign(d, d + inlay_tensor_rank(x));
  s.dims[0] = batch;
  size_t n = 1;
  for (int64_t v : s.dims) n *= static_cast<size_t>(v);
  s.values.resize(n);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (float& v : s.values) v = normal(rng);
  return s;
}

// Output 0 of m on s (its dims in out_dims); empty with a message in error on failure. `reuse`, when not
// NULL, is an output array of the right dims to write into (else the library allocates one).
bool run(inlay_model* m, Sample& s, inlay_array* reuse, std::vector<int64_t>& out_dims, std::vector<float>& out,
         std::string& error) {
  inlay_array* x = nullptr;
  if (inlay_array_wrap(INLAY_FLOAT32, s.dims.data(), static_cast<int>(s.dims.size()), s.values.data(), &x) != INLAY_OK) {
    error = inlay_last_error();
    return false;
  }
  ArrayPtr in(x);
  const inlay_array* inputs[] = {x};
  inlay_array* y = reuse;
  if (inlay_model_predict(m, inputs, 1, &y, 1) != INLAY_OK) {
    error = inlay_last_error();
    return false;
  }
  ArrayPtr owned(reuse == nullptr ? y : nullptr);
  const int64_t* d = inlay_array_dims(y);
  out_dims.assign(d, d + inlay_array_rank(y));
  const auto* data = static_cast<const float*>(inlay_array_data(y));
  out.assign(data, data + inlay_array_element_count(y));
  return true;
}

// Records the first failure of many threads (gtest assertions are thread-safe, but one readable message
// beats 80,000).
class FirstFailure {
 public:
  void add(const std::string& what) {
    ++count_;
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_.empty()) first_ = what;
  }
  int count() const { return count_.load(); }
  std::string first() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
  }

 private:
  std::atomic<int> count_{0};
  mutable std::mutex mutex_;
  std::string first_;
};

template <class Body>
void run_threads(Body body) {
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;  // start together: the most overlap
      while (ready.load() < kThreads) std::this_thread::yield();
      body(t);
    });
  }
  for (std::thread& th : threads) th.join();
}

// A small Conv2D + BatchNormalization + ReLU + MaxPooling2D + Flatten + Dense model (764 weights, ~3 µs a
// predict): the 8 x 10,000 predicts stay well under a minute on 2 cores.
const char* const kPredictModel = "conv_bn_relu";

// ---------------------------------------------------------------------------------------------------------
// (a) One model, 8 threads, g_iterations predicts each.

void predict_from_threads(const std::string& fixture, long iterations) {
  const std::string path = model_path(fixture);
  ModelPtr serial_model = load(path);
  ASSERT_NE(serial_model, nullptr) << path;
  // Per thread a pool of inputs (deterministic seeds), batch 1..3 so threads share plans and use different
  // ones; the reference is the serial result of the same input, computed before any thread starts.
  constexpr int kPool = 24;
  std::vector<std::vector<Sample>> pools(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < kPool; ++k) {
      Sample s = make_sample(serial_model.get(), 1 + (t + k) % 3, 1000u * static_cast<unsigned>(t) + static_cast<unsigned>(k));
      std::string error;
      ASSERT_TRUE(run(serial_model.get(), s, nullptr, s.out_dims, s.expected, error)) << error;
      pools[static_cast<size_t>(t)].push_back(std::move(s));
    }
  }
  const std::string json = to_json(serial_model.get());
  const std::vector<float> weights = all_weights(serial_model.get());

  ModelPtr model = load(path);  // no plans yet: the threads race to compile them
  ASSERT_NE(model, nullptr);
  FirstFailure failures;
  std::atomic<long> predicts{0};
  run_threads([&](int t) {
    std::vector<Sample>& pool = pools[static_cast<size_t>(t)];
    std::mt19937 rng(static_cast<unsigned>(77 + t));
    // Half the calls write into an output array of the caller's, kept per sample.
    std::vector<ArrayPtr> outputs(pool.size());
    std::vector<int64_t> dims;
    std::vector<float> got;
    for (long i = 0; i < iterations; ++i) {
      const size_t k = rng() % pool.size();
      Sample& s = pool[k];
      const bool reuse = (i & 1) != 0;
      if (reuse && outputs[k] == nullptr) {
        inlay_array* y = nullptr;
        if (inlay_array_create(INLAY_FLOAT32, s.out_dims.data(), static_cast<int>(s.out_dims.size()), &y) != INLAY_OK) {
          failures.add(std::string("inlay_array_create: ") + inlay_last_error());
          return;
        }
        outputs[k].reset(y);
      }
      std::string error;
      if (!run(model.get(), s, reuse ? outputs[k].get() : nullptr, dims, got, error)) {
        failures.add("thread " + std::to_string(t) + " call " + std::to_string(i) + ": " + error);
        continue;
      }
      ++predicts;
      if (dims != s.out_dims || got.size() != s.expected.size() ||
          std::memcmp(got.data(), s.expected.data(), got.size() * sizeof(float)) != 0) {
        failures.add("thread " + std::to_string(t) + " call " + std::to_string(i) + " (sample " + std::to_string(k) +
                     "): output differs from the serial result");
      }
      // Reads that may run concurrently with predict (inlay.h): the config and the weights.
      if (i % 997 == static_cast<long>(t)) {
        if (to_json(model.get()) != json) failures.add("thread " + std::to_string(t) + ": to_json changed");
        if (all_weights(model.get()) != weights) failures.add("thread " + std::to_string(t) + ": weights changed");
      }
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
  EXPECT_EQ(predicts.load(), kThreads * iterations);
}

TEST(ConcurrentPredict, OneModelManyThreadsBitIdenticalToSerial) { predict_from_threads(kPredictModel, g_iterations); }

// A model large enough that its plans run on several OpenMP threads (oneDNN's parallel kernels inside each
// of the 8 callers' predicts): mnist_cnn_functional, ~100 us a predict, so a tenth of the iterations.
TEST(ConcurrentPredict, ParallelPlansManyThreadsBitIdenticalToSerial) {
  predict_from_threads("mnist_cnn_functional", std::max(20L, g_iterations / 10));
}

// More input shapes than the 16 plans a model caches: threads evict plans other threads are running.
TEST(ConcurrentPredict, PlanEvictionUnderLoad) {
  const std::string path = model_path(kPredictModel);
  ModelPtr model = load(path);
  ASSERT_NE(model, nullptr);
  constexpr int kBatches = 24;  // > 16 cached plans
  std::vector<Sample> samples;
  for (int b = 1; b <= kBatches; ++b) {
    Sample s = make_sample(model.get(), b, 500u + static_cast<unsigned>(b));
    std::string error;
    ASSERT_TRUE(run(model.get(), s, nullptr, s.out_dims, s.expected, error)) << error;
    samples.push_back(std::move(s));
  }
  const long calls = std::max(24L, g_iterations / 100);
  FirstFailure failures;
  run_threads([&](int t) {
    std::vector<Sample> mine = samples;  // inputs are only read, but each thread has its own anyway
    std::vector<int64_t> dims;
    std::vector<float> got;
    for (long i = 0; i < calls; ++i) {
      const size_t k = static_cast<size_t>(t * 5 + i * 7) % mine.size();
      std::string error;
      if (!run(model.get(), mine[k], nullptr, dims, got, error)) {
        failures.add(error);
        continue;
      }
      if (dims != mine[k].out_dims ||
          std::memcmp(got.data(), mine[k].expected.data(), got.size() * sizeof(float)) != 0) {
        failures.add("thread " + std::to_string(t) + " batch " + std::to_string(k + 1) + ": differs from serial");
      }
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
}

// inlay_model_prepare and predict concurrently (prepare only compiles).
TEST(ConcurrentPredict, PrepareAndPredictTogether) {
  ModelPtr model = load(model_path(kPredictModel));
  ASSERT_NE(model, nullptr);
  Sample s = make_sample(model.get(), 2, 42);
  {
    ModelPtr reference = load(model_path(kPredictModel));
    std::string error;
    ASSERT_TRUE(run(reference.get(), s, nullptr, s.out_dims, s.expected, error)) << error;
  }
  FirstFailure failures;
  const long calls = std::max(10L, g_iterations / 100);
  run_threads([&](int t) {
    Sample mine = s;
    std::vector<int64_t> dims;
    std::vector<float> got;
    for (long i = 0; i < calls; ++i) {
      if (t % 2 == 0) {
        inlay_array* x = nullptr;
        inlay_array_wrap(INLAY_FLOAT32, mine.dims.data(), static_cast<int>(mine.dims.size()), mine.values.data(), &x);
        ArrayPtr in(x);
        const inlay_array* inputs[] = {x};
        if (inlay_model_prepare(model.get(), inputs, 1) != INLAY_OK) failures.add(inlay_last_error());
      } else {
        std::string error;
        if (!run(model.get(), mine, nullptr, dims, got, error)) {
          failures.add(error);
        } else if (std::memcmp(got.data(), mine.expected.data(), got.size() * sizeof(float)) != 0) {
          failures.add("differs from serial");
        }
      }
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
}

// Two models made from one graph share its layers and weights (inlay.h: one object for thread-safety):
// predicting both from many threads only reads them.
TEST(ConcurrentPredict, ModelsSharingOneGraph) {
  inlay_graph* raw_graph = nullptr;
  ASSERT_EQ(inlay_graph_create(&raw_graph), INLAY_OK);
  GraphPtr g(raw_graph);
  inlay_tensor* x = nullptr;
  ASSERT_EQ(inlay_input(g.get(), "{\"shape\":[8]}", nullptr, nullptr, &x), INLAY_OK) << inlay_last_error();
  inlay_layer* hidden_layer = nullptr;
  inlay_layer* head_layer = nullptr;
  ASSERT_EQ(inlay_layer_create(g.get(), "Dense", "{\"units\":16,\"activation\":\"relu\"}", &hidden_layer), INLAY_OK);
  ASSERT_EQ(inlay_layer_create(g.get(), "Dense", "{\"units\":4,\"activation\":\"softmax\"}", &head_layer), INLAY_OK);
  inlay_tensor* hidden = nullptr;
  inlay_tensor* head = nullptr;
  size_t n = 0;
  ASSERT_EQ(inlay_layer_call(hidden_layer, &x, 1, &hidden, 1, &n), INLAY_OK);
  ASSERT_EQ(inlay_layer_call(head_layer, &hidden, 1, &head, 1, &n), INLAY_OK);
  inlay_model* raw_full = nullptr;
  inlay_model* raw_trunk = nullptr;
  ASSERT_EQ(inlay_model_create(g.get(), &x, 1, &head, 1, "full", &raw_full), INLAY_OK) << inlay_last_error();
  ASSERT_EQ(inlay_model_create(g.get(), &x, 1, &hidden, 1, "trunk", &raw_trunk), INLAY_OK) << inlay_last_error();
  ModelPtr full(raw_full), trunk(raw_trunk);
  g.reset();  // the models keep the graph
  // Weights set through one model are the other's too (the same layer).
  for (size_t i = 0; i < inlay_model_weight_count(full.get()); ++i) {
    int rank = 0;
    const int64_t* dims = nullptr;
    ASSERT_EQ(inlay_model_weight_info(full.get(), i, nullptr, &rank, &dims), INLAY_OK);
    size_t count = 1;
    for (int d = 0; d < rank; ++d) count *= static_cast<size_t>(dims[d]);
    std::vector<float> values(count);
    for (size_t k = 0; k < count; ++k) values[k] = static_cast<float>(static_cast<int>((k * 7 + i) % 11) - 5) / 8;
    ASSERT_EQ(inlay_model_set_weight(full.get(), i, values.data(), count), INLAY_OK) << inlay_last_error();
  }
  std::vector<Sample> samples;
  for (int k = 0; k < 2 * kThreads; ++k) {
    inlay_model* m = k % 2 == 0 ? full.get() : trunk.get();
    Sample s = make_sample(m, 1 + k % 4, 300u + static_cast<unsigned>(k));
    std::string error;
    ASSERT_TRUE(run(m, s, nullptr, s.out_dims, s.expected, error)) << error;
    samples.push_back(std::move(s));
  }
  const long calls = std::max(20L, g_iterations / 10);
  FirstFailure failures;
  run_threads([&](int t) {
    std::vector<Sample> mine = samples;
    std::vector<int64_t> dims;
    std::vector<float> got;
    for (long i = 0; i < calls; ++i) {
      const size_t k = static_cast<size_t>(t + i) % mine.size();
      inlay_model* m = k % 2 == 0 ? full.get() : trunk.get();
      std::string error;
      if (!run(m, mine[k], nullptr, dims, got, error)) {
        failures.add(error);
      } else if (dims != mine[k].out_dims ||
                 std::memcmp(got.data(), mine[k].expected.data(), got.size() * sizeof(float)) != 0) {
        failures.add("thread " + std::to_string(t) + " sample " + std::to_string(k) + ": differs from serial");
      }
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
}

// ---------------------------------------------------------------------------------------------------------
// (b) Graphs built concurrently, one per thread.

struct Built {
  std::string json;
  std::string summary;
  std::string configs;  // every layer's get_config, one per line
  std::string error;
};

#define BUILD_CHECK(call)                                                              \
  do {                                                                                 \
    if ((call) != INLAY_OK) {                                                          \
      out.error = std::string(#call) + ": " + inlay_last_error();                      \
      return out;                                                                      \
    }                                                                                  \
  } while (0)

inlay_tensor* call1(inlay_layer* l, inlay_tensor* x, inlay_status& status) {
  inlay_tensor* y = nullptr;
  size_t n = 0;
  status = inlay_layer_call(l, &x, 1, &y, 1, &n);
  return y;
}

// A functional model with auto-named layers and two branches, then a Sequential one on the same graph.
// `graph_first` frees the graph before the models (the models keep it alive).
Built build_models(bool graph_first) {
  Built out;
  inlay_graph* raw = nullptr;
  BUILD_CHECK(inlay_graph_create(&raw));
  GraphPtr g(raw);
  inlay_tensor* img = nullptr;
  BUILD_CHECK(inlay_input(g.get(), "{\"shape\":[12,12,3],\"name\":\"img\"}", nullptr, nullptr, &img));
  inlay_tensor* vec = nullptr;
  BUILD_CHECK(inlay_input(g.get(), "{\"shape\":[5]}", nullptr, nullptr, &vec));
  struct Step {
    const char* cls;
    const char* config;
  };
  const Step steps[] = {
      {"Conv2D", "{\"filters\":4,\"kernel_size\":3,\"activation\":\"relu\"}"},
      {"BatchNormalization", "{}"},
      {"MaxPooling2D", "{\"pool_size\":2}"},
      {"Conv2D", "{\"filters\":6,\"kernel_size\":[2,2],\"padding\":\"same\",\"use_bias\":false}"},
      {"GlobalAveragePooling2D", "{}"},
      {"Dense", "{\"units\":5,\"activation\":\"tanh\",\"kernel_initializer\":\"he_normal\"}"},
  };
  inlay_tensor* x = img;
  inlay_status status = INLAY_OK;
  for (const Step& step : steps) {
    inlay_layer* l = nullptr;
    BUILD_CHECK(inlay_layer_create(g.get(), step.cls, step.config, &l));
    x = call1(l, x, status);
    BUILD_CHECK(status);
  }
  inlay_layer* add = nullptr;
  BUILD_CHECK(inlay_layer_create(g.get(), "Add", "{}", &add));
  inlay_tensor* pair[] = {x, vec};
  inlay_tensor* sum = nullptr;
  size_t n = 0;
  BUILD_CHECK(inlay_layer_call(add, pair, 2, &sum, 1, &n));
  inlay_layer* head = nullptr;
  BUILD_CHECK(inlay_layer_create(g.get(), "Dense", "{\"units\":3,\"activation\":\"softmax\"}", &head));
  inlay_tensor* y = call1(head, sum, status);
  BUILD_CHECK(status);
  inlay_tensor* inputs[] = {img, vec};
  inlay_model* functional = nullptr;
  BUILD_CHECK(inlay_model_create(g.get(), inputs, 2, &y, 1, nullptr, &functional));
  ModelPtr m1(functional);

  // Sequential on the same graph: an Input's layer, then new layers.
  inlay_tensor* seq_in = nullptr;
  BUILD_CHECK(inlay_input(g.get(), "{\"shape\":[8]}", nullptr, nullptr, &seq_in));
  inlay_layer* layers[3] = {inlay_tensor_layer(seq_in), nullptr, nullptr};
  BUILD_CHECK(inlay_layer_create(g.get(), "Dense", "{\"units\":4}", &layers[1]));
  BUILD_CHECK(inlay_layer_create(g.get(), "Dropout", "{\"rate\":0.5}", &layers[2]));
  inlay_model* sequential = nullptr;
  BUILD_CHECK(inlay_sequential_create(g.get(), layers, 3, nullptr, &sequential));
  ModelPtr m2(sequential);

  if (graph_first) g.reset();
  out.json = to_json(m1.get()) + "\n" + to_json(m2.get());
  out.summary = summary(m1.get()) + summary(m2.get());
  for (const inlay_model* m : {m1.get(), m2.get()}) {
    for (size_t i = 0; i < inlay_model_layer_count(m); ++i) {
      char* config = nullptr;
      BUILD_CHECK(inlay_layer_get_config(inlay_model_layer(m, i), &config));
      out.configs += take(config) + "\n";
    }
  }
  return out;
}

TEST(ConcurrentGraphs, SeparateGraphsMatchTheSerialReference) {
  const Built reference = build_models(false);
  ASSERT_EQ(reference.error, "");
  ASSERT_NE(reference.json.find("\"name\": \"conv2d_1\""), std::string::npos) << reference.json;
  // Built twice serially: the same again (auto-names are per graph).
  ASSERT_EQ(build_models(true).json, reference.json);
  const long builds = std::max(4L, g_iterations / 250);
  FirstFailure failures;
  run_threads([&](int t) {
    for (long i = 0; i < builds; ++i) {
      const Built b = build_models((t + i) % 2 == 0);
      if (!b.error.empty()) {
        failures.add("thread " + std::to_string(t) + ": " + b.error);
      } else if (b.json != reference.json || b.summary != reference.summary || b.configs != reference.configs) {
        failures.add("thread " + std::to_string(t) + " build " + std::to_string(i) + " differs from the serial one");
      }
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
}

// Errors are per thread: each thread's failing call leaves its own message.
TEST(ConcurrentGraphs, LastErrorIsPerThread) {
  const long rounds = std::max(10L, g_iterations / 50);
  FirstFailure failures;
  run_threads([&](int t) {
    const std::string units = std::to_string(-(t + 1));
    for (long i = 0; i < rounds; ++i) {
      inlay_graph* raw = nullptr;
      if (inlay_graph_create(&raw) != INLAY_OK) {
        failures.add(inlay_last_error());
        return;
      }
      GraphPtr g(raw);
      inlay_layer* l = nullptr;
      const std::string config = "{\"units\":" + units + "}";
      if (inlay_layer_create(g.get(), "Dense", config.c_str(), &l) == INLAY_OK) {
        failures.add("Dense with units " + units + " was accepted");
        continue;
      }
      const std::string message = inlay_last_error();
      if (message.find(units) == std::string::npos) failures.add("thread " + std::to_string(t) + " got: " + message);
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
}

// ---------------------------------------------------------------------------------------------------------
// (c) The same file / JSON text from 8 threads.

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ConcurrentLoad, SameFilesFromManyThreads) {
  // A .keras file (zip + HDF5 weights), a TensorFlow.js model (JSON + binary shards), and JSON text.
  const std::vector<std::string> paths = {
      model_path(kPredictModel), model_path("mnist_cnn_sequential"),
      (kFixtures / "models" / "multi_input_multi_output" / "tfjs" / "model.json").string()};
  struct Reference {
    std::string json;
    std::vector<float> weights;
  };
  std::vector<Reference> references;
  for (const std::string& p : paths) {
    ModelPtr m = load(p);
    ASSERT_NE(m, nullptr);
    references.push_back({to_json(m.get()), all_weights(m.get())});
    ASSERT_FALSE(references.back().weights.empty());
  }
  const std::string config_text = read_text(kFixtures / "models" / "resnet_projection_block" / "tf_keras.json");
  std::string from_json_reference;
  {
    inlay_model* m = nullptr;
    ASSERT_EQ(inlay_model_from_json(config_text.c_str(), &m), INLAY_OK) << inlay_last_error();
    from_json_reference = to_json(m);
    inlay_model_free(m);
  }
  Sample sample;
  {
    ModelPtr m = load(paths[0]);
    sample = make_sample(m.get(), 2, 9);
    std::string error;
    ASSERT_TRUE(run(m.get(), sample, nullptr, sample.out_dims, sample.expected, error)) << error;
  }

  const long rounds = std::max(3L, g_iterations / 1000);
  FirstFailure failures;
  run_threads([&](int t) {
    Sample mine = sample;
    for (long r = 0; r < rounds; ++r) {
      for (size_t k = 0; k < paths.size(); ++k) {
        const size_t which = (k + static_cast<size_t>(t)) % paths.size();  // threads on different files too
        inlay_model* raw = nullptr;
        if (inlay_model_load(paths[which].c_str(), &raw) != INLAY_OK) {
          failures.add(paths[which] + ": " + inlay_last_error());
          continue;
        }
        ModelPtr m(raw);
        if (to_json(m.get()) != references[which].json) failures.add(paths[which] + ": to_json differs");
        if (all_weights(m.get()) != references[which].weights) failures.add(paths[which] + ": weights differ");
        if (which == 0) {
          std::vector<int64_t> dims;
          std::vector<float> got;
          std::string error;
          if (!run(m.get(), mine, nullptr, dims, got, error)) {
            failures.add(error);
          } else if (std::memcmp(got.data(), mine.expected.data(), got.size() * sizeof(float)) != 0) {
            failures.add("predict after a concurrent load differs");
          }
        }
      }
      inlay_model* raw = nullptr;
      if (inlay_model_from_json(config_text.c_str(), &raw) != INLAY_OK) {
        failures.add(std::string("inlay_model_from_json: ") + inlay_last_error());
        continue;
      }
      ModelPtr m(raw);
      if (to_json(m.get()) != from_json_reference) failures.add("inlay_model_from_json: to_json differs");
    }
  });
  EXPECT_EQ(failures.count(), 0) << "first: " << failures.first();
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (const char* env = std::getenv("INLAY_CONCURRENCY_ITERATIONS")) g_iterations = std::atol(env);
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0) g_iterations = std::atol(argv[i + 1]);
  }
  if (g_iterations <= 0) {
    std::fprintf(stderr, "the iteration count must be positive\n");
    return 2;
  }
  std::printf("[ threads  ] %d threads, %ld predicts each\n", kThreads, g_iterations);
  return RUN_ALL_TESTS();
}
