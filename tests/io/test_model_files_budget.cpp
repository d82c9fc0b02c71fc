// What a model's weights cost before and while it is loaded: building a model from its config allocates no
// weight memory (Weight is lazy), and io::check_weight_budget bounds what the loaders then allocate: by
// default kMaxWeightExpansion (4) times the bytes of weight data the file holds, or the caller's
// max_weight_bytes (LoadOptions) instead.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "graph/layer.hpp"
#include "graph/model.hpp"
#include "io/model_file.hpp"
#include "io/model_json.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

// Keras 3 Sequential: Dense(units) on `features` inputs, with bias: features * units + units float32.
std::unique_ptr<Model> dense_model(std::int64_t features, std::int64_t units) {
  return model_from_json(Json::parse(R"({"class_name":"Sequential","config":{"name":"s","layers":[)"
                                     R"({"class_name":"InputLayer","config":{"batch_shape":[null,)" +
                                     std::to_string(features) + R"(]}},{"class_name":"Dense","config":{"units":)" +
                                     std::to_string(units) + "}}]}}"));
}

Status status_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.status();
  }
  return Status::Ok;
}

std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LazyWeights, BuildingAModelAllocatesNoWeightMemory) {
  // Dense(16384) on 16384 features: a kernel of 1 GiB, which the config alone used to make inlay zero-fill.
  const auto model = dense_model(16384, 16384);
  ASSERT_EQ(model->weights().size(), 2u);
  EXPECT_EQ(model->weights()[0]->size(), std::size_t{16384} * 16384);
  for (const Weight* w : model->weights()) EXPECT_FALSE(w->allocated()) << w->path;
}

TEST(LazyWeights, SmallUnwrittenWeightsReadAsSharedZerosWithoutAllocating) {
  const auto model = dense_model(4, 3);
  const Weight& kernel = *model->weights()[0];
  const std::span<const float> values = kernel.values();
  ASSERT_EQ(values.size(), 12u);
  for (float v : values) EXPECT_EQ(v, 0.0f);
  EXPECT_FALSE(kernel.allocated());
}

TEST(LazyWeights, LargeUnwrittenWeightReadsAsZerosOnceFromManyThreads) {
  // More than kLazyValues values: the first reads allocate; all threads must see one buffer of zeros.
  const auto model = dense_model(300, 100);
  const Weight& kernel = *model->weights()[0];
  ASSERT_GT(kernel.size(), Weight::kLazyValues);
  std::vector<const float*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] { seen[t] = kernel.values().data(); });
  }
  for (std::thread& t : threads) t.join();
  for (const float* p : seen) EXPECT_EQ(p, seen[0]);
  EXPECT_TRUE(kernel.allocated());
  for (float v : kernel.values()) ASSERT_EQ(v, 0.0f);
}

TEST(LazyWeights, WritesAllocateAndReadsSeeThem) {
  auto model = dense_model(300, 100);
  Weight& kernel = *model->weights()[0];
  float* data = kernel.mutable_data();
  ASSERT_TRUE(kernel.allocated());
  for (float v : std::span<const float>(data, kernel.size())) ASSERT_EQ(v, 0.0f);  // zeroed
  data[29999] = 7.5f;
  EXPECT_EQ(kernel.values().data(), data);
  EXPECT_EQ(kernel.values()[29999], 7.5f);
}

TEST(LazyWeights, ImpossibleSizeStillFailsWhenTheLayerIsBuilt) {
  // As Keras: Dense(2^40) cannot exist, so building it fails, with OUT_OF_MEMORY naming the variable.
  const std::string message = message_of([] { dense_model(1024, std::int64_t{1} << 40); });
  EXPECT_EQ(status_of([] { dense_model(1024, std::int64_t{1} << 40); }), Status::OutOfMemory);
  EXPECT_NE(message.find("Cannot allocate variable path='dense/kernel'"), std::string::npos) << message;
}

// Dense(3) on 4 features: 4 * 3 + 3 = 15 float32 = 60 bytes.
constexpr std::uint64_t kValues = 15;

TEST(WeightBudget, FileDataOfAQuarterOfTheWeightsIsEnough) {
  const auto model = dense_model(4, 3);
  ASSERT_EQ(io::weight_bytes(*model, 4), 4 * kValues);
  EXPECT_NO_THROW(io::check_weight_budget(*model, kValues, {}, "m.keras", "model.weights.h5,"));
}

TEST(WeightBudget, FileDataOfLessThanAQuarterIsAParseErrorNamingBothSizes) {
  // N bytes of data back at most 4N bytes of float32: 14 bytes cannot hold 60.
  const auto model = dense_model(4, 3);
  const auto check = [&] { io::check_weight_budget(*model, kValues - 1, {}, "m.keras", "model.weights.h5, of 14 bytes,"); };
  EXPECT_EQ(status_of(check), Status::ParseError);
  EXPECT_EQ(message_of(check),
            "'m.keras': the model's config declares weights of 60 bytes as float32, which model.weights.h5, of 14 "
            "bytes, cannot hold (at most 4x its size); a file whose weights are compressed loads with a "
            "max_weight_bytes option");
}

TEST(WeightBudget, CallerLimitReplacesTheDefault) {
  const auto model = dense_model(4, 3);
  LoadOptions options;
  options.max_weight_bytes = 4 * kValues;
  // No file data at all: the caller's limit alone decides.
  EXPECT_NO_THROW(io::check_weight_budget(*model, 0, options, "m.keras", "model.weights.h5,"));
  options.max_weight_bytes = 4 * kValues - 1;
  const auto check = [&] { io::check_weight_budget(*model, 1u << 30, options, "m.keras", "model.weights.h5,"); };
  EXPECT_EQ(status_of(check), Status::OutOfMemory);
  EXPECT_EQ(message_of(check),
            "'m.keras': the model's weights take 60 bytes as float32, more than this load's limit of 59 bytes "
            "(max_weight_bytes)");
  options.max_weight_bytes = 0;
  EXPECT_EQ(status_of([&] { io::check_weight_budget(*model, 1u << 30, options, "m.keras", "x"); }),
            Status::OutOfMemory);
}

TEST(WeightBudget, HugeBackingDoesNotOverflow) {
  const auto model = dense_model(4, 3);
  EXPECT_NO_THROW(io::check_weight_budget(*model, UINT64_MAX, {}, "m.keras", "x"));
  EXPECT_NO_THROW(io::check_weight_budget(*model, UINT64_MAX / 4 + 1, {}, "m.keras", "x"));
}

}  // namespace
}  // namespace inlay::core
