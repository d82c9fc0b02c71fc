// An execution plan: what one model runs for one set of concrete input dims, compiled once (XNNPACK's
// subgraph -> runtime split). It holds the oneDNN primitives in execution order, the weights already
// reordered into the layouts those primitives prefer, and a memory plan: every intermediate tensor gets
// an offset in one arena, tensors whose lifetimes do not overlap share bytes. Running a plan needs a
// Workspace (arena, scratchpad, stream, prebuilt argument maps); workspaces are pooled per plan, so
// steady-state runs allocate nothing and concurrent runs each get their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <dnnl.hpp>

#include "runtime/precision.hpp"
#include "types/array.hpp"

namespace inlay::runtime {

using core::Array;
using core::kMaxRank;

using ValueId = int;


// Where a value's bytes live while a plan runs.
enum class Storage {
  Arena,   // an offset in the workspace arena
  Input,   // the caller's input array (read only)
  Alias,   // the bytes of another value (a Reshape / Flatten / Dropout view)
  Output,  // the caller's output array: the last step writes the result where the caller wants it
};

// A tensor of the plan. `dims` are Keras's (concrete) dims. `md` says how the bytes are laid out: for a
// plain value, a row-major desc over `dims`; for a spatial value (what convolutions and pooling produce),
// a desc over oneDNN's (N, C, spatial...) dims in whatever layout the producer chose, possibly blocked.
struct Value {
  std::vector<int64_t> dims;
  dnnl::memory::desc md;
  bool spatial = false;
  bool channels_first = false;  // for spatial values: which Keras layout the (N, C, ...) dims stand for
  Storage storage = Storage::Arena;
  int input_index = -1;   // Storage::Input
  int output_index = -1;  // Storage::Output
  ValueId alias_of = -1;  // Storage::Alias
  int ragged_input = -1;  // the model input whose row_splits this value's rows follow (ragged only)
  bool sparse = false;    // a sparse model input: no bytes of its own, read by the sparse Dense step
  // float32 but for an integer model input (int32 / int64 token ids), which keeps the caller's bytes: its md
  // then says s32 whatever the width (oneDNN has no s64) and only hand-written steps read it
  // (PlanBuilder::value_of gives other lowerings a float32 copy, PlanBuilder::stored_value_of the ints).
  core::DType dtype = core::DType::Float32;
  std::size_t offset = 0; // Storage::Arena, set by the memory plan
  int defined_at = -1;    // step index that writes it (-1: before the first step)
  int last_use = -1;      // last step index that reads it (or the end, for model outputs)
};

// A memory argument of a primitive: a value seen through a desc (a plain value can be viewed as
// (N, C, H, W) in nhwc, or as a 2-D matrix; the bytes are the same).
struct ValueArg {
  int arg;  // DNNL_ARG_*
  ValueId value;
  dnnl::memory::desc md;
};

// A constant argument: weights and biases, prepared at compile time and shared by every workspace.
struct ConstantArg {
  int arg;
  dnnl::memory memory;
};

class Workspace;

// What a hand-written step sees when it runs: where each value's bytes are, and the caller's inputs.
class RunContext {
 public:
  RunContext(const class Plan& plan, Workspace& workspace, const Array* const* inputs, Array* const* outputs)
      : plan_(plan), workspace_(workspace), inputs_(inputs), outputs_(outputs) {}
  float* f32(ValueId v) const { return static_cast<float*>(data(v)); }
  void* data(ValueId v) const;
  const Array& input(int i) const { return *inputs_[i]; }

 private:
  const class Plan& plan_;
  Workspace& workspace_;
  const Array* const* inputs_;
  Array* const* outputs_;
};

struct Step {
  std::string layer;  // for logs and errors
  // Either a oneDNN primitive with its arguments...
  std::optional<dnnl::primitive> primitive;
  std::vector<ValueArg> value_args;
  std::vector<ConstantArg> constant_args;
  std::size_t scratchpad_bytes = 0;
  dnnl::memory::desc scratchpad_md;
  // ...or hand-written code.
  std::function<void(const RunContext&)> custom;
  std::vector<ValueId> reads;
  std::vector<ValueId> writes;
};

// The plan's output i: which value holds it, and in which plain layout the caller receives it.
struct OutputBinding {
  ValueId value;
  dnnl::memory::desc user_md;  // row-major over the output's dims, viewed like the value's md
  std::optional<dnnl::reorder> reorder;  // unset: the value is plain, a copy of its bytes
  bool direct = false;  // the value lives in the caller's output array (Storage::Output): nothing to copy
  std::vector<int64_t> dims;  // Keras dims of the output (flat dims for a ragged output)
  int ragged_input = -1;      // >= 0: a ragged output with that input's row_splits
};

class Plan {
 public:
  // The input dims this plan was compiled for (a ragged input: its flat values' dims), and its settings.
  std::vector<std::vector<int64_t>> input_dims;
  int threads = 1;
  bool bf16 = false;
  // Multiply-adds of the Dense / Conv primitives plus the elements every other step writes, per run: how
  // much a run has to do (ModelRunner runs small plans on one thread).
  double work = 0;

  dnnl::engine engine;
  std::vector<Value> values;
  std::vector<Step> steps;
  std::vector<OutputBinding> outputs;
  std::size_t arena_bytes = 0;
  std::size_t scratchpad_bytes = 0;
  // Every constant the steps use (PlanBuilder::constant), possibly shared with the model's other plans
  // (ConstantCache): which cached constants are still in use.
  std::vector<dnnl::memory> constants;

  // Runs the plan on inputs (checked by the caller) into outputs (allocated, of the right dims, overlapping
  // no input: direct outputs are written while the inputs are still being read).
  void run(const Array* const* inputs, Array* const* results) const;

  // The memory plan: offsets for every arena value by liveness. Called once, after the last step is added.
  void assign_memory();

  // The value whose bytes v uses: v itself, or what its chain of aliases (views) ends in.
  ValueId root_id(ValueId v) const;
  const Value& root(ValueId v) const { return values[static_cast<std::size_t>(root_id(v))]; }

 private:
  friend class Workspace;
  std::unique_ptr<Workspace> acquire_workspace() const;
  void release_workspace(std::unique_ptr<Workspace> ws) const;

  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Workspace>> pool_;
};

// The buffers and oneDNN objects one run needs, made once per concurrent run.
class Workspace {
 public:
  explicit Workspace(const Plan& plan);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Points every memory that stands for a caller's buffer at this run's inputs / outputs.
  void bind(const Array* const* inputs, Array* const* outputs);

  void* arena = nullptr;
  void* scratchpad = nullptr;
  dnnl::stream stream;
  std::vector<std::unordered_map<int, dnnl::memory>> step_args;  // per step (primitive steps only): owns the memories
  std::vector<std::vector<dnnl_exec_arg_t>> step_c_args;         // the same as the C API takes them (no per-run copy)
  std::vector<std::pair<dnnl::memory, int>> input_memories;      // (memory, model input index)
  std::vector<std::pair<dnnl::memory, int>> output_memories;     // (memory, model output index): direct outputs
  std::vector<std::pair<dnnl::memory, dnnl::memory>> output_reorders;  // (src, dst bound to output i)
  std::vector<std::vector<dnnl_exec_arg_t>> output_reorder_c_args;
  std::vector<int> output_reorder_index;                          // output i -> index in output_reorders, or -1
};

}  // namespace inlay::runtime
