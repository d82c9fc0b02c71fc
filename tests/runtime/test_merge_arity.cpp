// Merges of thousands of inputs. oneDNN's sum and concat take their sources as DNNL_ARG_MULTIPLE_SRC + i,
// ids that run into DNNL_ARG_ATTR_ZERO_POINTS at i = 3072, so a 3,073-input Add once built and then failed
// every predict with INLAY_INTERNAL_ERROR. Merges are now split into a tree of primitives of at most 1024
// sources (src/runtime/merge.cpp). Each test builds an n-input model through the C ABI and checks every
// output value against a reference computed here from the inputs (in double; exact for these values).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "inlay/inlay.h"

#include "../support/test_support.hpp"

namespace {

using inlay_test::GraphPtr;
using inlay_test::ModelPtr;
using inlay_test::ArrayPtr;
using inlay_test::GraphDeleter;


// n inputs of shape `input_shape(i)` (batch excluded) merged by one layer of `class_name` / `config`.
ModelPtr merge_model(std::size_t n, const char* class_name, const char* config,
                     const std::function<std::string(std::size_t)>& input_shape) {
  inlay_graph* raw_graph = nullptr;
  EXPECT_EQ(inlay_graph_create(&raw_graph), INLAY_OK);
  std::unique_ptr<inlay_graph, GraphDeleter> graph(raw_graph);
  std::vector<inlay_tensor*> inputs(n, nullptr);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string kwargs = "{\"shape\":" + input_shape(i) + "}";
    EXPECT_EQ(inlay_input(graph.get(), kwargs.c_str(), nullptr, nullptr, &inputs[i]), INLAY_OK) << inlay_last_error();
  }
  inlay_layer* layer = nullptr;
  EXPECT_EQ(inlay_layer_create(graph.get(), class_name, config, &layer), INLAY_OK) << inlay_last_error();
  inlay_tensor* output = nullptr;
  std::size_t n_outputs = 0;
  EXPECT_EQ(inlay_layer_call(layer, inputs.data(), n, &output, 1, &n_outputs), INLAY_OK) << inlay_last_error();
  inlay_model* model = nullptr;
  EXPECT_EQ(inlay_model_create(graph.get(), inputs.data(), n, &output, 1, nullptr, &model), INLAY_OK)
      << inlay_last_error();
  return ModelPtr(model);
}

// Runs `model` on the given (batch, ...) inputs and returns its one output's values and dims.
std::vector<float> predict(inlay_model* model, std::vector<std::vector<float>>& values,
                           std::vector<std::vector<int64_t>>& dims, std::vector<int64_t>* out_dims) {
  std::vector<ArrayPtr> arrays;
  std::vector<const inlay_array*> ptrs;
  for (std::size_t i = 0; i < values.size(); ++i) {
    inlay_array* a = nullptr;
    EXPECT_EQ(inlay_array_wrap(INLAY_FLOAT32, dims[i].data(), static_cast<int>(dims[i].size()), values[i].data(), &a),
              INLAY_OK);
    arrays.emplace_back(a);
    ptrs.push_back(a);
  }
  inlay_array* out = nullptr;
  EXPECT_EQ(inlay_model_predict(model, ptrs.data(), ptrs.size(), &out, 1), INLAY_OK) << inlay_last_error();
  if (out == nullptr) return {};
  ArrayPtr owned(out);
  const int rank = inlay_array_rank(out);
  out_dims->assign(inlay_array_dims(out), inlay_array_dims(out) + rank);
  const auto* data = static_cast<const float*>(inlay_array_data(out));
  std::size_t count = 1;
  for (int64_t d : *out_dims) count *= static_cast<std::size_t>(d);
  return std::vector<float>(data, data + count);
}

// Input i of batch 2 and 3 features: row 0 is (i, -i / 2, 1 + (i % 7) / 8), row 1 is (i / 4, 3, -(i % 5)).
std::vector<float> add_input(std::size_t i) {
  const auto f = static_cast<float>(i);
  return {f, -f / 2, 1.f + static_cast<float>(i % 7) / 8, f / 4, 3.f, -static_cast<float>(i % 5)};
}

class AddArity : public testing::TestWithParam<std::size_t> {};

TEST_P(AddArity, SumsEveryInput) {
  const std::size_t n = GetParam();
  ModelPtr model = merge_model(n, "Add", "{}", [](std::size_t) { return std::string("[3]"); });
  ASSERT_NE(model, nullptr);
  std::vector<std::vector<float>> values;
  std::vector<std::vector<int64_t>> dims(n, std::vector<int64_t>{2, 3});
  std::vector<double> expected(6, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    values.push_back(add_input(i));
    for (std::size_t k = 0; k < 6; ++k) expected[k] += values.back()[k];
  }
  // The closed forms of the first two sums, as a check of the reference itself.
  ASSERT_EQ(expected[0], static_cast<double>(n) * static_cast<double>(n - 1) / 2);
  ASSERT_EQ(expected[4], 3.0 * static_cast<double>(n));
  for (int run = 0; run < 2; ++run) {
    std::vector<int64_t> out_dims;
    const std::vector<float> got = predict(model.get(), values, dims, &out_dims);
    ASSERT_EQ(out_dims, (std::vector<int64_t>{2, 3}));
    for (std::size_t k = 0; k < 6; ++k) EXPECT_EQ(got[k], static_cast<float>(expected[k])) << "element " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, AddArity, testing::Values(1024, 1025, 3072, 3073, 5000));

class ConcatenateArity : public testing::TestWithParam<std::size_t> {};

// Inputs of shape (1 + i % 3, 2) joined on axis 1: the output holds every input's rows in order.
TEST_P(ConcatenateArity, JoinsEveryInputInOrder) {
  const std::size_t n = GetParam();
  auto rows_of = [](std::size_t i) { return static_cast<int64_t>(1 + i % 3); };
  ModelPtr model = merge_model(n, "Concatenate", "{\"axis\":1}",
                               [&](std::size_t i) { return "[" + std::to_string(rows_of(i)) + ",2]"; });
  ASSERT_NE(model, nullptr);
  std::vector<std::vector<float>> values;
  std::vector<std::vector<int64_t>> dims;
  int64_t total_rows = 0;
  for (std::size_t i = 0; i < n; ++i) {
    dims.push_back({2, rows_of(i), 2});
    std::vector<float> v;
    // Sample b, row r, column c of input i: i + r / 4 + c / 2 + 10000 * b (exact in float32).
    for (int64_t b = 0; b < 2; ++b) {
      for (int64_t r = 0; r < rows_of(i); ++r) {
        for (int64_t c = 0; c < 2; ++c) v.push_back(static_cast<float>(i) + r * 0.25f + c * 0.5f + 10000.f * b);
      }
    }
    values.push_back(std::move(v));
    total_rows += rows_of(i);
  }
  std::vector<int64_t> out_dims;
  const std::vector<float> got = predict(model.get(), values, dims, &out_dims);
  ASSERT_EQ(out_dims, (std::vector<int64_t>{2, total_rows, 2}));
  std::size_t mismatches = 0;
  for (int64_t b = 0; b < 2; ++b) {
    int64_t row = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (int64_t r = 0; r < rows_of(i); ++r, ++row) {
        for (int64_t c = 0; c < 2; ++c) {
          const float want = static_cast<float>(i) + r * 0.25f + c * 0.5f + 10000.f * b;
          const float have = got[static_cast<std::size_t>((b * total_rows + row) * 2 + c)];
          if (have != want && mismatches++ < 5) ADD_FAILURE() << "input " << i << " row " << r << ": " << have;
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(Inputs, ConcatenateArity, testing::Values(1025, 3073, 5000));

}  // namespace
