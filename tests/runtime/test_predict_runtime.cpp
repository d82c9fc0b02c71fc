// How inlay_model_predict behaves as a runtime, through the C ABI: many threads at once, no heap
// allocation once warm, plans per input shape and their invalidation, thread settings, bfloat16.
// The reference for every result is a serial float32 run of the same model (itself checked against
// Keras by test_predict_fixtures.cpp) or values computed here by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <malloc.h>
#include <sched.h>
#include <unistd.h>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

// --- counting every heap allocation of the process, and telling oneDNN's own apart: oneDNN 2.6's
// dnnl_primitive_execute builds an argument map and an execution context on the heap on every call, which
// no caller can avoid. The test binary interposes that function (it exports its symbols) to know when a
// call is inside it.

namespace {

using inlay_test::ModelPtr;
using inlay_test::ArrayPtr;
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};          // outside oneDNN's execute: inlay's own
std::atomic<long> g_onednn_allocations{0};   // inside dnnl_primitive_execute
std::atomic<int> g_inside_onednn{0};

[[maybe_unused]] void count_allocation() {
  if (!g_counting.load(std::memory_order_relaxed)) return;
  (g_inside_onednn.load(std::memory_order_relaxed) > 0 ? g_onednn_allocations : g_allocations)
      .fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

extern "C" {
__attribute__((visibility("default"))) dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t primitive,
                                                                         dnnl_stream_t stream, int nargs,
                                     const dnnl_exec_arg_t* args) {
  using Execute = dnnl_status_t (*)(const_dnnl_primitive_t, dnnl_stream_t, int, const dnnl_exec_arg_t*);
  static const auto real = reinterpret_cast<Execute>(dlsym(RTLD_NEXT, "dnnl_primitive_execute"));
  ++g_inside_onednn;
  const dnnl_status_t status = real(primitive, stream, nargs, args);
  --g_inside_onednn;
  return status;
}
}

// AddressSanitizer and ThreadSanitizer own malloc and free: memory from glibc's __libc_malloc would reach
// their free. Under them nothing is interposed (nothing is counted) and WarmPredictAllocatesNothing skips.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define INLAY_COUNTS_ALLOCATIONS 0
#else
#define INLAY_COUNTS_ALLOCATIONS 1
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) {
  count_allocation();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) {
  count_allocation();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) {
  count_allocation();
  return __libc_realloc(p, n);
}
int posix_memalign(void** out, size_t alignment, size_t n) {
  count_allocation();
  void* p = __libc_memalign(alignment, n);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void* aligned_alloc(size_t alignment, size_t n) {
  count_allocation();
  return __libc_memalign(alignment, n);
}
}
#endif

namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = INLAY_FIXTURES_DIR;


ModelPtr load(const std::string& fixture_model) {
  inlay_model* m = nullptr;
  const std::string path = (kFixtures / "models" / fixture_model / "model.keras").string();
  EXPECT_EQ(inlay_model_load(path.c_str(), &m), INLAY_OK) << inlay_last_error();
  return ModelPtr(m);
}

// A seeded batch for input 0 of m (its dims with batch `batch`).
std::vector<float> random_input(const inlay_model* m, int64_t batch, std::vector<int64_t>& dims, unsigned seed) {
  const inlay_tensor* x = inlay_model_input(m, 0);
  const int64_t* d = inlay_tensor_dims(x);
  dims.assign(d, d + inlay_tensor_rank(x));
  dims[0] = batch;
  std::size_t n = 1;
  for (int64_t v : dims) n *= static_cast<std::size_t>(v);
  std::vector<float> values(n);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (float& v : values) v = normal(rng);
  return values;
}

// Runs m on one input, returns output 0's values.
std::vector<float> predict(inlay_model* m, std::vector<float>& input, const std::vector<int64_t>& dims) {
  inlay_array* x = nullptr;
  EXPECT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), static_cast<int>(dims.size()), input.data(), &x), INLAY_OK);
  ArrayPtr in(x);
  inlay_array* y = nullptr;
  const inlay_array* inputs[] = {x};
  EXPECT_EQ(inlay_model_predict(m, inputs, 1, &y, 1), INLAY_OK) << inlay_last_error();
  ArrayPtr out(y);
  if (y == nullptr) return {};
  const auto* data = static_cast<const float*>(inlay_array_data(y));
  return std::vector<float>(data, data + inlay_array_element_count(y));
}

double max_relative_error(const std::vector<float>& got, const std::vector<float>& want) {
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    worst = std::max(worst, std::fabs(got[i] - want[i]) / (std::fabs(want[i]) + 1e-3));
  }
  return worst;
}

TEST(PredictRuntime, ManyThreadsGetTheSerialResults) {
  ModelPtr model = load("resnet_projection_block");
  constexpr int kThreads = 8, kRuns = 20;
  // Different inputs per thread, and two batch sizes, so threads share plans and use different ones.
  std::vector<std::vector<float>> inputs(kThreads);
  std::vector<std::vector<int64_t>> dims(kThreads);
  std::vector<std::vector<float>> serial(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    inputs[t] = random_input(model.get(), t % 2 == 0 ? 1 : 3, dims[t], 100 + t);
    serial[t] = predict(model.get(), inputs[t], dims[t]);
  }
  ModelPtr fresh = load("resnet_projection_block");  // no plans yet: threads race to compile them
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRuns; ++r) {
        if (predict(fresh.get(), inputs[t], dims[t]) != serial[t]) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(PredictRuntime, WarmPredictAllocatesNothing) {
  if (!INLAY_COUNTS_ALLOCATIONS) GTEST_SKIP() << "a sanitizer owns malloc: allocations are not counted";
  for (const char* name : {"mnist_cnn_functional", "resnet_identity_block", "logistic_regression"}) {
    SCOPED_TRACE(name);
    ModelPtr model = load(name);
    std::vector<int64_t> dims;
    std::vector<float> input = random_input(model.get(), 4, dims, 7);
    inlay_array* x = nullptr;
    ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), static_cast<int>(dims.size()), input.data(), &x), INLAY_OK);
    ArrayPtr in(x);
    inlay_array* y = nullptr;
    const inlay_array* inputs[] = {x};
    ASSERT_EQ(inlay_model_predict(model.get(), inputs, 1, &y, 1), INLAY_OK) << inlay_last_error();  // compiles
    ArrayPtr out(y);
    ASSERT_EQ(inlay_model_predict(model.get(), inputs, 1, &y, 1), INLAY_OK);  // warm, into the same output
    g_allocations = 0;
    g_onednn_allocations = 0;
    g_counting = true;
    for (int i = 0; i < 10; ++i) inlay_model_predict(model.get(), inputs, 1, &y, 1);
    g_counting = false;
    EXPECT_EQ(g_allocations.load(), 0) << "heap allocations by inlay in 10 warm predict calls";
    std::printf("[ allocs   ] %s: inlay 0, inside oneDNN's execute %.1f per predict\n", name,
                static_cast<double>(g_onednn_allocations.load()) / 10);
  }
}

// The sequence models (tests/fixtures/sequence_models): Embedding gathers, oneDNN RNN primitives, the masked
// recurrent loop, attention's masked softmax; and the quantized models (tests/fixtures/quantized: int8 / int4
// / float8 Dense and EinsumDense, their input quantizers and descales): their steps allocate nothing when warm. Inputs: token ids
// 0..9 for integer inputs (0: padding, masked where mask_zero), seeded normals for float ones; None dims 12.
TEST(PredictRuntime, WarmPredictOfSequenceModelsAllocatesNothing) {
  if (!INLAY_COUNTS_ALLOCATIONS) GTEST_SKIP() << "a sanitizer owns malloc: allocations are not counted";
  for (const char* name :
       {"sequence_models/lstm_classifier", "sequence_models/masked_lstm", "sequence_models/bilstm_classifier",
        "sequence_models/gru_classifier", "sequence_models/seq2seq", "sequence_models/transformer_classifier",
        "sequence_models/time_distributed_dense", "quantized/mlp_int8", "quantized/text_int8",
        "quantized/transformer_int8", "quantized/transformer_int4", "quantized/transformer_float8",
        "quantized/dense3d_int8", "quantized/dense3d_int4_block8"}) {
    SCOPED_TRACE(name);
    inlay_model* raw = nullptr;
    const std::string path = (kFixtures / name / "model.keras").string();
    ASSERT_EQ(inlay_model_load(path.c_str(), &raw), INLAY_OK) << inlay_last_error();
    ModelPtr model(raw);
    std::vector<std::vector<int64_t>> dims;
    std::vector<std::vector<int64_t>> buffers;  // 8-byte elements: room for any dtype used here
    std::vector<ArrayPtr> arrays;
    std::vector<const inlay_array*> inputs;
    std::mt19937 rng(11);
    for (size_t i = 0; i < inlay_model_input_count(model.get()); ++i) {
      const inlay_tensor* x = inlay_model_input(model.get(), i);
      const int64_t* d = inlay_tensor_dims(x);
      std::vector<int64_t> shape(d, d + inlay_tensor_rank(x));
      shape[0] = 4;
      std::size_t n = 1;
      for (int64_t& v : shape) n *= static_cast<std::size_t>(v = v < 0 ? 12 : v);
      std::vector<int64_t> buffer(n);
      const inlay_dtype dtype = inlay_tensor_dtype(x);
      for (std::size_t k = 0; k < n; ++k) {
        if (dtype == INLAY_INT32) reinterpret_cast<int32_t*>(buffer.data())[k] = static_cast<int32_t>(rng() % 10);
        else if (dtype == INLAY_INT64) buffer[k] = static_cast<int64_t>(rng() % 10);
        else reinterpret_cast<float*>(buffer.data())[k] = std::normal_distribution<float>()(rng);
      }
      buffers.push_back(std::move(buffer));
      dims.push_back(shape);
      inlay_array* a = nullptr;
      ASSERT_EQ(inlay_array_wrap(dtype, dims.back().data(), static_cast<int>(shape.size()), buffers.back().data(), &a),
                INLAY_OK);
      arrays.emplace_back(a);
      inputs.push_back(a);
    }
    const std::size_t n_out = inlay_model_output_count(model.get());
    std::vector<inlay_array*> outputs(n_out, nullptr);
    ASSERT_EQ(inlay_model_predict(model.get(), inputs.data(), inputs.size(), outputs.data(), n_out), INLAY_OK)
        << inlay_last_error();  // compiles, allocates the outputs
    std::vector<ArrayPtr> owned;
    for (inlay_array* o : outputs) owned.emplace_back(o);
    ASSERT_EQ(inlay_model_predict(model.get(), inputs.data(), inputs.size(), outputs.data(), n_out), INLAY_OK);
    g_allocations = 0;
    g_onednn_allocations = 0;
    g_counting = true;
    for (int i = 0; i < 10; ++i) inlay_model_predict(model.get(), inputs.data(), inputs.size(), outputs.data(), n_out);
    g_counting = false;
    EXPECT_EQ(g_allocations.load(), 0) << "heap allocations by inlay in 10 warm predict calls";
  }
}

// oneDNN 2.6's matmul and RNN primitives divide by zero on a 0 dim (SIGFPE, found on an LSTM given 0 steps): a
// batch or a sequence of no elements reaching Embedding, LSTM or MultiHeadAttention is refused, never run.
TEST(PredictRuntime, EmptyBatchesAndSequencesOfSequenceModelsAreRefused) {
  struct Case {
    const char* model;
    inlay_dtype dtype;
    std::vector<int64_t> dims;
  };
  const Case cases[] = {{"lstm_classifier", INLAY_INT32, {2, 0}},      {"lstm_classifier", INLAY_INT32, {0, 7}},
                        {"lstm_timeseries", INLAY_FLOAT32, {1, 0, 3}}, {"lstm_timeseries", INLAY_FLOAT32, {0, 5, 3}},
                        {"transformer_block", INLAY_FLOAT32, {0, 16, 32}}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.model);
    inlay_model* raw = nullptr;
    const std::string path = (kFixtures / "sequence_models" / c.model / "model.keras").string();
    ASSERT_EQ(inlay_model_load(path.c_str(), &raw), INLAY_OK) << inlay_last_error();
    ModelPtr model(raw);
    inlay_array* x = nullptr;
    ASSERT_EQ(inlay_array_create(c.dtype, c.dims.data(), static_cast<int>(c.dims.size()), &x), INLAY_OK);
    ArrayPtr in(x);
    const inlay_array* inputs[] = {x};
    inlay_array* y = nullptr;
    EXPECT_EQ(inlay_model_predict(model.get(), inputs, 1, &y, 1), INLAY_UNSUPPORTED);
    EXPECT_NE(std::string(inlay_last_error()).find("(no elements)"), std::string::npos) << inlay_last_error();
    EXPECT_EQ(y, nullptr);
  }
}

TEST(PredictRuntime, EachInputShapeGetsItsOwnPlan) {
  ModelPtr model = load("mnist_cnn_functional");
  std::vector<int64_t> dims1, dims5;
  std::vector<float> one = random_input(model.get(), 1, dims1, 1);
  std::vector<float> five = random_input(model.get(), 5, dims5, 2);
  // Sample 0 of the batch of 5 alone must give the batch's row 0 (batch rows are independent).
  std::vector<float> first(one.size());
  std::copy_n(five.begin(), one.size(), first.begin());
  const std::vector<float> batch = predict(model.get(), five, dims5);
  const std::vector<float> single = predict(model.get(), first, dims1);
  ASSERT_EQ(batch.size(), 5 * single.size());
  EXPECT_LT(max_relative_error(single, std::vector<float>(batch.begin(), batch.begin() + single.size())), 1e-5);
}

TEST(PredictRuntime, SetWeightRecompiles) {
  ModelPtr model = load("logistic_regression");
  std::vector<int64_t> dims;
  std::vector<float> input = random_input(model.get(), 2, dims, 3);
  const std::vector<float> before = predict(model.get(), input, dims);
  // Zero kernel and bias: softmax of zeros is uniform.
  for (size_t i = 0; i < inlay_model_weight_count(model.get()); ++i) {
    int rank = 0;
    const int64_t* d = nullptr;
    ASSERT_EQ(inlay_model_weight_info(model.get(), i, nullptr, &rank, &d), INLAY_OK);
    std::size_t n = 1;
    for (int k = 0; k < rank; ++k) n *= static_cast<std::size_t>(d[k]);
    const std::vector<float> zeros(n, 0.f);
    ASSERT_EQ(inlay_model_set_weight(model.get(), i, zeros.data(), n), INLAY_OK);
  }
  const std::vector<float> after = predict(model.get(), input, dims);
  ASSERT_EQ(after.size(), before.size());
  EXPECT_NE(after, before);
  for (float v : after) EXPECT_FLOAT_EQ(v, 1.f / 16.f);
}

TEST(PredictRuntime, ThreadCountFollowsApiAndEnvironment) {
  ModelPtr model = load("mnist_cnn_functional");
  std::vector<int64_t> dims;
  std::vector<float> input = random_input(model.get(), 8, dims, 4);
  const std::vector<float> reference = predict(model.get(), input, dims);
  ASSERT_EQ(inlay_model_set_num_threads(model.get(), 1), INLAY_OK);
  EXPECT_EQ(inlay_model_num_threads(model.get()), 1);
  EXPECT_LT(max_relative_error(predict(model.get(), input, dims), reference), 1e-5);

  setenv("INLAY_NUM_THREADS", "3", 1);
  ASSERT_EQ(inlay_model_set_num_threads(model.get(), 0), INLAY_OK);
  EXPECT_EQ(inlay_model_num_threads(model.get()), 3);
  ModelPtr other = load("mnist_cnn_functional");  // a new model starts from the environment too
  EXPECT_EQ(inlay_model_num_threads(other.get()), 3);
  unsetenv("INLAY_NUM_THREADS");
  EXPECT_LT(max_relative_error(predict(model.get(), input, dims), reference), 1e-5);
  EXPECT_EQ(inlay_model_set_num_threads(model.get(), -2), INLAY_INVALID_ARGUMENT);

  // Without INLAY_NUM_THREADS, OMP_NUM_THREADS is the default (as --help and inlay.h say)...
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const std::string saved_omp = omp ? omp : "";
  setenv("OMP_NUM_THREADS", "1", 1);
  ModelPtr single = load("mnist_cnn_functional");
  EXPECT_EQ(inlay_model_num_threads(single.get()), 1);
  unsetenv("OMP_NUM_THREADS");
  // ...and without either, the CPUs the calling thread may run on: pinned to one CPU, a new model takes 1.
  std::thread pinned([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    ModelPtr m = load("mnist_cnn_functional");
    EXPECT_EQ(inlay_model_num_threads(m.get()), 1);
    EXPECT_LT(max_relative_error(predict(m.get(), input, dims), reference), 1e-5);
  });
  pinned.join();
  if (omp) setenv("OMP_NUM_THREADS", saved_omp.c_str(), 1);
}

// bfloat16 keeps 8 bits of mantissa: results move by ~1e-2 relative. Measured, and bounded loosely.
TEST(PredictRuntime, Bfloat16IsCloseToFloat32) {
  for (const char* name : {"mnist_cnn_functional", "resnet_projection_block", "dense_chain_50"}) {
    SCOPED_TRACE(name);
    ModelPtr model = load(name);
    std::vector<int64_t> dims;
    std::vector<float> input = random_input(model.get(), 4, dims, 5);
    const std::vector<float> f32 = predict(model.get(), input, dims);
    const inlay_status status = inlay_model_set_precision(model.get(), INLAY_PRECISION_BFLOAT16);
    if (status == INLAY_UNSUPPORTED) GTEST_SKIP() << inlay_last_error();
    ASSERT_EQ(status, INLAY_OK) << inlay_last_error();
    const std::vector<float> bf16 = predict(model.get(), input, dims);
    double worst_abs = 0, scale = 0;
    for (std::size_t i = 0; i < f32.size(); ++i) {
      worst_abs = std::max(worst_abs, static_cast<double>(std::fabs(bf16[i] - f32[i])));
      scale = std::max(scale, static_cast<double>(std::fabs(f32[i])));
    }
    std::printf("[ bf16     ] %s: max |bf16 - f32| = %.3g (max |f32| = %.3g)\n", name, worst_abs, scale);
    EXPECT_LT(worst_abs, 0.05 * scale + 1e-3);
    EXPECT_GT(worst_abs, 0.0) << "bfloat16 mode computed exactly the float32 results: it did not run in bf16";
    ASSERT_EQ(inlay_model_set_precision(model.get(), INLAY_PRECISION_FLOAT32), INLAY_OK);
    EXPECT_EQ(predict(model.get(), input, dims), f32);
  }
}

// Input(shape) -> Conv2D(filters, 3, padding) through the C ABI.
ModelPtr conv3x3_model(const std::vector<int64_t>& shape, int filters, const std::string& padding) {
  inlay_graph* g = nullptr;
  EXPECT_EQ(inlay_graph_create(&g), INLAY_OK);
  const std::string input_kwargs =
      "{\"shape\":[" + std::to_string(shape[0]) + "," + std::to_string(shape[1]) + "," + std::to_string(shape[2]) + "]}";
  inlay_tensor* x = nullptr;
  EXPECT_EQ(inlay_input(g, input_kwargs.c_str(), nullptr, nullptr, &x), INLAY_OK);
  const std::string conv_kwargs =
      "{\"filters\":" + std::to_string(filters) + ",\"kernel_size\":3,\"padding\":\"" + padding + "\"}";
  inlay_layer* conv = nullptr;
  EXPECT_EQ(inlay_layer_create(g, "Conv2D", conv_kwargs.c_str(), &conv), INLAY_OK);
  inlay_tensor* y = nullptr;
  size_t n = 0;
  EXPECT_EQ(inlay_layer_call(conv, &x, 1, &y, 1, &n), INLAY_OK);
  inlay_model* m = nullptr;
  EXPECT_EQ(inlay_model_create(g, &x, 1, &y, 1, nullptr, &m), INLAY_OK) << inlay_last_error();
  inlay_graph_free(g);
  return ModelPtr(m);
}

// A 3x3 convolution by hand in double precision: NHWC input of dims `in` (N, H, W, C), Keras kernel (3, 3, C,
// filters), zero padding `pad` on each side, stride 1.
std::vector<double> conv3x3_by_hand(const std::vector<float>& input, const std::vector<float>& kernel,
                                    const std::vector<float>& bias, const std::vector<int>& in, int filters,
                                    int pad) {
  const int batch = in[0], h = in[1], w = in[2], c_in = in[3];
  const int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
  std::vector<double> out(static_cast<size_t>(batch) * oh * ow * filters);
  for (int b = 0; b < batch; ++b)
    for (int i = 0; i < oh; ++i)
      for (int j = 0; j < ow; ++j)
        for (int o = 0; o < filters; ++o) {
          double sum = bias[static_cast<size_t>(o)];
          for (int a = 0; a < 3; ++a)
            for (int c = 0; c < 3; ++c) {
              const int ii = i + a - pad, jj = j + c - pad;
              if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
              for (int ci = 0; ci < c_in; ++ci)
                sum += static_cast<double>(input[static_cast<size_t>(((b * h + ii) * w + jj) * c_in + ci)]) *
                       kernel[static_cast<size_t>(((a * 3 + c) * c_in + ci) * filters + o)];
            }
          out[static_cast<size_t>(((b * oh + i) * ow + j) * filters + o)] = sum;
        }
  return out;
}

double max_abs_error(const std::vector<float>& got, const std::vector<double>& want) {
  if (got.size() != want.size()) return 1e30;
  double worst = 0;
  for (size_t k = 0; k < got.size(); ++k) worst = std::max(worst, std::fabs(got[k] - want[k]));
  return worst;
}

}  // namespace

// 3x3 stride-1 convolutions with enough work use Winograd's algorithm under the default precision (where
// oneDNN has it: AVX-512), direct convolution under INLAY_PRECISION_FLOAT32_STRICT. Both must stay within
// float32 error of a double-precision reference; the default must really run something else than the strict
// mode where Winograd is chosen (else the speed-up was lost), and give exactly the strict results where not.
TEST(PredictRuntime, WinogradConvolutionStaysWithinFloat32Error) {
  struct Case {
    int batch, h, c_in, filters;
    const char* padding;
    bool winograd;  // what prefer_winograd (src/runtime/conv.cpp) picks for these shapes
  };
  char* info = nullptr;
  ASSERT_EQ(inlay_runtime_info(&info), INLAY_OK);
  const bool avx512 = std::string(info).find("avx512_core") != std::string::npos;  // oneDNN's cpu_isa
  inlay_free(info);
  for (const Case& c : {Case{1, 26, 32, 64, "valid", true}, Case{4, 14, 64, 64, "same", true},
                        Case{4, 7, 96, 96, "same", true}, Case{1, 14, 64, 64, "same", false},
                        Case{8, 28, 8, 32, "same", false}}) {
    SCOPED_TRACE(std::to_string(c.batch) + "x" + std::to_string(c.h) + "x" + std::to_string(c.c_in) + " -> " +
                 std::to_string(c.filters) + " " + c.padding);
    ModelPtr model = conv3x3_model({c.h, c.h, c.c_in}, c.filters, c.padding);
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    const float he = std::sqrt(2.f / (9.f * static_cast<float>(c.c_in)));  // unit-scale outputs
    std::vector<float> kernel(static_cast<size_t>(9 * c.c_in * c.filters)), bias(static_cast<size_t>(c.filters));
    for (float& v : kernel) v = normal(rng) * he;
    for (float& v : bias) v = normal(rng) * 0.1f;
    ASSERT_EQ(inlay_model_set_weight(model.get(), 0, kernel.data(), kernel.size()), INLAY_OK);
    ASSERT_EQ(inlay_model_set_weight(model.get(), 1, bias.data(), bias.size()), INLAY_OK);
    std::vector<float> input(static_cast<size_t>(c.batch * c.h * c.h * c.c_in));
    for (float& v : input) v = normal(rng);
    const std::vector<double> want = conv3x3_by_hand(input, kernel, bias, {c.batch, c.h, c.h, c.c_in}, c.filters,
                                                     std::string(c.padding) == "same" ? 1 : 0);
    const std::vector<int64_t> dims = {c.batch, c.h, c.h, c.c_in};

    const std::vector<float> fast = predict(model.get(), input, dims);
    ASSERT_EQ(inlay_model_set_precision(model.get(), INLAY_PRECISION_FLOAT32_STRICT), INLAY_OK);
    const std::vector<float> strict = predict(model.get(), input, dims);
    const double fast_error = max_abs_error(fast, want), strict_error = max_abs_error(strict, want);
    std::printf("[ winograd ] max |error| vs float64: default %.3g, strict %.3g\n", fast_error, strict_error);
    // Outputs have unit scale and sum 9 * C products: 1e-4 is ~10x what either algorithm was measured at.
    EXPECT_LT(fast_error, 1e-4);
    EXPECT_LT(strict_error, 1e-4);
    if (avx512 && c.winograd) {
      EXPECT_NE(fast, strict) << "the default precision ran the same (direct) convolution as the strict one";
    } else {
      EXPECT_EQ(fast, strict) << "a convolution Winograd does not pay off on (or no AVX-512) is direct";
    }
    ASSERT_EQ(inlay_model_set_precision(model.get(), INLAY_PRECISION_FLOAT32), INLAY_OK);
    EXPECT_EQ(predict(model.get(), input, dims), fast) << "the choice must not depend on anything but the shapes";
  }
}

// A Conv2D / Dense whose input has 0 channels (Keras builds a kernel of 0 rows; oneDNN creates no primitive
// for it) outputs its bias at every position, then its activation: relu of (1.5, -2, 3) is (1.5, 0, 3).
TEST(PredictRuntime, LayersOnZeroInputChannelsOutputTheirBias) {
  struct Case {
    const char* input;
    const char* layer;
    const char* config;
    std::vector<int64_t> in_dims;
    int channel_axis;  // of the output
  };
  const Case cases[] = {
      {"{\"shape\":[4,5,0]}", "Conv2D", "{\"filters\":3,\"kernel_size\":3,\"activation\":\"relu\"}", {2, 4, 5, 0}, 3},
      {"{\"shape\":[0,4,5]}", "Conv2D",
       "{\"filters\":3,\"kernel_size\":2,\"activation\":\"relu\",\"padding\":\"same\",\"data_format\":\"channels_first\"}",
       {2, 0, 4, 5}, 1},
      {"{\"shape\":[0]}", "Dense", "{\"units\":3,\"activation\":\"relu\"}", {2, 0}, 1},
  };
  const std::vector<float> bias = {1.5f, -2.f, 3.f}, relu_bias = {1.5f, 0.f, 3.f};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.layer) + " " + c.config);
    inlay_graph* g = nullptr;
    ASSERT_EQ(inlay_graph_create(&g), INLAY_OK);
    inlay_tensor* x = nullptr;
    ASSERT_EQ(inlay_input(g, c.input, nullptr, nullptr, &x), INLAY_OK) << inlay_last_error();
    inlay_layer* layer = nullptr;
    ASSERT_EQ(inlay_layer_create(g, c.layer, c.config, &layer), INLAY_OK) << inlay_last_error();
    inlay_tensor* y = nullptr;
    size_t n = 0;
    ASSERT_EQ(inlay_layer_call(layer, &x, 1, &y, 1, &n), INLAY_OK) << inlay_last_error();
    inlay_model* raw = nullptr;
    ASSERT_EQ(inlay_model_create(g, &x, 1, &y, 1, nullptr, &raw), INLAY_OK) << inlay_last_error();
    inlay_graph_free(g);
    ModelPtr model(raw);
    ASSERT_EQ(inlay_model_set_weight(model.get(), 1, bias.data(), bias.size()), INLAY_OK) << inlay_last_error();
    std::vector<float> input;  // no elements
    std::vector<int64_t> dims = c.in_dims;
    inlay_array* in = nullptr;
    ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), static_cast<int>(dims.size()), input.data(), &in),
              INLAY_OK);
    ArrayPtr in_owner(in);
    inlay_array* out = nullptr;
    const inlay_array* inputs[] = {in};
    ASSERT_EQ(inlay_model_predict(model.get(), inputs, 1, &out, 1), INLAY_OK) << inlay_last_error();
    ArrayPtr out_owner(out);
    const int rank = inlay_array_rank(out);
    const int64_t* out_dims = inlay_array_dims(out);
    ASSERT_EQ(out_dims[c.channel_axis], 3);
    int64_t inner = 1;
    for (int d = c.channel_axis + 1; d < rank; ++d) inner *= out_dims[d];
    const auto* values = static_cast<const float*>(inlay_array_data(out));
    const size_t count = inlay_array_element_count(out);
    ASSERT_GT(count, 0u);
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(values[i], relu_bias[(i / static_cast<size_t>(inner)) % 3]) << "element " << i;
    }
  }
}

// Outputs are written straight into the caller's array; one that overlaps the input (here the very same
// buffer: a 3x3 "same" Conv2D keeping 8x8x16 computed in place, which would read neighbours it already
// overwrote) still gets the result of a separate output buffer.
TEST(PredictRuntime, OutputOverlappingTheInputGetsTheSameResult) {
  constexpr int kH = 8, kW = 8, kC = 16, kK = 3, kBatch = 2;
  ModelPtr model = conv3x3_model({kH, kW, kC}, kC, "same");
  // Keras kernel (kh, kw, in, out) with small distinct values, bias 0.5.
  std::vector<float> kernel(kK * kK * kC * kC);
  for (size_t k = 0; k < kernel.size(); ++k) kernel[k] = static_cast<float>(static_cast<int>(k % 17) - 8) / 64;
  const std::vector<float> bias(kC, 0.5f);
  ASSERT_EQ(inlay_model_set_weight(model.get(), 0, kernel.data(), kernel.size()), INLAY_OK);
  ASSERT_EQ(inlay_model_set_weight(model.get(), 1, bias.data(), bias.size()), INLAY_OK);

  std::vector<float> fresh(kBatch * kH * kW * kC);
  for (size_t k = 0; k < fresh.size(); ++k) fresh[k] = static_cast<float>(static_cast<int>(k % 13) - 6) / 4;
  const std::vector<double> expected = conv3x3_by_hand(fresh, kernel, bias, {kBatch, kH, kW, kC}, kC, 1);
  auto max_error = [&](const std::vector<float>& got) { return max_abs_error(got, expected); };
  std::vector<int64_t> dims = {kBatch, kH, kW, kC};
  std::vector<float> input = fresh;
  EXPECT_LT(max_error(predict(model.get(), input, dims)), 1e-4);

  inlay_array* in = nullptr;
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), 4, input.data(), &in), INLAY_OK);
  ArrayPtr in_owner(in);
  inlay_array* out = nullptr;
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims.data(), 4, input.data(), &out), INLAY_OK);  // the same bytes
  ArrayPtr out_owner(out);
  const inlay_array* inputs[] = {in};
  for (int run = 0; run < 2; ++run) {  // the first call compiles, the second runs the cached plan
    input = fresh;
    ASSERT_EQ(inlay_model_predict(model.get(), inputs, 1, &out, 1), INLAY_OK) << inlay_last_error();
    EXPECT_LT(max_error(input), 1e-4) << "run " << run;
  }
}

// Resident memory in bytes (the kernel's count of this process's pages in RAM).
static long resident_bytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE);
}

// Issue 19: every cached plan (one per input shape) held its own reordered copy of the weights; a 64 MiB Dense
// model predicted at 16 batch sizes grew from 107 to 1,136 MiB. The plans of one model now share constants of
// equal layout and bytes: 16 batch sizes of a 16 MiB Dense stay within a few copies of its weights.
TEST(PredictRuntime, CachedPlansShareTheWeights) {
  if (!INLAY_COUNTS_ALLOCATIONS) GTEST_SKIP() << "a sanitizer's allocator keeps freed memory resident";
  constexpr int64_t kUnits = 2048;
  inlay_graph* g = nullptr;
  ASSERT_EQ(inlay_graph_create(&g), INLAY_OK);
  inlay_tensor* x = nullptr;
  ASSERT_EQ(inlay_input(g, "{\"shape\":[2048]}", nullptr, nullptr, &x), INLAY_OK);
  inlay_layer* dense = nullptr;
  ASSERT_EQ(inlay_layer_create(g, "Dense", "{\"units\":2048}", &dense), INLAY_OK);
  inlay_tensor* y = nullptr;
  size_t n = 0;
  ASSERT_EQ(inlay_layer_call(dense, &x, 1, &y, 1, &n), INLAY_OK);
  inlay_model* raw = nullptr;
  ASSERT_EQ(inlay_model_create(g, &x, 1, &y, 1, nullptr, &raw), INLAY_OK);
  inlay_graph_free(g);
  ModelPtr model(raw);
  std::vector<float> kernel(static_cast<std::size_t>(kUnits * kUnits));
  std::mt19937 rng(3);
  for (float& v : kernel) v = std::uniform_real_distribution<float>(-0.05f, 0.05f)(rng);
  ASSERT_EQ(inlay_model_set_weight(model.get(), 0, kernel.data(), kernel.size()), INLAY_OK);
  const long weights = kUnits * kUnits * static_cast<long>(sizeof(float));

  std::vector<float> input(16 * kUnits, 0.5f), output(16 * kUnits);
  auto predict_batch = [&](int64_t batch) {
    const int64_t dims[] = {batch, kUnits};
    inlay_array *in = nullptr, *out = nullptr;
    ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims, 2, input.data(), &in), INLAY_OK);
    ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims, 2, output.data(), &out), INLAY_OK);
    const inlay_array* inputs[] = {in};
    EXPECT_EQ(inlay_model_predict(model.get(), inputs, 1, &out, 1), INLAY_OK) << inlay_last_error();
    inlay_array_free(in);
    inlay_array_free(out);
  };
  predict_batch(1);
  const long before = resident_bytes();
  for (int64_t batch = 2; batch <= 16; ++batch) predict_batch(batch);
  const long grown = resident_bytes() - before;
  std::printf("[ memory   ] 15 more cached plans of a %ld MiB Dense: +%ld MiB resident\n", weights >> 20, grown >> 20);
  EXPECT_LT(grown, 4 * weights) << "15 more plans (one per batch size) grew the process by " << (grown >> 20)
                                << " MiB; unshared they hold 15 x " << (weights >> 20) << " MiB";
  // Still the model's numbers: row 0 of the last batch is x @ kernel = 0.5 * column sums.
  for (int64_t j : {int64_t{0}, kUnits - 1}) {
    double sum = 0;
    for (int64_t i = 0; i < kUnits; ++i) sum += 0.5 * kernel[static_cast<std::size_t>(i * kUnits + j)];
    EXPECT_NEAR(output[static_cast<std::size_t>(j)], sum, 1e-3);
  }
}
