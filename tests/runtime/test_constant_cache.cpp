// Constants shared between the plans of one model (src/runtime/constant_cache.hpp): the same bytes in the same
// layout are one memory, whatever plan (input shape, thread count) asked for them; different bytes or layouts
// never are; and the cache keeps only what live plans use.
#include <gtest/gtest.h>

#include <dnnl.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/model_file.hpp"
#include "runtime/constant_cache.hpp"
#include "runtime/plan_builder.hpp"

namespace {

namespace fs = std::filesystem;
using dnnl::memory;
using inlay::runtime::ConstantCache;
using inlay::runtime::InputDesc;
using inlay::runtime::Plan;
using inlay::runtime::PlanBuilder;
using inlay::runtime::PlanOptions;

memory filled(const dnnl::engine& engine, memory::dims dims, memory::format_tag tag, float start) {
  memory m(memory::desc(dims, memory::data_type::f32, tag), engine);
  auto* p = static_cast<float*>(m.get_data_handle());
  const std::size_t n = m.get_desc().get_size() / sizeof(float);
  for (std::size_t i = 0; i < n; ++i) p[i] = start + static_cast<float>(i);
  return m;
}

TEST(ConstantCache, SameBytesAndLayoutAreOneMemory) {
  const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  ConstantCache cache;
  const memory a = cache.share(filled(engine, {64, 32}, memory::format_tag::ab, 1));
  EXPECT_EQ(cache.share(filled(engine, {64, 32}, memory::format_tag::ab, 1)).get(), a.get());
  // One element different (the last one: the lookup hash samples words, the comparison is of every byte).
  memory last = filled(engine, {64, 32}, memory::format_tag::ab, 1);
  static_cast<float*>(last.get_data_handle())[64 * 32 - 1] += 1;
  EXPECT_NE(cache.share(last).get(), a.get());
  // The same bytes under another layout or other dims.
  EXPECT_NE(cache.share(filled(engine, {64, 32}, memory::format_tag::ba, 1)).get(), a.get());
  EXPECT_NE(cache.share(filled(engine, {32, 64}, memory::format_tag::ab, 1)).get(), a.get());
  EXPECT_EQ(cache.size(), 4u);
  cache.keep_only({a.get()});
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 64u * 32u * sizeof(float));
  cache.keep_only({});
  EXPECT_EQ(cache.size(), 0u);
}

std::vector<InputDesc> inputs_at(const inlay::core::Model& model, int64_t batch) {
  std::vector<InputDesc> inputs;
  for (const inlay::core::KerasTensor* t : model.inputs()) {
    std::vector<int64_t> dims = t->shape().dims();
    dims[0] = batch;
    inputs.push_back({dims, inlay::core::ArrayKind::Dense});
  }
  return inputs;
}

std::vector<float> bytes_of(const memory& m) {
  const auto* p = static_cast<const float*>(m.get_data_handle());
  return std::vector<float>(p, p + m.get_desc().get_size() / sizeof(float));
}

// Plans of real models at several batch sizes and thread counts, compiled with one cache: every two constants
// with equal layout and bytes are the same memory, so the weights are held once per layout oneDNN picked.
TEST(ConstantCache, PlansOfOneModelShareTheirWeights) {
  for (const char* name : {"resnet50_reduced", "mobilenetv2_reduced", "simple_mnist_mlp"}) {
    const fs::path file = fs::path(INLAY_FIXTURES_DIR) / "applications" / name / "model.keras";
    SCOPED_TRACE(name);
    const std::unique_ptr<inlay::core::Model> model = inlay::core::load_model_file(file.string());
    ConstantCache cache;
    std::vector<std::unique_ptr<Plan>> plans;
    for (int64_t batch : {1, 2, 5, 16}) {
      for (int threads : {1, 2}) {
        PlanOptions options{threads};
        options.constants = &cache;
        plans.push_back(PlanBuilder(*model, inputs_at(*model, batch), options).build());
      }
    }
    std::size_t held = 0, unshared = 0;
    std::set<dnnl_memory_t> distinct;
    std::map<std::vector<float>, memory> by_content;
    for (const auto& plan : plans) {
      for (const memory& m : plan->constants) {
        unshared += m.get_desc().get_size();
        if (distinct.insert(m.get()).second) held += m.get_desc().get_size();
        auto [it, inserted] = by_content.try_emplace(bytes_of(m), m);
        if (!inserted && it->second.get() != m.get()) {
          EXPECT_NE(it->second.get_desc(), m.get_desc()) << "equal constants in one layout held twice";
        }
      }
    }
    ASSERT_GT(held, 0u);
    EXPECT_LT(held * 2, unshared) << "8 plans hold " << held << " bytes of constants, unshared " << unshared;
    std::printf("[ constants] %s: 8 plans hold %zu KiB (unshared: %zu KiB)\n", name, held / 1024, unshared / 1024);
  }
}

}  // namespace
