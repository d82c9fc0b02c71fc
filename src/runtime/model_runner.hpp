// The runtime of one model: checks predict's inputs as Keras does, compiles an execution plan per set of
// input dims (cached), and runs plans from any number of threads at once. Settings (threads, precision)
// change between runs only: changing them drops the compiled plans.
#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "graph/model.hpp"
#include "runtime/precision.hpp"
#include "types/array.hpp"


namespace inlay::runtime {

class Plan;           // plan.hpp: oneDNN stays behind this header (the C ABI includes it)
class ConstantCache;  // constant_cache.hpp
using core::Array;
using core::kMaxRank;

class ModelRunner {
 public:
  explicit ModelRunner(const core::Model& model);
  ~ModelRunner();

  // model.predict on one batch. outputs[i] == nullptr: allocated here (on success only); otherwise
  // written in place. Everything is checked before anything is written.
  void predict(const Array* const* inputs, std::size_t n_inputs, Array** outputs, std::size_t n_outputs);
  // Compiles the plan for these inputs' dims, runs nothing.
  void prepare(const Array* const* inputs, std::size_t n_inputs);

  // 0: the default (default_threads.hpp: INLAY_NUM_THREADS, else OMP_NUM_THREADS, else the CPUs of the
  // affinity mask capped by the cgroup CPU quota).
  void set_threads(int threads);
  int threads() const { return threads_; }
  // The arithmetic of Dense / Conv (inlay_precision); BFloat16 throws Unsupported when the CPU has no
  // bfloat16 instructions.
  void set_precision(Precision precision);
  Precision precision() const { return precision_; }
  // Drops every compiled plan (the weights changed).
  void invalidate();

 private:
  struct InputView {
    const Array* array;
    int rank;
    int64_t dims[kMaxRank + 1];  // Keras's dims after its rank adjustment; a ragged input's flat dims
  };
  // Keras's input checks; fills views (reused storage, so warm calls allocate nothing). `function` is the C
  // ABI function messages name ("inlay_model_predict").
  void check_inputs(const Array* const* inputs, std::size_t n_inputs, std::vector<InputView>& views,
                    const char* function) const;
  std::shared_ptr<const Plan> plan_for(const std::vector<InputView>& views);
  void drop_unused_constants();
  void check_outputs(const Plan& plan, const Array* const* inputs, Array** outputs, std::size_t n_outputs) const;

  const core::Model& model_;
  int threads_ = 1;
  Precision precision_ = Precision::Float32;
  mutable std::shared_mutex mutex_;
  std::vector<std::shared_ptr<const Plan>> plans_;  // most recently compiled last
  std::unique_ptr<ConstantCache> constants_;         // the plans' weights, one copy per layout and bytes
  uint64_t weights_version_ = 0;                     // the graph's weights_version() the plans were made with
};

}  // namespace inlay::runtime
