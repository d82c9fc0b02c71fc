// Hostile inputs through the C ABI: every one must give a clean status and a message that says what was
// wrong, never a crash, an abort or an exception escaping, and never a half-changed object.
//  (a) Sizes: dims whose product overflows int64 or size_t, negative dims and ranks, Input shapes and layer
//      sizes whose weight counts overflow, model JSON with huge batch shapes; sizes that are valid but too
//      large for memory (INLAY_OUT_OF_MEMORY), and predict with a huge batch.
//  (b) Damaged model files: TensorFlow.js shards truncated, grown, missing, manifests with wrong shapes,
//      dtypes, duplicate or missing weights; .keras archives truncated, with a flipped byte, a missing member
//      or a config that disagrees with the weights. The message names the tensor or file at fault.
//  (c) The strong guarantee: after every failed call on a model it predicts bit-identically, its weights,
//      to_json and summary are as before; after failed inlay_input / inlay_layer_call / inlay_model_create on
//      a graph it builds the same model as a graph where nothing failed.
// libzip and nlohmann_json make the damaged files (the test's dependencies, not the interface's).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zip.h>

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
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
using inlay_test::all_weights;
using inlay_test::ArrayPtr;
using inlay_test::TempDir;

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const fs::path kFixtures = INLAY_FIXTURES_DIR;
const fs::path kLogistic = kFixtures / "models" / "logistic_regression";

// ---------------------------------------------------------------------------------------------------------
// Helpers


std::string take(char* text) {
  std::string out = text != nullptr ? text : "";
  inlay_free(text);
  return out;
}

std::string status_text(inlay_status s) { return inlay_status_name(s); }

// A failed call's status is one of `allowed`, and its message holds every needle.
::testing::AssertionResult fails_with(inlay_status st, std::vector<inlay_status> allowed,
                                      std::vector<const char*> needles = {}) {
  const std::string message = inlay_last_error();
  if (std::getenv("INLAY_HOSTILE_PRINT") != nullptr) {  // to review every message by eye
    std::printf("  %s: %s\n", inlay_status_name(st), message.c_str());
  }
  bool ok = false;
  for (inlay_status a : allowed) ok = ok || st == a;
  if (!ok) {
    std::string names;
    for (inlay_status a : allowed) names += (names.empty() ? "" : " or ") + status_text(a);
    return ::testing::AssertionFailure() << "status " << status_text(st) << ", expected " << names << " (message: \""
                                         << message << "\")";
  }
  for (const char* needle : needles) {
    if (message.find(needle) == std::string::npos) {
      return ::testing::AssertionFailure() << "the message does not name \"" << needle << "\": \"" << message << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}


ModelPtr load_ok(const fs::path& path) {
  inlay_model* m = nullptr;
  const inlay_status st = inlay_model_load(path.string().c_str(), &m);
  EXPECT_EQ(st, INLAY_OK) << path << ": " << inlay_last_error();
  return ModelPtr(m);
}

// Loads a damaged file: the status is one of `allowed`, the message holds every needle, *out untouched.
void expect_load_fails(const fs::path& path, std::vector<inlay_status> allowed,
                       std::vector<const char*> needles) {
  inlay_model* m = reinterpret_cast<inlay_model*>(&m);  // a sentinel no call returns
  inlay_model* const sentinel = m;
  const inlay_status st = inlay_model_load(path.string().c_str(), &m);
  EXPECT_TRUE(fails_with(st, allowed, needles)) << path;
  // Every file error names the file (model.json for a TensorFlow.js model, whose shards are beside it).
  EXPECT_NE(std::string(inlay_last_error()).find(path.filename().string()), std::string::npos)
      << "the message does not name " << path.filename() << ": " << inlay_last_error();
  if (st == INLAY_OK) {
    inlay_model_free(m);
  } else {
    EXPECT_EQ(m, sentinel) << "out-parameter changed by a failed load of " << path;
  }
}

ArrayPtr make_array(inlay_dtype t, std::vector<int64_t> dims) {
  inlay_array* a = nullptr;
  EXPECT_EQ(inlay_array_create(t, dims.data(), static_cast<int>(dims.size()), &a), INLAY_OK) << inlay_last_error();
  return ArrayPtr(a);
}

ArrayPtr load_npy(const fs::path& path) {
  inlay_array* a = nullptr;
  EXPECT_EQ(inlay_array_load_npy(path.string().c_str(), &a), INLAY_OK) << inlay_last_error();
  return ArrayPtr(a);
}

// Bytes of every output of one predict (outputs allocated by the library).
std::vector<std::string> predict_bytes(inlay_model* m, const std::vector<const inlay_array*>& inputs) {
  std::vector<inlay_array*> outputs(inlay_model_output_count(m), nullptr);
  const inlay_status st = inlay_model_predict(m, inputs.data(), inputs.size(), outputs.data(), outputs.size());
  EXPECT_EQ(st, INLAY_OK) << inlay_last_error();
  std::vector<std::string> out;
  for (inlay_array* a : outputs) {
    if (a == nullptr) continue;
    const size_t bytes = inlay_array_element_count(a) * inlay_dtype_size(inlay_array_dtype(a));
    out.emplace_back(static_cast<const char*>(inlay_array_data(a)), bytes);
    inlay_array_free(a);
  }
  return out;
}

std::string to_json(const inlay_model* m) {
  char* text = nullptr;
  EXPECT_EQ(inlay_model_to_json(m, &text), INLAY_OK) << inlay_last_error();
  return take(text);
}

std::string summary(const inlay_model* m) {
  char* text = nullptr;
  EXPECT_EQ(inlay_model_summary(m, &text), INLAY_OK) << inlay_last_error();
  return take(text);
}

// Everything observable about a model, for before / after comparisons.
struct Snapshot {
  std::string json;
  std::string summary;
  std::vector<std::vector<float>> weights;
  std::vector<std::string> outputs;
  int threads = 0;
  bool operator==(const Snapshot& o) const {
    return json == o.json && summary == o.summary && weights == o.weights && outputs == o.outputs &&
           threads == o.threads;
  }
};

Snapshot snapshot(inlay_model* m, const std::vector<const inlay_array*>& inputs) {
  return {to_json(m), summary(m), all_weights(m), predict_bytes(m, inputs), inlay_model_num_threads(m)};
}

// Whether this process runs under valgrind, whose operator new aborts where it should throw std::bad_alloc
// ("Valgrind cannot throw exceptions and so is aborting instead"): the cases where operator new itself
// fails are skipped there.
bool under_valgrind() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, "vgpreload") != nullptr;
}

// vm.overcommit_memory = 1: an allocation of terabytes succeeds, and zero-filling it gets the process killed.
bool kernel_overcommits_always() {
  std::ifstream in("/proc/sys/vm/overcommit_memory");
  int mode = 0;
  return (in >> mode) && mode == 1;
}

// Whether operator new of terabytes fails here with std::bad_alloc, as the out-of-memory cases need.
bool terabyte_allocations_fail() { return !under_valgrind() && !kernel_overcommits_always(); }

// ---------------------------------------------------------------------------------------------------------
// (a) Sizes

struct DimsCase {
  inlay_dtype dtype;
  std::vector<int64_t> dims;
  const char* needle;
};

TEST(HostileSizes, ArrayDimsThatOverflowAreInvalid) {
  const int64_t big = int64_t{1} << 40;
  const std::vector<DimsCase> cases = {
      {INLAY_FLOAT32, {INT64_MAX, 2}, "too large"},
      {INLAY_FLOAT32, {2, INT64_MAX}, "too large"},
      {INLAY_FLOAT32, {big, big}, "too large"},
      {INLAY_INT8, {int64_t{1} << 32, int64_t{1} << 32}, "too large"},  // 2^64 elements: size_t wraps to 0
      {INLAY_FLOAT32, {int64_t{1} << 21, int64_t{1} << 21, int64_t{1} << 21}, "too large"},
      {INLAY_COMPLEX128, {INT64_MAX / 16 + 1}, "too large"},
      {INLAY_FLOAT64, {INT64_MAX / 4, 3}, "too large"},
      {INLAY_FLOAT32, {-1}, "negative"},
      {INLAY_FLOAT32, {2, -5}, "dimension 1 is negative"},
      {INLAY_FLOAT32, {INT64_MIN, 1}, "negative"},
      {INLAY_FLOAT32, {big, big, -1}, "too large"},  // whichever is found first, never a crash
  };
  int dummy = 0;
  for (const DimsCase& c : cases) {
    SCOPED_TRACE(::testing::Message() << inlay_dtype_name(c.dtype) << " dims[0]=" << c.dims[0]);
    const int rank = static_cast<int>(c.dims.size());
    inlay_array* a = reinterpret_cast<inlay_array*>(&dummy);
    const inlay_array* const sentinel = a;
    if (c.dims.back() < 0 && c.dims.size() == 3) {
      EXPECT_TRUE(fails_with(inlay_array_create(c.dtype, c.dims.data(), rank, &a), {INLAY_INVALID_ARGUMENT},
                             {"inlay_array_create"}));
    } else {
      EXPECT_TRUE(fails_with(inlay_array_create(c.dtype, c.dims.data(), rank, &a), {INLAY_INVALID_ARGUMENT},
                             {"inlay_array_create", c.needle}));
    }
    EXPECT_EQ(a, sentinel);
    EXPECT_TRUE(fails_with(inlay_array_wrap(c.dtype, c.dims.data(), rank, &dummy, &a), {INLAY_INVALID_ARGUMENT},
                           {"inlay_array_wrap"}));
    EXPECT_EQ(a, sentinel);
    const int64_t no_indices[1] = {0};
    EXPECT_TRUE(fails_with(inlay_array_wrap_sparse(c.dtype, c.dims.data(), rank, no_indices, &dummy, 0, &a),
                           {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_sparse"}));
    EXPECT_EQ(a, sentinel);
    if (c.dims[0] >= 0) {  // ragged: flat_dims[0] must match row_splits; the other dims are what overflows
      std::vector<int64_t> flat = c.dims;
      const int64_t splits[2] = {0, flat[0]};
      EXPECT_TRUE(fails_with(inlay_array_wrap_ragged(c.dtype, &dummy, flat.data(), rank, splits, 2, &a),
                             {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_ragged"}));
      EXPECT_EQ(a, sentinel);
    }
  }
}

TEST(HostileSizes, ZeroSizedDimsWithHugeOnesAreEmptyArrays) {
  // Like NumPy's np.zeros((0, 2**62)): no elements, nothing overflows.
  const int64_t dims[3] = {0, INT64_MAX, INT64_MAX};
  inlay_array* a = nullptr;
  ASSERT_EQ(inlay_array_create(INLAY_FLOAT64, dims, 3, &a), INLAY_OK) << inlay_last_error();
  EXPECT_EQ(inlay_array_element_count(a), 0u);
  inlay_array_free(a);
}

TEST(HostileSizes, RanksOutOfRangeAreInvalid) {
  const int64_t dims[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  int dummy = 0;
  for (int rank : {-1, -2, INLAY_MAX_RANK + 1, 16, INT_MAX, INT_MIN}) {
    SCOPED_TRACE(rank);
    inlay_array* a = nullptr;
    EXPECT_TRUE(fails_with(inlay_array_create(INLAY_FLOAT32, dims, rank, &a), {INLAY_INVALID_ARGUMENT},
                           {"inlay_array_create", "rank"}));
    EXPECT_TRUE(fails_with(inlay_array_wrap(INLAY_FLOAT32, dims, rank, &dummy, &a), {INLAY_INVALID_ARGUMENT},
                           {"inlay_array_wrap", "rank"}));
    EXPECT_TRUE(fails_with(inlay_array_wrap_sparse(INLAY_FLOAT32, dims, rank, nullptr, nullptr, 0, &a),
                           {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_sparse", "rank"}));
    const int64_t splits[2] = {0, 1};
    EXPECT_TRUE(fails_with(inlay_array_wrap_ragged(INLAY_FLOAT32, &dummy, dims, rank, splits, 2, &a),
                           {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_ragged", "rank"}));
    EXPECT_EQ(a, nullptr);
  }
  // Rank 0: a scalar, one element. A sparse array needs rank >= 1, a ragged one flat rank >= 1.
  inlay_array* a = nullptr;
  ASSERT_EQ(inlay_array_create(INLAY_FLOAT32, nullptr, 0, &a), INLAY_OK) << inlay_last_error();
  EXPECT_EQ(inlay_array_element_count(a), 1u);
  EXPECT_EQ(inlay_array_dims(a), nullptr);
  inlay_array_free(a);
  a = nullptr;
  EXPECT_TRUE(fails_with(inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 0, nullptr, nullptr, 0, &a),
                         {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_sparse", "rank"}));
  const int64_t splits[1] = {0};
  EXPECT_TRUE(fails_with(inlay_array_wrap_ragged(INLAY_FLOAT32, nullptr, dims, 0, splits, 1, &a),
                         {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_ragged", "rank"}));
  EXPECT_EQ(a, nullptr);
}

TEST(HostileSizes, SparseCountsThatOverflowAreInvalid) {
  const int64_t dims[2] = {4, 4};
  const int64_t indices[2] = {0, 0};
  const float values[1] = {1.0f};
  // nnz is the caller's promise about the buffers; one that cannot be addressed is refused before any read.
  for (size_t nnz : {SIZE_MAX, SIZE_MAX / 2, size_t{1} << 62, (size_t{1} << 61) + 1}) {
    SCOPED_TRACE(nnz);
    inlay_array* a = nullptr;
    EXPECT_TRUE(fails_with(inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 2, indices, values, nnz, &a),
                           {INLAY_INVALID_ARGUMENT}, {"inlay_array_wrap_sparse", "nnz"}));
    EXPECT_EQ(a, nullptr);
  }
}

TEST(HostileSizes, HugeButValidArraysAreOutOfMemory) {
  // Valid shapes whose data cannot be allocated: INLAY_OUT_OF_MEMORY, no exception, nothing kept.
  const std::vector<std::pair<inlay_dtype, std::vector<int64_t>>> cases = {
      {INLAY_FLOAT32, {int64_t{1} << 40}},                 // 4 TiB
      {INLAY_FLOAT32, {int64_t{1} << 20, int64_t{1} << 20}},  // 4 TiB
      {INLAY_INT8, {int64_t{1} << 62}},                    // 4 EiB
      {INLAY_BOOL, {INT64_MAX}},                           // 2^63 - 1 bytes: the largest accepted size
      {INLAY_COMPLEX128, {int64_t{1} << 40, 8}},
  };
  for (const auto& [dtype, dims] : cases) {
    SCOPED_TRACE(::testing::Message() << inlay_dtype_name(dtype) << " dims[0]=" << dims[0]);
    // Sizes below the 2^47-byte address space could be handed out where the kernel always overcommits.
    if (dims[0] < (int64_t{1} << 47) / 16 && kernel_overcommits_always()) continue;
    inlay_array* a = nullptr;
    EXPECT_TRUE(fails_with(inlay_array_create(dtype, dims.data(), static_cast<int>(dims.size()), &a),
                           {INLAY_OUT_OF_MEMORY}, {"inlay_array_create", "cannot allocate"}));
    EXPECT_EQ(a, nullptr);
  }
}

struct InputCase {
  const char* kwargs;
  std::vector<inlay_status> allowed;
};

TEST(HostileSizes, InputShapesWithHugeOrBadDims) {
  GraphPtr g;
  {
    inlay_graph* raw = nullptr;
    ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
    g.reset(raw);
  }
  // Keras accepts any non-negative int as a dim; what cannot be an int64 is refused.
  const std::vector<InputCase> refused = {
      {R"({"shape":[9223372036854775808, 2]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[18446744073709551615]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[-2, 2]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[-9223372036854775808]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[1e300]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[2.5]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[2], "batch_size":-3})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[2], "batch_size":18446744073709551615})", {INLAY_INVALID_ARGUMENT}},
      {R"({"batch_shape":[9223372036854775808, 2]})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":99999999999999999999999})", {INLAY_INVALID_ARGUMENT, INLAY_PARSE_ERROR}},
  };
  for (const InputCase& c : refused) {
    SCOPED_TRACE(c.kwargs);
    inlay_tensor* t = reinterpret_cast<inlay_tensor*>(&g);
    EXPECT_TRUE(fails_with(inlay_input(g.get(), c.kwargs, nullptr, nullptr, &t), c.allowed));
    EXPECT_EQ(t, reinterpret_cast<inlay_tensor*>(&g));
  }
  // Huge but representable dims and ranks: accepted (Keras has no limit) or refused, never a crash.
  std::string rank_100 = R"({"shape":[)";
  for (int i = 0; i < 100; ++i) rank_100 += (i ? ",1" : "1");
  rank_100 += "]}";
  for (const std::string& kwargs :
       {std::string(R"({"shape":[9223372036854775807, 2], "name":"huge"})"),
        std::string(R"({"shape":[2], "batch_size":9223372036854775807})"),
        std::string(R"({"batch_shape":[9223372036854775807, 9223372036854775807]})"), rank_100}) {
    SCOPED_TRACE(kwargs);
    inlay_tensor* t = nullptr;
    const inlay_status st = inlay_input(g.get(), kwargs.c_str(), nullptr, nullptr, &t);
    EXPECT_TRUE(st == INLAY_OK || st == INLAY_INVALID_ARGUMENT) << status_text(st) << ": " << inlay_last_error();
  }

  // A layer on the huge Input: Dense builds a (2, 3) kernel; Flatten's output size overflows int64.
  inlay_tensor* huge = nullptr;
  ASSERT_EQ(inlay_input(g.get(), R"({"shape":[9223372036854775807, 2]})", nullptr, nullptr, &huge), INLAY_OK);
  inlay_layer* flatten = nullptr;
  ASSERT_EQ(inlay_layer_create(g.get(), "Flatten", nullptr, &flatten), INLAY_OK);
  inlay_tensor* out = nullptr;
  size_t n = 0;
  EXPECT_TRUE(fails_with(inlay_layer_call(flatten, &huge, 1, &out, 1, &n), {INLAY_INVALID_ARGUMENT}, {"overflows"}));
  EXPECT_EQ(inlay_layer_output_count(flatten), 0u);
  inlay_layer* dense = nullptr;
  ASSERT_EQ(inlay_layer_create(g.get(), "Dense", R"({"units":3})", &dense), INLAY_OK);
  ASSERT_EQ(inlay_layer_call(dense, &huge, 1, &out, 1, &n), INLAY_OK) << inlay_last_error();
  inlay_model* m = nullptr;
  ASSERT_EQ(inlay_model_create(g.get(), &huge, 1, &out, 1, "huge_model", &m), INLAY_OK) << inlay_last_error();
  ModelPtr model(m);
  EXPECT_NE(to_json(m).find("9223372036854775807"), std::string::npos);
  EXPECT_NE(summary(m).find("Total params: 9"), std::string::npos) << summary(m);
  // No array has that shape, and a smaller one is refused as Keras refuses it.
  const int64_t dims[3] = {1, 4, 2};
  ArrayPtr small = make_array(INLAY_FLOAT32, {1, 4, 2});
  const inlay_array* in[1] = {small.get()};
  inlay_array* result[1] = {nullptr};
  EXPECT_TRUE(fails_with(inlay_model_predict(m, in, 1, result, 1), {INLAY_SHAPE_MISMATCH},
                         {"Input 0", "expected shape=(None, 9223372036854775807, 2)", "found shape=(1, 4, 2)"}));
  EXPECT_EQ(result[0], nullptr);
  (void)dims;
}

struct LayerCase {
  const char* input;  // inlay_input kwargs
  const char* class_name;
  const char* config;
  std::vector<inlay_status> allowed;
  bool operator_new_fails = false;  // skipped under valgrind
};

TEST(HostileSizes, LayerWeightCountsThatOverflowOrCannotBeAllocated) {
  const std::vector<LayerCase> cases = {
      // kernel (4, 2^63 - 1): the element count overflows int64.
      {R"({"shape":[4]})", "Dense", R"({"units":9223372036854775807})", {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[9223372036854775807]})", "Dense", R"({"units":2})", {INLAY_INVALID_ARGUMENT}},
      // 2^42 floats (16 TiB): representable, not allocatable.
      {R"({"shape":[4]})", "Dense", R"({"units":1099511627776})", {INLAY_OUT_OF_MEMORY}, true},
      // 2^61 floats: more than a std::vector<float> can hold at all (max_size), still just too much memory.
      {R"({"shape":[1]})", "Dense", R"({"units":2305843009213693952})", {INLAY_OUT_OF_MEMORY}},
      {R"({"shape":[1]})", "Dense", R"({"units":4611686018427387904})", {INLAY_OUT_OF_MEMORY}},
      {R"({"shape":[8, 8, 3]})", "Conv2D", R"({"filters":9223372036854775807, "kernel_size":3})",
       {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[8, 8, 3]})", "Conv2D", R"({"filters":1099511627776, "kernel_size":3})", {INLAY_OUT_OF_MEMORY},
       true},
      {R"({"shape":[8, 8, 1]})", "Conv2D", R"({"filters":1, "kernel_size":[3037000499, 3037000499]})",
       {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[8, 8, 1]})", "Conv2D", R"({"filters":2, "kernel_size":3, "dilation_rate":9223372036854775807})",
       {INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[16, 1]})", "Conv1D", R"({"filters":768614336404564651, "kernel_size":3})",
       {INLAY_OUT_OF_MEMORY, INLAY_INVALID_ARGUMENT}},
      {R"({"shape":[4]})", "BatchNormalization", "{}", {INLAY_OK}},  // control: the graph works throughout
      {R"({"shape":[9223372036854775807]})", "BatchNormalization", "{}", {INLAY_OUT_OF_MEMORY}},
  };
  for (const LayerCase& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.class_name << " " << c.config << " on " << c.input);
    if (c.operator_new_fails && !terabyte_allocations_fail()) continue;
    inlay_graph* raw = nullptr;
    ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
    GraphPtr g(raw);
    inlay_tensor* x = nullptr;
    ASSERT_EQ(inlay_input(g.get(), c.input, nullptr, nullptr, &x), INLAY_OK) << inlay_last_error();
    inlay_layer* layer = nullptr;
    inlay_status st = inlay_layer_create(g.get(), c.class_name, c.config, &layer);
    if (st == INLAY_OK) {
      inlay_tensor* y = reinterpret_cast<inlay_tensor*>(&raw);
      size_t n = 99;
      st = inlay_layer_call(layer, &x, 1, &y, 1, &n);
      if (st != INLAY_OK) {
        EXPECT_EQ(y, reinterpret_cast<inlay_tensor*>(&raw)) << "outputs written by a failed call";
        EXPECT_EQ(n, 99u);
        EXPECT_EQ(inlay_layer_output_count(layer), 0u) << "a failed first call left the layer built";
      }
    }
    if (c.allowed.size() == 1 && *c.allowed.begin() == INLAY_OK) {
      EXPECT_EQ(st, INLAY_OK) << inlay_last_error();
    } else {
      EXPECT_TRUE(fails_with(st, c.allowed));
    }
    // The graph still builds a working model after the failure.
    inlay_layer* dense = nullptr;
    inlay_tensor* y = nullptr;
    size_t n = 0;
    inlay_tensor* fresh = nullptr;
    ASSERT_EQ(inlay_input(g.get(), R"({"shape":[3]})", nullptr, nullptr, &fresh), INLAY_OK);
    ASSERT_EQ(inlay_layer_create(g.get(), "Dense", R"({"units":2})", &dense), INLAY_OK) << inlay_last_error();
    ASSERT_EQ(inlay_layer_call(dense, &fresh, 1, &y, 1, &n), INLAY_OK) << inlay_last_error();
    inlay_model* m = nullptr;
    ASSERT_EQ(inlay_model_create(g.get(), &fresh, 1, &y, 1, nullptr, &m), INLAY_OK) << inlay_last_error();
    ModelPtr model(m);
    ArrayPtr input = make_array(INLAY_FLOAT32, {2, 3});
    EXPECT_EQ(predict_bytes(m, {input.get()}).size(), 1u);
  }
}

TEST(HostileSizes, ModelJsonWithHugeBatchShapes) {
  auto sequential = [](const std::string& batch_shape, const std::string& units) {
    return R"({"class_name":"Sequential","config":{"name":"s","layers":[)"
           R"({"class_name":"InputLayer","config":{"batch_shape":)" +
           batch_shape + R"(,"dtype":"float32","name":"in"}},)"
           R"({"class_name":"Dense","config":{"units":)" +
           units + R"(,"name":"d"}}]}})";
  };
  struct Case {
    std::string json;
    std::vector<inlay_status> allowed;
    std::vector<const char*> needles;
  };
  const std::vector<Case> refused = {
      {sequential("[null, 9223372036854775807]", "2"), {INLAY_INVALID_ARGUMENT}, {"overflows"}},
      {sequential("[null, 4]", "9223372036854775807"), {INLAY_INVALID_ARGUMENT}, {"overflows"}},
      {sequential("[null, 1099511627776]", "1024"), {INLAY_OUT_OF_MEMORY}, {"out of memory"}},
      {sequential("[null, 18446744073709551615]", "2"), {INLAY_INVALID_ARGUMENT}, {}},
      {sequential("[null, -4]", "2"), {INLAY_INVALID_ARGUMENT}, {}},
      {sequential("[null, 4]", "1e300"), {INLAY_INVALID_ARGUMENT}, {"units"}},
      {sequential("[null, 4]", "-1"), {INLAY_INVALID_ARGUMENT}, {"units"}},
  };
  for (const Case& c : refused) {
    SCOPED_TRACE(c.json);
    if (c.allowed == std::vector<inlay_status>{INLAY_OUT_OF_MEMORY} && !terabyte_allocations_fail()) continue;
    inlay_model* m = nullptr;
    EXPECT_TRUE(fails_with(inlay_model_from_json(c.json.c_str(), &m), c.allowed, c.needles));
    EXPECT_EQ(m, nullptr);
  }
  // A huge concrete batch is a valid model; predict refuses other batches as Keras does.
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_from_json(sequential("[9223372036854775807, 4]", "2").c_str(), &raw), INLAY_OK)
      << inlay_last_error();
  ModelPtr m(raw);
  ArrayPtr input = make_array(INLAY_FLOAT32, {3, 4});
  const inlay_array* in[1] = {input.get()};
  inlay_array* out[1] = {nullptr};
  EXPECT_TRUE(fails_with(inlay_model_predict(m.get(), in, 1, out, 1), {INLAY_SHAPE_MISMATCH},
                         {"Input 0", "found shape=(3, 4)", "batch size is fixed at 9223372036854775807"}));
  EXPECT_EQ(out[0], nullptr);
}

// A read-only anonymous mapping of `bytes` that reserves no memory: zero pages, as large as the address
// space allows, for arrays too big to exist.
class HugeMapping {
 public:
  explicit HugeMapping(size_t bytes) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : p;
  }
  ~HugeMapping() {
    if (data_ != nullptr) munmap(data_, bytes_);
  }
  void* data() const { return data_; }

 private:
  size_t bytes_;
  void* data_;
};

TEST(HostileSizes, PredictWithAHugeBatch) {
  if (!terabyte_allocations_fail()) GTEST_SKIP() << "512 GiB could be allocated here (overcommit, valgrind)";
  ModelPtr m = load_ok(kLogistic / "model.keras");  // (None, 32) -> (None, 16)
  ASSERT_NE(m, nullptr);
  ArrayPtr x = load_npy(kLogistic / "predict" / "input_0.npy");
  const Snapshot before = snapshot(m.get(), {x.get()});

  // A batch of 2^33 rows: 1 TiB of input (mapped, never backed), 512 GiB of output that cannot be allocated.
  const int64_t batch = int64_t{1} << 33;
  HugeMapping mapping(static_cast<size_t>(batch) * 32 * sizeof(float));
  if (mapping.data() == nullptr) GTEST_SKIP() << "cannot map 1 TiB of address space here";
  const int64_t dims[2] = {batch, 32};
  inlay_array* raw = nullptr;
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims, 2, mapping.data(), &raw), INLAY_OK) << inlay_last_error();
  ArrayPtr huge(raw);
  const inlay_array* in[1] = {huge.get()};

  // prepare: the plan for that batch compiles (nothing of the batch's size is allocated), or it is too big.
  const inlay_status prepared = inlay_model_prepare(m.get(), in, 1);
  EXPECT_TRUE(prepared == INLAY_OK || fails_with(prepared, {INLAY_OUT_OF_MEMORY}))
      << status_text(prepared) << ": " << inlay_last_error();
  // predict: the output cannot be allocated.
  inlay_array* out[1] = {nullptr};
  EXPECT_TRUE(fails_with(inlay_model_predict(m.get(), in, 1, out, 1), {INLAY_OUT_OF_MEMORY}, {"inlay_model_predict"}));
  EXPECT_EQ(out[0], nullptr);
  EXPECT_TRUE(snapshot(m.get(), {x.get()}) == before) << "the model changed after a failed predict";
}

// ---------------------------------------------------------------------------------------------------------
// (b) Damaged files

// JSON nested deeper than 256 levels is refused before it is parsed (the core walks values recursively);
// brackets inside strings are not nesting, and 256 levels are still read.
TEST(HostileSizes, DeeplyNestedJson) {
  auto nested = [](int depth, const std::string& inner) {
    return "{\"kind\":\"tensor\",\"shape\":[4],\"dtype\":\"float32\",\"name\":\"x\",\"extra\":" +
           std::string(static_cast<std::size_t>(depth), '[') + inner + std::string(static_cast<std::size_t>(depth), ']') +
           "}";
  };
  inlay_spec* spec = nullptr;
  EXPECT_TRUE(fails_with(inlay_spec_from_json(nested(300, "1").c_str(), &spec), {INLAY_PARSE_ERROR},
                         {"inlay_spec_from_json", "nested deeper than 256 levels"}));
  EXPECT_EQ(spec, nullptr);
  // 255 arrays inside the object (256 levels): parsed, then refused for the unknown key, not for depth.
  const inlay_status st = inlay_spec_from_json(nested(255, "1").c_str(), &spec);
  EXPECT_NE(st, INLAY_OK);
  EXPECT_EQ(std::string(inlay_last_error()).find("nested deeper"), std::string::npos) << inlay_last_error();
  const std::string brackets_in_a_string = nested(2, "\"" + std::string(400, '[') + "\\\"" + std::string(400, '{') + "\"");
  EXPECT_NE(inlay_spec_from_json(brackets_in_a_string.c_str(), &spec), INLAY_OK);
  EXPECT_EQ(std::string(inlay_last_error()).find("nested deeper"), std::string::npos) << inlay_last_error();
  EXPECT_TRUE(fails_with(inlay_spec_from_json(("[" + nested(300, "1")).c_str(), &spec), {INLAY_PARSE_ERROR},
                         {"nested deeper"}));  // malformed and deep: the depth is what is reported
}

// The fixture's TensorFlow.js model copied into dir/tfjs, its model.json edited by `edit`.
fs::path tfjs_copy(const fs::path& dir, const std::function<void(json&)>& edit = nullptr) {
  const fs::path out = dir / "tfjs";
  fs::create_directories(out);
  for (const auto& entry : fs::directory_iterator(kLogistic / "tfjs")) {
    fs::copy_file(entry.path(), out / entry.path().filename(), fs::copy_options::overwrite_existing);
  }
  if (edit) {
    json model = json::parse(read_bytes(out / "model.json"));
    edit(model);
    write_bytes(out / "model.json", model.dump());
  }
  return out;
}

json& manifest_weights(json& model) { return model["weightsManifest"][0]["weights"]; }

TEST(DamagedTfjs, TheUndamagedCopyLoads) {
  TempDir dir;
  ModelPtr m = load_ok(tfjs_copy(dir.path()) / "model.json");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(inlay_model_weight_count(m.get()), 2u);
}

TEST(DamagedTfjs, TruncatedShards) {
  TempDir dir;
  const fs::path model = tfjs_copy(dir.path());
  const fs::path shard = model / "group1-shard1of1.bin";
  const std::string bytes = read_bytes(shard);
  ASSERT_EQ(bytes.size(), 2112u);  // dense/kernel (32, 16) then dense/bias (16,), float32
  // Cut inside the bias: it is the bias that is missing; inside the kernel: the kernel.
  for (size_t keep : {size_t{2111}, size_t{2048}, size_t{2100}}) {
    SCOPED_TRACE(keep);
    write_bytes(shard, bytes.substr(0, keep));
    expect_load_fails(model / "model.json", {INLAY_PARSE_ERROR},
                      {"model.json", "group1-shard1of1.bin", "truncated", "'dense/bias'"});
  }
  for (size_t keep : {size_t{0}, size_t{1}, size_t{1000}, size_t{2047}}) {
    SCOPED_TRACE(keep);
    write_bytes(shard, bytes.substr(0, keep));
    expect_load_fails(model / "model.json", {INLAY_PARSE_ERROR},
                      {"model.json", "group1-shard1of1.bin", "truncated", "'dense/kernel'"});
  }
}

TEST(DamagedTfjs, ShardsWithBytesAppended) {
  TempDir dir;
  const fs::path model = tfjs_copy(dir.path());
  const fs::path shard = model / "group1-shard1of1.bin";
  const std::string bytes = read_bytes(shard);
  for (size_t extra : {size_t{1}, size_t{4}, size_t{64}, size_t{100000}}) {
    SCOPED_TRACE(extra);
    write_bytes(shard, bytes + std::string(extra, '\x7f'));
    expect_load_fails(model / "model.json", {INLAY_PARSE_ERROR},
                      {"model.json", "group1-shard1of1.bin", std::to_string(2112 + extra).c_str(), "2112"});
  }
}

TEST(DamagedTfjs, MissingShard) {
  TempDir dir;
  const fs::path model = tfjs_copy(dir.path());
  fs::remove(model / "group1-shard1of1.bin");
  expect_load_fails(model / "model.json", {INLAY_IO_ERROR}, {"model.json", "group1-shard1of1.bin"});
  // The shard split in two in the manifest, the second part missing.
  const fs::path split = tfjs_copy(dir.path() / "split", [](json& m) {
    m["weightsManifest"][0]["paths"] = json::array({"group1-shard1of2.bin", "group1-shard2of2.bin"});
  });
  const std::string bytes = read_bytes(kLogistic / "tfjs" / "group1-shard1of1.bin");
  write_bytes(split / "group1-shard1of2.bin", bytes.substr(0, 1000));
  expect_load_fails(split / "model.json", {INLAY_IO_ERROR}, {"group1-shard2of2.bin"});
  write_bytes(split / "group1-shard2of2.bin", bytes.substr(1000));
  ModelPtr ok = load_ok(split / "model.json");  // both parts there: the same model
  EXPECT_NE(ok, nullptr);
}

TEST(DamagedTfjs, ManifestShapesAndDtypes) {
  TempDir dir;
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    std::vector<inlay_status> allowed;
    std::vector<const char*> needles;
  };
  const std::vector<Case> cases = {
      {"kernel transposed", [](json& m) { manifest_weights(m)[0]["shape"] = {16, 32}; }, {INLAY_SHAPE_MISMATCH},
       {"'dense/kernel'", "(16, 32)", "(32, 16)"}},
      {"kernel one column more", [](json& m) { manifest_weights(m)[0]["shape"] = {32, 17}; }, {INLAY_SHAPE_MISMATCH},
       {"'dense/kernel'", "(32, 17)"}},
      {"bias of rank 2", [](json& m) { manifest_weights(m)[1]["shape"] = {16, 1}; }, {INLAY_SHAPE_MISMATCH},
       {"'dense/bias'"}},
      {"bias scalar", [](json& m) { manifest_weights(m)[1]["shape"] = json::array(); }, {INLAY_SHAPE_MISMATCH},
       {"'dense/bias'"}},
      {"negative dim", [](json& m) { manifest_weights(m)[0]["shape"] = {-32, 16}; }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'"}},
      {"overflowing shape", [](json& m) { manifest_weights(m)[0]["shape"] = {INT64_MAX, 16}; }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'", "overflows"}},
      {"dim too large for int64",
       [](json& m) { manifest_weights(m)[0]["shape"] = {uint64_t{1} << 63, 1}; }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'"}},
      {"shape not a list", [](json& m) { manifest_weights(m)[0]["shape"] = "32x16"; }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'"}},
      {"float64 dtype", [](json& m) { manifest_weights(m)[0]["dtype"] = "float64"; }, {INLAY_UNSUPPORTED},
       {"'dense/kernel'", "float64"}},
      {"string dtype", [](json& m) { manifest_weights(m)[1]["dtype"] = "string"; }, {INLAY_UNSUPPORTED},
       {"'dense/bias'"}},
      {"no dtype", [](json& m) { manifest_weights(m)[1].erase("dtype"); }, {INLAY_PARSE_ERROR}, {"'dense/bias'"}},
      {"dtype not a string", [](json& m) { manifest_weights(m)[1]["dtype"] = 32; }, {INLAY_PARSE_ERROR},
       {"'dense/bias'", "\"dtype\" that is not a dtype name: 32"}},
      {"unknown quantization", [](json& m) { manifest_weights(m)[0]["quantization"] = {{"dtype", "int4"}}; },
       {INLAY_UNSUPPORTED}, {"'dense/kernel'"}},
      {"quantization without scale",
       [](json& m) { manifest_weights(m)[0]["quantization"] = {{"dtype", "uint8"}}; }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'", "scale"}},
  };
  int k = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const fs::path model = tfjs_copy(dir.path() / std::to_string(k++), c.edit);
    expect_load_fails(model / "model.json", c.allowed, c.needles);
  }
}

TEST(DamagedTfjs, DuplicateMissingAndUnknownWeights) {
  TempDir dir;
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    std::vector<inlay_status> allowed;
    std::vector<const char*> needles;
  };
  const std::vector<Case> cases = {
      {"kernel listed twice",
       [](json& m) { manifest_weights(m).push_back(manifest_weights(m)[0]); }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'", "both"}},
      {"kernel listed twice, once with a scope",
       [](json& m) {
         json again = manifest_weights(m)[0];
         again["name"] = "model/dense/kernel";
         manifest_weights(m).push_back(again);
       },
       {INLAY_PARSE_ERROR}, {"'dense/kernel'", "'model/dense/kernel'"}},
      {"bias missing", [](json& m) { manifest_weights(m).erase(1); }, {INLAY_PARSE_ERROR}, {"'dense/bias'"}},
      {"no weights at all", [](json& m) { m.erase("weightsManifest"); }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'", "'dense/bias'"}},
      {"empty manifest", [](json& m) { m["weightsManifest"] = json::array(); }, {INLAY_PARSE_ERROR},
       {"'dense/kernel'"}},
      {"unknown weight", [](json& m) { manifest_weights(m)[1]["name"] = "dense/gamma"; }, {INLAY_PARSE_ERROR},
       {"'dense/gamma'"}},
      {"weight of another layer", [](json& m) { manifest_weights(m)[0]["name"] = "dense_1/kernel"; },
       {INLAY_PARSE_ERROR}, {"'dense_1/kernel'"}},
      {"weight without a name", [](json& m) { manifest_weights(m)[0].erase("name"); }, {INLAY_PARSE_ERROR},
       {"weightsManifest[0].weights[0]"}},
      {"kernel and bias swapped",  // the names decide, not the order: the shapes then disagree with the bytes
       [](json& m) { std::swap(manifest_weights(m)[0]["name"], manifest_weights(m)[1]["name"]); },
       {INLAY_SHAPE_MISMATCH}, {"'dense/bias'"}},
  };
  int k = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const fs::path model = tfjs_copy(dir.path() / std::to_string(k++), c.edit);
    expect_load_fails(model / "model.json", c.allowed, c.needles);
  }
}

// .keras archives, rewritten member by member with libzip.
using Members = std::vector<std::pair<std::string, std::string>>;

Members read_zip(const fs::path& path) {
  int error = 0;
  zip_t* z = zip_open(path.string().c_str(), ZIP_RDONLY, &error);
  EXPECT_NE(z, nullptr);
  Members out;
  if (z == nullptr) return out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st);
    std::string data(st.size, '\0');
    zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
    zip_fread(f, data.data(), st.size);
    zip_fclose(f);
    out.emplace_back(st.name, std::move(data));
  }
  zip_discard(z);
  return out;
}

void write_zip(const fs::path& path, const Members& members) {
  int error = 0;
  zip_t* z = zip_open(path.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(z, nullptr);
  for (const auto& [name, data] : members) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    const zip_int64_t index = zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE);
    ASSERT_GE(index, 0);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  ASSERT_EQ(zip_close(z), 0);
}

std::string& member(Members& members, const std::string& name) {
  for (auto& [n, data] : members) {
    if (n == name) return data;
  }
  throw std::runtime_error("no member " + name);
}

TEST(DamagedKeras, TruncatedAtManyOffsets) {
  TempDir dir;
  const std::string bytes = read_bytes(kLogistic / "model.keras");
  ASSERT_GT(bytes.size(), 1000u);
  const fs::path cut = dir.path() / "cut.keras";
  std::vector<size_t> offsets = {0, 1, 2, 3, 4, 10, 29, 30, 31, 64, 100, 200, 1000, 1600, 5000, 10000};
  for (size_t back = 1; back <= 100; back += 3) offsets.push_back(bytes.size() - back);  // inside the directory
  for (size_t k = 1; k < 16; ++k) offsets.push_back(bytes.size() * k / 16);
  for (size_t keep : offsets) {
    SCOPED_TRACE(keep);
    write_bytes(cut, bytes.substr(0, keep));
    expect_load_fails(cut, {INLAY_PARSE_ERROR, INLAY_IO_ERROR}, {"cut.keras"});
  }
}

TEST(DamagedKeras, FlippedBytes) {
  TempDir dir;
  const std::string bytes = read_bytes(kLogistic / "model.keras");
  // Where model.weights.h5's data starts in the archive (stored, uncompressed): its local header's name.
  const size_t name_at = bytes.find("model.weights.h5");
  ASSERT_NE(name_at, std::string::npos);
  const size_t data_at = name_at + std::string("model.weights.h5").size();  // + extra field, if any (none here)
  const fs::path flipped = dir.path() / "flipped.keras";
  // A corrupt byte anywhere in the weights member: libzip's CRC check names the member.
  for (size_t at : {data_at, data_at + 8, data_at + 100, data_at + 2000, data_at + 6000, data_at + 13000}) {
    SCOPED_TRACE(at);
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    write_bytes(flipped, damaged);
    expect_load_fails(flipped, {INLAY_PARSE_ERROR}, {"flipped.keras", "model.weights.h5"});
  }
  // Every 13th byte of the whole archive, one at a time: never a crash; a load either fails or is the model.
  for (size_t at = 0; at < bytes.size(); at += 13) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0xff);
    write_bytes(flipped, damaged);
    inlay_model* m = nullptr;
    const inlay_status st = inlay_model_load(flipped.string().c_str(), &m);
    if (st == INLAY_OK) {
      inlay_model_free(m);
    } else {
      EXPECT_TRUE(fails_with(st, {INLAY_PARSE_ERROR, INLAY_IO_ERROR, INLAY_SHAPE_MISMATCH, INLAY_UNSUPPORTED,
                                  INLAY_INVALID_ARGUMENT},
                             {"flipped.keras"}))
          << "byte " << at;
    }
  }
}

TEST(DamagedKeras, CorruptWeightsWithAValidCrc) {
  // The HDF5 image damaged, the archive rewritten around it (so the CRC matches): HDF5 must notice, or the
  // bytes hit were raw weight data (then the load succeeds with other values).
  TempDir dir;
  Members original = read_zip(kLogistic / "model.keras");
  const fs::path path = dir.path() / "h5.keras";
  {
    Members members = original;
    member(members, "model.weights.h5").replace(0, 8, "\x89HDX\r\n\x1a\n", 8);  // the superblock signature
    write_zip(path, members);
    expect_load_fails(path, {INLAY_PARSE_ERROR}, {"h5.keras", "model.weights.h5", "HDF5"});
  }
  {
    Members members = original;
    member(members, "model.weights.h5").resize(4000);  // truncated HDF5 image
    write_zip(path, members);
    expect_load_fails(path, {INLAY_PARSE_ERROR}, {"h5.keras", "model.weights.h5"});
  }
  {
    Members members = original;
    member(members, "model.weights.h5").clear();
    write_zip(path, members);
    expect_load_fails(path, {INLAY_PARSE_ERROR}, {"h5.keras", "model.weights.h5"});
  }
  const size_t size = member(original, "model.weights.h5").size();
  for (size_t at = 0; at < size; at += 61) {
    Members members = original;
    std::string& h5 = member(members, "model.weights.h5");
    h5[at] = static_cast<char>(h5[at] ^ 0xa5);
    write_zip(path, members);
    inlay_model* m = nullptr;
    const inlay_status st = inlay_model_load(path.string().c_str(), &m);
    if (st == INLAY_OK) {
      inlay_model_free(m);
    } else {
      EXPECT_TRUE(fails_with(st, {INLAY_PARSE_ERROR, INLAY_SHAPE_MISMATCH}, {"h5.keras"})) << "byte " << at;
    }
  }
}

TEST(DamagedKeras, MissingMembers) {
  TempDir dir;
  const Members original = read_zip(kLogistic / "model.keras");
  for (const char* name : {"model.weights.h5", "config.json"}) {
    SCOPED_TRACE(name);
    Members members;
    for (const auto& m : original) {
      if (m.first != name) members.push_back(m);
    }
    const fs::path path = dir.path() / "missing.keras";
    write_zip(path, members);
    expect_load_fails(path, {INLAY_PARSE_ERROR}, {"missing.keras", name});
  }
  // metadata.json is optional.
  Members members;
  for (const auto& m : original) {
    if (m.first != "metadata.json") members.push_back(m);
  }
  write_zip(dir.path() / "no_metadata.keras", members);
  EXPECT_NE(load_ok(dir.path() / "no_metadata.keras"), nullptr);
}

TEST(DamagedKeras, ConfigThatDisagreesWithTheWeights) {
  TempDir dir;
  const Members original = read_zip(kLogistic / "model.keras");
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    std::vector<inlay_status> allowed;
    std::vector<const char*> needles;
  };
  auto dense = [](json& c) -> json& { return c["config"]["layers"][1]["config"]; };
  auto input = [](json& c) -> json& { return c["config"]["layers"][0]["config"]; };
  const std::vector<Case> cases = {
      {"fewer units", [&](json& c) { dense(c)["units"] = 8; }, {INLAY_SHAPE_MISMATCH},
       {"'dense/kernel'", "(32, 8)", "(32, 16)", "layers/dense/vars/0"}},
      {"more inputs", [&](json& c) { input(c)["batch_shape"] = {nullptr, 33}; }, {INLAY_SHAPE_MISMATCH},
       {"'dense/kernel'", "(33, 16)"}},
      {"no bias", [&](json& c) { dense(c)["use_bias"] = false; }, {INLAY_PARSE_ERROR}, {"'dense'", "vars"}},
      {"another layer class", [&](json& c) { c["config"]["layers"][1]["class_name"] = "BatchNormalization";
                                             dense(c) = {{"name", "dense"}}; },
       {INLAY_PARSE_ERROR}, {"batch_normalization"}},
      {"huge units", [&](json& c) { dense(c)["units"] = int64_t{1} << 40; }, {INLAY_OUT_OF_MEMORY}, {"out of memory"}},
      {"overflowing units", [&](json& c) { dense(c)["units"] = INT64_MAX; }, {INLAY_INVALID_ARGUMENT},
       {"overflows"}},
      {"huge batch_shape", [&](json& c) { input(c)["batch_shape"] = {nullptr, INT64_MAX}; },
       {INLAY_INVALID_ARGUMENT}, {"overflows"}},
  };
  int k = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    if (c.allowed == std::vector<inlay_status>{INLAY_OUT_OF_MEMORY} && !terabyte_allocations_fail()) continue;
    Members members = original;
    json config = json::parse(member(members, "config.json"));
    c.edit(config);
    member(members, "config.json") = config.dump();
    const fs::path path = dir.path() / ("config" + std::to_string(k++) + ".keras");
    write_zip(path, members);
    expect_load_fails(path, c.allowed, c.needles);
  }
}

// ---------------------------------------------------------------------------------------------------------
// (c) The strong guarantee

struct Failure {
  const char* what;
  std::function<inlay_status(inlay_model*)> call;
  std::vector<inlay_status> allowed;
  std::vector<const char*> needles;
};

TEST(StrongGuarantee, FailedCallsLeaveTheModelUnchanged) {
  ModelPtr owned = load_ok(kLogistic / "model.keras");  // input (None, 32) 'input_layer' -> Dense(16)
  ASSERT_NE(owned, nullptr);
  inlay_model* m = owned.get();
  ArrayPtr x = load_npy(kLogistic / "predict" / "input_0.npy");  // (2, 32) float32
  ASSERT_NE(x, nullptr);
  const Snapshot before = snapshot(m, {x.get()});
  ASSERT_EQ(before.outputs.size(), 1u);

  ArrayPtr f64 = make_array(INLAY_FLOAT64, {2, 32});
  ArrayPtr i32 = make_array(INLAY_INT32, {2, 32});
  ArrayPtr rank3 = make_array(INLAY_FLOAT32, {2, 32, 5});
  ArrayPtr rank1 = make_array(INLAY_FLOAT32, {32});
  ArrayPtr narrow = make_array(INLAY_FLOAT32, {2, 31});
  ArrayPtr scalar = make_array(INLAY_FLOAT32, {});
  const int64_t sparse_dims[2] = {2, 32};
  const int64_t sparse_indices[2] = {0, 0};
  const float sparse_values[1] = {1.0f};
  inlay_array* raw = nullptr;
  ASSERT_EQ(inlay_array_wrap_sparse(INLAY_FLOAT32, sparse_dims, 2, sparse_indices, sparse_values, 1, &raw), INLAY_OK);
  ArrayPtr sparse(raw);
  std::vector<float> flat(3 * 32, 1.0f);
  const int64_t flat_dims[2] = {3, 32};
  const int64_t splits[3] = {0, 1, 3};
  ASSERT_EQ(inlay_array_wrap_ragged(INLAY_FLOAT32, flat.data(), flat_dims, 2, splits, 3, &raw), INLAY_OK);
  ArrayPtr ragged(raw);

  // Outputs passed in, filled with a pattern no failed call may disturb.
  std::vector<float> pattern(2 * 16, -123.25f);
  auto wrapped = [](std::vector<float>& data, std::vector<int64_t> dims, inlay_dtype t = INLAY_FLOAT32) {
    inlay_array* a = nullptr;
    EXPECT_EQ(inlay_array_wrap(t, dims.data(), static_cast<int>(dims.size()), data.data(), &a), INLAY_OK);
    return ArrayPtr(a);
  };
  std::vector<float> good_out_data = pattern, narrow_out_data = pattern, f64_out_data(2 * 16 * 2, -123.25f);
  ArrayPtr good_out = wrapped(good_out_data, {2, 16});
  ArrayPtr narrow_out = wrapped(narrow_out_data, {2, 15});
  ArrayPtr f64_out = wrapped(f64_out_data, {2, 16}, INLAY_FLOAT64);

  auto predict1 = [](inlay_model* mm, const inlay_array* input, inlay_array* output) {
    const inlay_array* in[1] = {input};
    inlay_array* out[1] = {output};
    const inlay_status st = inlay_model_predict(mm, in, 1, out, 1);
    EXPECT_EQ(out[0], output) << "a failed predict set an output";
    return st;
  };
  const size_t kernel = 32 * 16;
  std::vector<float> ones(kernel + 1, 1.0f);
  std::vector<float> read_back(kernel + 1, 7.0f);
  const int64_t bad_dims[2] = {2, 32};

  const std::vector<Failure> failures = {
      {"float64 input", [&](inlay_model* mm) { return predict1(mm, f64.get(), nullptr); }, {INLAY_INVALID_ARGUMENT},
       {"Input 0", "'input_layer'", "float32", "float64"}},
      {"int32 input", [&](inlay_model* mm) { return predict1(mm, i32.get(), good_out.get()); },
       {INLAY_INVALID_ARGUMENT}, {"Input 0", "int32"}},
      {"rank 3 input", [&](inlay_model* mm) { return predict1(mm, rank3.get(), good_out.get()); },
       {INLAY_SHAPE_MISMATCH}, {"Input 0", "expected shape=(None, 32)", "found shape=(2, 32, 5)"}},
      {"rank 1 input", [&](inlay_model* mm) { return predict1(mm, rank1.get(), nullptr); }, {INLAY_SHAPE_MISMATCH},
       {"Input 0", "found shape=(32,)"}},
      {"rank 0 input", [&](inlay_model* mm) { return predict1(mm, scalar.get(), nullptr); }, {INLAY_SHAPE_MISMATCH},
       {"Input 0", "found shape=()"}},
      {"narrow input", [&](inlay_model* mm) { return predict1(mm, narrow.get(), good_out.get()); },
       {INLAY_SHAPE_MISMATCH}, {"Input 0", "expected shape=(None, 32)", "found shape=(2, 31)"}},
      {"sparse input", [&](inlay_model* mm) { return predict1(mm, sparse.get(), nullptr); }, {INLAY_INVALID_ARGUMENT},
       {"Input 0", "dense", "sparse"}},
      {"ragged input", [&](inlay_model* mm) { return predict1(mm, ragged.get(), nullptr); }, {INLAY_INVALID_ARGUMENT},
       {"Input 0", "ragged"}},
      {"no inputs",
       [&](inlay_model* mm) {
         inlay_array* out[1] = {nullptr};
         return inlay_model_predict(mm, nullptr, 0, out, 1);
       },
       {INLAY_INVALID_ARGUMENT}, {"expects 1 input(s)", "received 0"}},
      {"two inputs",
       [&](inlay_model* mm) {
         const inlay_array* in[2] = {x.get(), x.get()};
         inlay_array* out[1] = {nullptr};
         return inlay_model_predict(mm, in, 2, out, 1);
       },
       {INLAY_INVALID_ARGUMENT}, {"expects 1 input(s)", "received 2"}},
      {"two outputs",
       [&](inlay_model* mm) {
         const inlay_array* in[1] = {x.get()};
         inlay_array* out[2] = {nullptr, nullptr};
         const inlay_status st = inlay_model_predict(mm, in, 1, out, 2);
         EXPECT_TRUE(out[0] == nullptr && out[1] == nullptr);
         return st;
       },
       {INLAY_INVALID_ARGUMENT}, {"1 output(s)", "n_outputs is 2"}},
      {"narrow output", [&](inlay_model* mm) { return predict1(mm, x.get(), narrow_out.get()); },
       {INLAY_SHAPE_MISMATCH}, {"Output 0", "outputs[0]", "(2, 15)"}},
      {"float64 output", [&](inlay_model* mm) { return predict1(mm, x.get(), f64_out.get()); },
       {INLAY_SHAPE_MISMATCH}, {"Output 0", "float64"}},
      {"input as output", [&](inlay_model* mm) { return predict1(mm, x.get(), x.get()); }, {INLAY_SHAPE_MISMATCH},
       {"Output 0"}},
      {"NULL input entry", [&](inlay_model* mm) { return predict1(mm, nullptr, good_out.get()); },
       {INLAY_INVALID_ARGUMENT}, {"inlay_model_predict", "inputs[0]"}},
      {"prepare: narrow input",
       [&](inlay_model* mm) {
         const inlay_array* in[1] = {narrow.get()};
         return inlay_model_prepare(mm, in, 1);
       },
       {INLAY_SHAPE_MISMATCH}, {"Input 0", "found shape=(2, 31)"}},
      {"prepare: float64 input",
       [&](inlay_model* mm) {
         const inlay_array* in[1] = {f64.get()};
         return inlay_model_prepare(mm, in, 1);
       },
       {INLAY_INVALID_ARGUMENT}, {"Input 0", "float64"}},
      {"prepare: two inputs",
       [&](inlay_model* mm) {
         const inlay_array* in[2] = {x.get(), x.get()};
         return inlay_model_prepare(mm, in, 2);
       },
       {INLAY_INVALID_ARGUMENT}, {"received 2"}},
      {"prepare: NULL input entry",
       [&](inlay_model* mm) {
         const inlay_array* in[1] = {nullptr};
         return inlay_model_prepare(mm, in, 1);
       },
       {INLAY_INVALID_ARGUMENT}, {"inlay_model_prepare", "inputs[0]"}},
      {"set_weight: one value too many",
       [&](inlay_model* mm) { return inlay_model_set_weight(mm, 0, ones.data(), kernel + 1); },
       {INLAY_SHAPE_MISMATCH}, {"'dense/kernel'", "(32, 16)", "513"}},
      {"set_weight: one value too few",
       [&](inlay_model* mm) { return inlay_model_set_weight(mm, 0, ones.data(), kernel - 1); },
       {INLAY_SHAPE_MISMATCH}, {"'dense/kernel'", "511"}},
      {"set_weight: the kernel's count for the bias",
       [&](inlay_model* mm) { return inlay_model_set_weight(mm, 1, ones.data(), kernel); }, {INLAY_SHAPE_MISMATCH},
       {"'dense/bias'", "(16,)"}},
      {"set_weight: 0 values", [&](inlay_model* mm) { return inlay_model_set_weight(mm, 1, ones.data(), 0); },
       {INLAY_SHAPE_MISMATCH}, {"'dense/bias'"}},
      {"set_weight: index 2", [&](inlay_model* mm) { return inlay_model_set_weight(mm, 2, ones.data(), 16); },
       {INLAY_NOT_FOUND}, {"index 2", "2 weights"}},
      {"set_weight: index SIZE_MAX",
       [&](inlay_model* mm) { return inlay_model_set_weight(mm, SIZE_MAX, ones.data(), 16); }, {INLAY_NOT_FOUND},
       {"out of range"}},
      {"get_weight: wrong count",
       [&](inlay_model* mm) {
         const inlay_status st = inlay_model_get_weight(mm, 0, read_back.data(), kernel + 1);
         for (float v : read_back) EXPECT_EQ(v, 7.0f) << "a failed get_weight wrote its buffer";
         return st;
       },
       {INLAY_SHAPE_MISMATCH}, {"'dense/kernel'"}},
      {"get_weight: index 9", [&](inlay_model* mm) { return inlay_model_get_weight(mm, 9, read_back.data(), 1); },
       {INLAY_NOT_FOUND}, {"index 9"}},
      {"set_num_threads(-1)", [](inlay_model* mm) { return inlay_model_set_num_threads(mm, -1); },
       {INLAY_INVALID_ARGUMENT}, {"thread", "-1"}},
      {"set_num_threads(4097)", [](inlay_model* mm) { return inlay_model_set_num_threads(mm, 4097); },
       {INLAY_INVALID_ARGUMENT}, {"4097"}},
      {"set_num_threads(INT_MIN)", [](inlay_model* mm) { return inlay_model_set_num_threads(mm, INT_MIN); },
       {INLAY_INVALID_ARGUMENT}, {"thread"}},
      {"set_num_threads(INT_MAX)", [](inlay_model* mm) { return inlay_model_set_num_threads(mm, INT_MAX); },
       {INLAY_INVALID_ARGUMENT}, {"thread"}},
      {"set_precision(3)",
       [](inlay_model* mm) { return inlay_model_set_precision(mm, static_cast<inlay_precision>(3)); },
       {INLAY_INVALID_ARGUMENT}, {"precision", "3"}},
      {"set_precision(-1)",
       [](inlay_model* mm) { return inlay_model_set_precision(mm, static_cast<inlay_precision>(-1)); },
       {INLAY_INVALID_ARGUMENT}, {"precision"}},
      {"wrapped array with dims that overflow, then predict",
       [&](inlay_model* mm) {
         float dummy = 0;
         const int64_t huge[2] = {INT64_MAX, 32};
         inlay_array* a = nullptr;
         const inlay_status st = inlay_array_wrap(INLAY_FLOAT32, huge, 2, &dummy, &a);
         EXPECT_EQ(a, nullptr);
         (void)bad_dims;
         if (st != INLAY_OK) return predict1(mm, narrow.get(), nullptr);  // and a failed predict after it
         inlay_array_free(a);
         return INLAY_OK;
       },
       {INLAY_SHAPE_MISMATCH}, {"Input 0"}},
  };

  for (const Failure& f : failures) {
    SCOPED_TRACE(f.what);
    EXPECT_TRUE(fails_with(f.call(m), f.allowed, f.needles));
    EXPECT_TRUE(good_out_data == pattern) << "a failed call wrote a caller's output";
    EXPECT_TRUE(narrow_out_data == pattern) << "a failed call wrote a caller's output";
    const Snapshot after = snapshot(m, {x.get()});
    EXPECT_EQ(after.json, before.json);
    EXPECT_EQ(after.summary, before.summary);
    EXPECT_TRUE(after.weights == before.weights) << "weights changed";
    EXPECT_TRUE(after.outputs == before.outputs) << "predict is no longer bit-identical";
    EXPECT_EQ(after.threads, before.threads);
  }

  // bfloat16: where the CPU cannot, UNSUPPORTED and nothing changed; where it can, back to float32 gives the
  // float32 results bit for bit.
  const inlay_status bf16 = inlay_model_set_precision(m, INLAY_PRECISION_BFLOAT16);
  if (bf16 == INLAY_OK) {
    ASSERT_EQ(inlay_model_set_precision(m, INLAY_PRECISION_FLOAT32), INLAY_OK);
  } else {
    EXPECT_TRUE(fails_with(bf16, {INLAY_UNSUPPORTED}, {"bfloat16"}));
  }
  EXPECT_TRUE(snapshot(m, {x.get()}) == before);
}

TEST(StrongGuarantee, FailedSetWeightOnASharedGraphChangesNoModel) {
  // Two models sharing a Dense: a failed set_weight through one leaves both as they were.
  inlay_graph* g = nullptr;
  ASSERT_EQ(inlay_graph_create(&g), INLAY_OK);
  GraphPtr graph(g);
  inlay_tensor *x = nullptr, *y = nullptr, *z = nullptr;
  inlay_layer *shared = nullptr, *head = nullptr;
  size_t n = 0;
  ASSERT_EQ(inlay_input(g, R"({"shape":[3],"name":"x"})", nullptr, nullptr, &x), INLAY_OK);
  ASSERT_EQ(inlay_layer_create(g, "Dense", R"({"units":2,"name":"shared"})", &shared), INLAY_OK);
  ASSERT_EQ(inlay_layer_call(shared, &x, 1, &y, 1, &n), INLAY_OK);
  ASSERT_EQ(inlay_layer_create(g, "Dense", R"({"units":1,"name":"head"})", &head), INLAY_OK);
  ASSERT_EQ(inlay_layer_call(head, &y, 1, &z, 1, &n), INLAY_OK);
  inlay_model *a = nullptr, *b = nullptr;
  ASSERT_EQ(inlay_model_create(g, &x, 1, &y, 1, "a", &a), INLAY_OK);
  ModelPtr ma(a);
  ASSERT_EQ(inlay_model_create(g, &x, 1, &z, 1, "b", &b), INLAY_OK);
  ModelPtr mb(b);
  const float kernel[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_EQ(inlay_model_set_weight(a, 0, kernel, 6), INLAY_OK);
  ArrayPtr input = make_array(INLAY_FLOAT32, {2, 3});
  static_cast<float*>(inlay_array_data(input.get()))[1] = 1.5f;
  const Snapshot sa = snapshot(a, {input.get()}), sb = snapshot(b, {input.get()});
  const float wrong[7] = {9, 9, 9, 9, 9, 9, 9};
  EXPECT_TRUE(fails_with(inlay_model_set_weight(a, 0, wrong, 7), {INLAY_SHAPE_MISMATCH}, {"'shared/kernel'"}));
  EXPECT_TRUE(fails_with(inlay_model_set_weight(b, 4, wrong, 1), {INLAY_NOT_FOUND}, {"index 4"}));
  EXPECT_TRUE(snapshot(a, {input.get()}) == sa);
  EXPECT_TRUE(snapshot(b, {input.get()}) == sb);
}

// Builds x -> d1 -> d2 (and, on the side, the pieces the failures need). With `fail`, every step is
// preceded by calls that must fail and leave the graph as it was. Returns the model's to_json and summary.
std::pair<std::string, std::string> build_graph(bool fail, bool named) {
  inlay_graph* g = nullptr;
  EXPECT_EQ(inlay_graph_create(&g), INLAY_OK);
  GraphPtr graph(g);
  auto nm = [&](const std::string& json_without_brace, const char* name) {
    // {"shape":[8]} -> {"shape":[8],"name":"x"} when named
    if (!named) return json_without_brace + "}";
    return json_without_brace + R"(,"name":")" + name + R"("})";
  };
  inlay_tensor* sentinel_tensor = reinterpret_cast<inlay_tensor*>(&graph);
  inlay_tensor* t = sentinel_tensor;
  if (fail) {
    for (const char* bad : {R"({"shape":[8],"batch_shape":[null,8]})", R"({"shape":[-3]})", "{bad json",
                            R"({"shape":[9223372036854775808]})", R"({"nope":1,"shape":[8]})", "[8]",
                            R"({"shape":[8],"dtype":"float128"})", R"({"shape":[8],"ragged":true,"sparse":true})"}) {
      EXPECT_NE(inlay_input(g, bad, nullptr, nullptr, &t), INLAY_OK) << bad;
      EXPECT_EQ(t, sentinel_tensor);
    }
  }
  inlay_tensor* x = nullptr;
  EXPECT_EQ(inlay_input(g, nm(R"({"shape":[8])", "x").c_str(), nullptr, nullptr, &x), INLAY_OK) << inlay_last_error();
  inlay_layer* d1 = nullptr;
  inlay_layer* d2 = nullptr;
  EXPECT_EQ(inlay_layer_create(g, "Dense", nm(R"({"units":4,"activation":"relu")", "d1").c_str(), &d1), INLAY_OK);
  EXPECT_EQ(inlay_layer_create(g, "Dense", nm(R"({"units":2)", "d2").c_str(), &d2), INLAY_OK);
  inlay_tensor* outs[2] = {sentinel_tensor, sentinel_tensor};
  size_t n = 77;
  if (fail) {
    inlay_tensor* two[2] = {x, x};
    inlay_tensor* none[1] = {nullptr};
    EXPECT_TRUE(fails_with(inlay_layer_call(d1, two, 2, outs, 2, &n), {INLAY_INVALID_ARGUMENT}));
    EXPECT_TRUE(fails_with(inlay_layer_call(d1, none, 1, outs, 2, &n), {INLAY_INVALID_ARGUMENT}, {"inputs[0]"}));
    EXPECT_TRUE(fails_with(inlay_layer_call(d1, &x, 1, outs, 0, &n), {INLAY_INVALID_ARGUMENT}, {"outputs_capacity"}));
    // A first call whose build fails (a None last axis): d1 stays unbuilt.
    inlay_tensor* v = nullptr;
    EXPECT_EQ(inlay_input(g, R"({"shape":[null],"name":"side_v"})", nullptr, nullptr, &v), INLAY_OK);
    EXPECT_TRUE(fails_with(inlay_layer_call(d1, &v, 1, outs, 2, &n), {INLAY_INVALID_ARGUMENT}, {"fully-defined"}));
    EXPECT_EQ(inlay_layer_output_count(d1), 0u);
    // A tensor of another graph.
    inlay_graph* other = nullptr;
    EXPECT_EQ(inlay_graph_create(&other), INLAY_OK);
    inlay_tensor* foreign = nullptr;
    EXPECT_EQ(inlay_input(other, R"({"shape":[8]})", nullptr, nullptr, &foreign), INLAY_OK);
    EXPECT_TRUE(fails_with(inlay_layer_call(d1, &foreign, 1, outs, 2, &n), {INLAY_INVALID_ARGUMENT}, {"graph"}));
    inlay_graph_free(other);
    EXPECT_TRUE(outs[0] == sentinel_tensor && outs[1] == sentinel_tensor && n == 77);
  }
  inlay_tensor* y1 = nullptr;
  EXPECT_EQ(inlay_layer_call(d1, &x, 1, &y1, 1, &n), INLAY_OK) << inlay_last_error();
  if (fail) {
    // d1 is built for 8 features; y1 has 4.
    EXPECT_TRUE(fails_with(inlay_layer_call(d1, &y1, 1, outs, 2, &n), {INLAY_INVALID_ARGUMENT},
                           {"expected axis -1 of input shape to have value 8"}));
    inlay_layer* flatten = nullptr;
    EXPECT_EQ(inlay_layer_create(g, "Reshape", R"({"target_shape":[3],"name":"side_reshape"})", &flatten), INLAY_OK);
    EXPECT_TRUE(fails_with(inlay_layer_call(flatten, &y1, 1, outs, 2, &n), {INLAY_INVALID_ARGUMENT}));
  }
  inlay_tensor* y2 = nullptr;
  EXPECT_EQ(inlay_layer_call(d2, &y1, 1, &y2, 1, &n), INLAY_OK) << inlay_last_error();
  inlay_model* sentinel_model = reinterpret_cast<inlay_model*>(&graph);
  inlay_model* m = sentinel_model;
  if (fail) {
    inlay_tensor* lone = nullptr;
    EXPECT_EQ(inlay_input(g, R"({"shape":[8],"name":"side_lone"})", nullptr, nullptr, &lone), INLAY_OK);
    inlay_tensor* none[1] = {nullptr};
    EXPECT_TRUE(fails_with(inlay_model_create(g, &y1, 1, &y2, 1, "m", &m), {INLAY_INVALID_ARGUMENT},
                           {"InputLayer"}));
    EXPECT_TRUE(fails_with(inlay_model_create(g, &lone, 1, &y2, 1, "m", &m), {INLAY_INVALID_ARGUMENT},
                           {"not connected"}));
    EXPECT_TRUE(fails_with(inlay_model_create(g, &x, 1, none, 1, "m", &m), {INLAY_INVALID_ARGUMENT},
                           {"outputs[0]"}));
    EXPECT_TRUE(fails_with(inlay_model_create(g, &x, 1, &y2, 0, "m", &m), {INLAY_INVALID_ARGUMENT}));
    EXPECT_EQ(m, sentinel_model);
  }
  EXPECT_EQ(inlay_model_create(g, &x, 1, &y2, 1, named ? "m" : nullptr, &m), INLAY_OK) << inlay_last_error();
  ModelPtr model(m);
  if (model == nullptr || m == sentinel_model) return {};
  return {to_json(m), summary(m)};
}

TEST(StrongGuarantee, FailedGraphCallsLeaveTheGraphBuildingTheSameModel) {
  const auto clean = build_graph(false, true);
  const auto failed = build_graph(true, true);
  ASSERT_FALSE(clean.first.empty());
  EXPECT_EQ(failed.first, clean.first);
  EXPECT_EQ(failed.second, clean.second);
}

// Auto-names with their number dropped: "dense_3" -> "dense", "keras_tensor_12" -> "keras_tensor".
std::string without_auto_numbers(std::string text) {
  for (const char* prefix : {"input_layer", "dense", "functional", "keras_tensor"}) {
    const std::string p = prefix;
    for (size_t at = text.find(p); at != std::string::npos; at = text.find(p, at + p.size())) {
      size_t end = at + p.size();
      if (end < text.size() && text[end] == '_' && end + 1 < text.size() && std::isdigit(text[end + 1])) {
        size_t digits = end + 1;
        while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
        text.erase(end, digits - end);
      }
    }
  }
  return text;
}

TEST(StrongGuarantee, FailedGraphCallsAndAutoNames) {
  // With auto-names, a failed call may have taken a name (inlay.h: "as in Keras, a call that fails may still
  // have taken one": Keras's InputLayer takes its name before it validates). Apart from the numbers of
  // auto-names, the model is the same as from a graph where nothing failed.
  const auto clean = build_graph(false, false);
  const auto failed = build_graph(true, false);
  ASSERT_FALSE(clean.first.empty());
  EXPECT_EQ(without_auto_numbers(failed.first), without_auto_numbers(clean.first));
  auto no_spaces = [](std::string text) {  // the summary's columns are as wide as the names
    std::erase(text, ' ');
    return text;
  };
  EXPECT_EQ(no_spaces(without_auto_numbers(failed.second)), no_spaces(without_auto_numbers(clean.second)));
  if (failed.first != clean.first) {
    std::printf("note: the failed calls took auto-names:\n  clean:  %s\n  failed: %s\n", clean.first.c_str(),
                failed.first.c_str());
  }
}

}  // namespace
