#include "runtime/model_runner.hpp"

#include "runtime/plan.hpp"

#include "runtime/constant_cache.hpp"
#include "runtime/default_threads.hpp"

#include <cstring>

#include <omp.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_set>

#include "runtime/plan_builder.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

namespace inlay::runtime {

using core::ArrayKind;
using core::Error;
using core::SpecKind;
using core::Status;

namespace {

// Whether the bytes of `out` overlap those of any input array.
bool overlaps_an_input(const Array& out, const Array* const* inputs, std::size_t n_inputs) {
  const auto* begin = static_cast<const char*>(out.data());
  const auto* end = begin + out.byte_size();
  for (std::size_t i = 0; i < n_inputs; ++i) {
    const auto* in = static_cast<const char*>(inputs[i]->data());
    if (in != nullptr && in < end && begin < in + inputs[i]->byte_size()) return true;
  }
  return false;
}

constexpr std::size_t kMaxCachedPlans = 16;
constexpr int kMaxThreads = 4096;  // more OpenMP threads than that is a mistake, and libgomp aborts on huge counts
// Below this many multiply-adds (or written elements) per run a plan runs on one thread: about 2-3 us of
// work, less than what waking and joining OpenMP threads costs (measured on the 2-core VM: Dense 32->16 at
// batch 32, 1.8 us on one thread against 3-7 us on two).
constexpr double kSingleThreadWork = 262144;

std::string tuple(const int64_t* dims, int rank) {
  std::string out = "(";
  for (int i = 0; i < rank; ++i) out += (i ? ", " : "") + (dims[i] < 0 ? std::string("None") : std::to_string(dims[i]));
  if (rank == 1) out += ",";
  return out + ")";
}

// Keras shows an input's expected shape with the batch dimension as None.
std::string expected_shape(const core::Shape& shape) {
  std::vector<int64_t> dims = shape.dims();
  if (!dims.empty()) dims[0] = -1;
  return tuple(dims.data(), static_cast<int>(dims.size()));
}

const char* kind_name(ArrayKind kind) {
  switch (kind) {
    case ArrayKind::Sparse: return "sparse";
    case ArrayKind::Ragged: return "ragged";
    default: return "dense";
  }
}

ArrayKind expected_kind(const core::KerasTensor& t) {
  if (t.sparse()) return ArrayKind::Sparse;
  if (t.ragged()) return ArrayKind::Ragged;
  return ArrayKind::Dense;
}

int default_thread_count() {
  const ThreadDefault d = default_threads(kMaxThreads);
  core::log().debug("default threads: {} ({})", d.threads, d.source);
  return d.threads;
}

// Sets this thread's OpenMP thread count for the scope (oneDNN sizes its parallel regions from it, both
// when it creates primitives and when it runs them).
class ThreadCountScope {
 public:
  explicit ThreadCountScope(int threads) : saved_(omp_get_max_threads()) {
    if (threads != saved_) omp_set_num_threads(threads);
  }
  ~ThreadCountScope() {
    if (omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
  }
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;

 private:
  int saved_;
};

bool cpu_has_bf16() {
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
  return (isa & bf16) == bf16;
}

}  // namespace

ModelRunner::ModelRunner(const core::Model& model)
    : model_(model), threads_(default_thread_count()), constants_(std::make_unique<ConstantCache>()) {}

ModelRunner::~ModelRunner() = default;

void ModelRunner::set_threads(int threads) {
  if (threads < 0 || threads > kMaxThreads) {
    throw core::Error(Status::InvalidArgument, "inlay_model_set_num_threads: the thread count must be in 0.." +
                                                   std::to_string(kMaxThreads) + ", got " + std::to_string(threads));
  }
  const int effective = threads == 0 ? default_thread_count() : threads;
  if (effective != threads_) {
    threads_ = effective;
    invalidate();
  }
}

void ModelRunner::set_precision(Precision precision) {
  if (precision == Precision::BFloat16 && !cpu_has_bf16()) {
    throw Error(Status::Unsupported, "bfloat16 precision needs a CPU with AVX512-BF16 (or AMX) instructions");
  }
  if (precision != precision_) {
    precision_ = precision;
    invalidate();
  }
}

void ModelRunner::invalidate() {
  std::unique_lock lock(mutex_);
  plans_.clear();
  drop_unused_constants();
}

// Under mutex_ (unique): the constant cache keeps what the cached plans use; a plan compiled on the single-
// thread retry or evicted takes its unshared constants with it.
void ModelRunner::drop_unused_constants() {
  std::unordered_set<dnnl_memory_t> in_use;
  for (const auto& plan : plans_) {
    for (const dnnl::memory& m : plan->constants) in_use.insert(m.get());
  }
  constants_->keep_only(in_use);
}

void ModelRunner::check_inputs(const Array* const* inputs, std::size_t n_inputs, std::vector<InputView>& views,
                          const char* function) const {
  const auto& model_inputs = model_.inputs();
  if (n_inputs != model_inputs.size()) {
    throw Error(Status::InvalidArgument, "Layer \"" + model_.name() + "\" expects " +
                                             std::to_string(model_inputs.size()) + " input(s), but it received " +
                                             std::to_string(n_inputs) + " input tensors.");
  }
  // model.predict's data adapter first (keras/src/trainers/data_adapters/data_adapter_utils.py
  // check_data_cardinality): every input has the same number of samples (shape[0]; a ragged array's rows).
  const Array* first = nullptr;
  for (std::size_t i = 0; i < n_inputs; ++i) {
    const Array* a = inputs[i];
    if (a == nullptr || a->rank() == 0) continue;  // reported below / not batched
    if (first == nullptr) {
      first = a;
    } else if (a->dims()[0] != first->dims()[0]) {
      std::string sizes;
      for (std::size_t j = 0; j < n_inputs; ++j) {
        if (inputs[j] == nullptr || inputs[j]->rank() == 0) continue;
        sizes += (sizes.empty() ? "" : ", ") + std::to_string(inputs[j]->dims()[0]);
      }
      throw Error(Status::ShapeMismatch,
                  "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' sizes: " +
                      sizes);
    }
  }
  views.resize(n_inputs);
  for (std::size_t i = 0; i < n_inputs; ++i) {
    const core::KerasTensor& spec = *model_inputs[i];
    const Array* a = inputs[i];
    if (a == nullptr) {
      throw Error(Status::InvalidArgument, std::string(function) + ": inputs[" + std::to_string(i) + "] is NULL");
    }
    auto which = [&] {  // built only for a message: a warm predict allocates nothing
      return "Input " + std::to_string(i) + " ('" + spec.name() + "') of layer \"" + model_.name() + "\"";
    };
    if (a->kind() != expected_kind(spec)) {
      throw Error(Status::InvalidArgument, which() + " expects a " + kind_name(expected_kind(spec)) + " array, got a " +
                                               kind_name(a->kind()) + " array");
    }
    if (a->dtype() != spec.dtype()) {
      throw Error(Status::InvalidArgument, which() + " expects dtype " + std::string(core::dtype_name(spec.dtype())) +
                                               ", got " + std::string(core::dtype_name(a->dtype())));
    }
    // Keras's Functional._adjust_input_rank: a trailing axis of size 1 may be added or dropped.
    const std::vector<int64_t>& want = spec.shape().dims();
    const int spec_rank = spec.shape().rank();
    int rank = a->rank();
    const int64_t* dims = a->dims().data();
    if (spec_rank >= 0 && a->kind() == ArrayKind::Dense) {
      if (rank == spec_rank + 1 && rank > 0 && dims[rank - 1] == 1) rank = spec_rank;
    }
    InputView& view = views[i];
    view.array = a;
    view.rank = rank;
    for (int d = 0; d < rank; ++d) view.dims[d] = dims[d];
    if (spec_rank >= 0 && a->kind() == ArrayKind::Dense && rank == spec_rank - 1 && want.back() == 1) {
      view.dims[rank] = 1;
      view.rank = ++rank;
    }
    bool ok = spec_rank < 0 || rank == spec_rank;
    for (int d = 0; ok && d < rank && spec_rank >= 0; ++d) {
      ok = want[static_cast<std::size_t>(d)] < 0 || view.dims[d] < 0 || want[static_cast<std::size_t>(d)] == view.dims[d];
    }
    if (!ok) {
      // Keras shows the batch dimension as None; when only the batch differs from a fixed one, say so.
      bool only_batch = spec_rank > 0 && rank == spec_rank && want[0] >= 0 && view.dims[0] != want[0];
      for (int d = 1; only_batch && d < rank; ++d) {
        const int64_t w = want[static_cast<std::size_t>(d)];
        only_batch = w < 0 || view.dims[d] < 0 || w == view.dims[d];
      }
      // Keras 3's InputSpec check names the input by its InputLayer (keras/src/layers/input_spec.py, 3.15).
      throw Error(Status::ShapeMismatch,
                  "Input " + std::to_string(i) + " with name '" + spec.history().layer->name() + "' of layer '" +
                      model_.name() + "' is incompatible with the layer: expected shape=" + expected_shape(spec.shape()) +
                      ", found shape=" + a->shape_string() +
                      (only_batch ? " (the input's batch size is fixed at " + std::to_string(want[0]) + ")" : ""));
    }
    if (a->kind() == ArrayKind::Ragged) {  // the plan sees the flat values
      view.rank = static_cast<int>(a->flat_dims().size());
      for (int d = 0; d < view.rank; ++d) view.dims[d] = a->flat_dims()[static_cast<std::size_t>(d)];
    }
    // A sparse input's dense shape may be huge (only its nnz values exist); what the plan reads may not be.
    if (a->kind() != ArrayKind::Sparse && !within_runtime_limit(view.dims, static_cast<std::size_t>(view.rank))) {
      throw Error(Status::OutOfMemory,
                  std::string(function) + ": " + which() + ": its " +
                      too_large_for_runtime(std::vector<int64_t>(view.dims, view.dims + view.rank)));
    }
  }
}

std::shared_ptr<const Plan> ModelRunner::plan_for(const std::vector<InputView>& views) {
  auto matches = [&](const Plan& plan) {
    for (std::size_t i = 0; i < views.size(); ++i) {
      const std::vector<int64_t>& dims = plan.input_dims[i];
      if (dims.size() != static_cast<std::size_t>(views[i].rank)) return false;
      for (int d = 0; d < views[i].rank; ++d) {
        if (dims[static_cast<std::size_t>(d)] != views[i].dims[d]) return false;
      }
    }
    return true;
  };
  const uint64_t weights_version = model_.graph().weights_version();
  {
    std::shared_lock lock(mutex_);
    if (weights_version == weights_version_) {
      for (auto it = plans_.rbegin(); it != plans_.rend(); ++it) {
        if (matches(**it)) return *it;
      }
    }
  }
  std::vector<InputDesc> descs;
  for (const InputView& view : views) descs.push_back({std::vector<int64_t>(view.dims, view.dims + view.rank), view.array->kind()});
  std::shared_ptr<const Plan> plan;
  try {
    // Compiled under the thread count it runs with: oneDNN sizes some kernels' blocking for it.
    {
      const ThreadCountScope scope(threads_);
      plan = PlanBuilder(model_, descs, PlanOptions::of(threads_, precision_, constants_.get())).build();
    }
    // Too little work to share: waking the other threads would cost more than they save. Compiled again for
    // one thread.
    if (threads_ > 1 && plan->work < kSingleThreadWork) {
      const ThreadCountScope one(1);
      plan = PlanBuilder(model_, std::move(descs), PlanOptions::of(1, precision_, constants_.get())).build();
    }
  } catch (const dnnl::error& e) {
    // oneDNN's allocations are its own (malloc): one that failed is reported as this status, not bad_alloc.
    throw Error(e.status == dnnl_out_of_memory ? Status::OutOfMemory : Status::InternalError,
                "oneDNN could not compile model \"" + model_.name() + "\": " + e.what());
  }
  std::unique_lock lock(mutex_);
  if (weights_version != weights_version_) {  // the weights changed since the cached plans were compiled
    plans_.clear();
    weights_version_ = weights_version;
  }
  for (const auto& cached : plans_) {
    if (matches(*cached)) return cached;  // another thread compiled it meanwhile
  }
  if (plans_.size() >= kMaxCachedPlans) plans_.erase(plans_.begin());
  plans_.push_back(plan);
  drop_unused_constants();
  return plan;
}

void ModelRunner::check_outputs(const Plan& plan, const Array* const* inputs, Array** outputs, std::size_t n_outputs) const {
  if (n_outputs != plan.outputs.size()) {
    throw Error(Status::InvalidArgument, "Model \"" + model_.name() + "\" has " + std::to_string(plan.outputs.size()) +
                                             " output(s), but n_outputs is " + std::to_string(n_outputs));
  }
  for (std::size_t i = 0; i < n_outputs; ++i) {
    const Array* out = outputs[i];
    if (out == nullptr) continue;
    const OutputBinding& binding = plan.outputs[i];
    const bool ragged = binding.ragged_input >= 0;
    const std::vector<int64_t>& have = ragged ? out->flat_dims() : out->dims();
    bool ok = out->dtype() == core::DType::Float32 && out->kind() == (ragged ? ArrayKind::Ragged : ArrayKind::Dense) &&
              have == binding.dims;
    if (ok && ragged) {
      const Array& in = *inputs[binding.ragged_input];
      ok = out->row_split_count() == in.row_split_count() &&
           std::equal(in.row_splits(), in.row_splits() + in.row_split_count(), out->row_splits());
    }
    if (!ok) {
      throw Error(Status::ShapeMismatch,
                  "Output " + std::to_string(i) + " of model \"" + model_.name() + "\" is a " +
                      std::string(ragged ? "ragged" : "dense") + " float32 array of shape=" +
                      tuple(binding.dims.data(), static_cast<int>(binding.dims.size())) +
                      (ragged ? " (flat values, with the input's row_splits)" : "") + ", but outputs[" +
                      std::to_string(i) + "] is a " + kind_name(out->kind()) + " " +
                      std::string(core::dtype_name(out->dtype())) + " array of shape=" + out->shape_string());
    }
  }
}

void ModelRunner::prepare(const Array* const* inputs, std::size_t n_inputs) {
  thread_local std::vector<InputView> views;
  check_inputs(inputs, n_inputs, views, "inlay_model_prepare");
  plan_for(views);
}

void ModelRunner::predict(const Array* const* inputs, std::size_t n_inputs, Array** outputs, std::size_t n_outputs) {
  thread_local std::vector<InputView> views;
  check_inputs(inputs, n_inputs, views, "inlay_model_predict");
  const std::shared_ptr<const Plan> plan = plan_for(views);
  const ThreadCountScope scope(plan->threads);  // the plan's own count: threads_, or 1 for a small plan
  check_outputs(*plan, inputs, outputs, n_outputs);

  // Allocate the missing outputs; hand them over only once the run succeeded.
  thread_local std::vector<std::unique_ptr<Array>> allocated;
  thread_local std::vector<Array*> targets;
  allocated.clear();
  allocated.resize(n_outputs);
  targets.assign(outputs, outputs + n_outputs);
  for (std::size_t i = 0; i < n_outputs; ++i) {
    // A caller's output that overlaps an input cannot take direct writes while the input is read: that run
    // writes into a temporary, copied over at the end.
    if (outputs[i] != nullptr && !overlaps_an_input(*outputs[i], inputs, n_inputs)) continue;
    const OutputBinding& binding = plan->outputs[i];
    try {
      if (binding.ragged_input >= 0) {
        const Array& in = *inputs[binding.ragged_input];
        allocated[i] = Array::create_ragged(
            core::DType::Float32, binding.dims,
            std::vector<int64_t>(in.row_splits(), in.row_splits() + in.row_split_count()));
      } else {
        allocated[i] = Array::create(core::DType::Float32, binding.dims);
      }
    } catch (const Error& e) {  // an output too large for memory: say which
      allocated.clear();
      throw Error(e.status(), "inlay_model_predict: output " + std::to_string(i) + " of model \"" + model_.name() +
                                  "\", of shape=" + tuple(binding.dims.data(), static_cast<int>(binding.dims.size())) +
                                  ": " + e.what());
    } catch (...) {  // nothing allocated for this call is kept
      allocated.clear();
      throw;
    }
    targets[i] = allocated[i].get();
  }
  try {
    plan->run(inputs, targets.data());
  } catch (const dnnl::error& e) {
    allocated.clear();
    throw Error(e.status == dnnl_out_of_memory ? Status::OutOfMemory : Status::InternalError,
                "oneDNN failed running model \"" + model_.name() + "\": " + e.what());
  }
  for (std::size_t i = 0; i < n_outputs; ++i) {
    if (!allocated[i]) continue;
    if (outputs[i] == nullptr) {
      outputs[i] = allocated[i].release();
    } else {
      std::memcpy(outputs[i]->data(), allocated[i]->data(), outputs[i]->byte_size());
    }
  }
  allocated.clear();
}

}  // namespace inlay::runtime
