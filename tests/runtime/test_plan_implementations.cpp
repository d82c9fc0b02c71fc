// Every oneDNN primitive in the plans of real Keras models runs an optimized implementation, never oneDNN's
// reference one ("ref:..."): those run 10-700x slower (issue 19: DenseNet121's BatchNormalizations ran as
// ref:any binaries and made the model 25x slower than every peer). The models are the committed
// keras.applications families and typical hand-written models of tests/fixtures/applications (reduced widths,
// the real layer structure), compiled at batch 1 and 3 on one thread and on two. On a CPU without AVX2 oneDNN
// has fewer jit kernels: the check is skipped there.
#include <gtest/gtest.h>

#include <dnnl.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "io/model_file.hpp"
#include "runtime/plan_builder.hpp"

namespace {

namespace fs = std::filesystem;
using inlay::runtime::InputDesc;
using inlay::runtime::PlanBuilder;
using inlay::runtime::PlanOptions;

std::vector<std::string> application_models() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(fs::path(INLAY_FIXTURES_DIR) / "applications")) {
    if (fs::exists(entry.path() / "model.keras")) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "layer: implementation" of every primitive of the plan whose implementation is oneDNN's reference one.
std::vector<std::string> reference_primitives(const inlay::runtime::Plan& plan) {
  std::vector<std::string> out;
  for (const inlay::runtime::Step& step : plan.steps) {
    if (!step.primitive) continue;
    const char* impl = nullptr;
    dnnl_primitive_desc_query(step.primitive->get_primitive_desc(), dnnl_query_impl_info_str, 0, &impl);
    const std::string name = impl == nullptr ? "?" : impl;
    if (name.rfind("ref", 0) == 0) out.push_back(step.layer + ": " + name);
  }
  return out;
}

class PlanImplementations : public testing::TestWithParam<std::string> {};

TEST_P(PlanImplementations, NoReferenceKernels) {
  if (dnnl::get_effective_cpu_isa() < dnnl::cpu_isa::avx2) GTEST_SKIP() << "no AVX2: oneDNN has fewer jit kernels";
  const fs::path file = fs::path(INLAY_FIXTURES_DIR) / "applications" / GetParam() / "model.keras";
  const std::unique_ptr<inlay::core::Model> model = inlay::core::load_model_file(file.string());
  for (int64_t batch : {1, 3}) {
    std::vector<InputDesc> inputs;
    for (const inlay::core::KerasTensor* t : model->inputs()) {
      std::vector<int64_t> dims = t->shape().dims();
      dims[0] = batch;
      for (int64_t& d : dims) {
        if (d < 0) GTEST_SKIP() << "an input with a None dimension besides the batch";
      }
      inputs.push_back({dims, inlay::core::ArrayKind::Dense});
    }
    for (int threads : {1, 2}) {
      const std::unique_ptr<inlay::runtime::Plan> plan = PlanBuilder(*model, inputs, PlanOptions{threads}).build();
      const std::vector<std::string> refs = reference_primitives(*plan);
      std::string listed;
      for (const std::string& r : refs) listed += "\n  " + r;
      EXPECT_TRUE(refs.empty()) << "batch " << batch << ", " << threads << " thread(s): " << refs.size()
                                << " primitive(s) on oneDNN's reference kernels:" << listed;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Applications, PlanImplementations, testing::ValuesIn(application_models()),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
