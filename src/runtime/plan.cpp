#include "runtime/plan.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace inlay::runtime {

namespace {

constexpr std::size_t kAlignment = 64;

std::size_t align_up(std::size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

void* aligned_buffer(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  void* p = std::aligned_alloc(kAlignment, align_up(bytes));
  if (p == nullptr) {
    throw core::Error(core::Status::OutOfMemory, "cannot allocate " + std::to_string(bytes) + " bytes of workspace");
  }
  return p;
}

// primitive::execute of dnnl.hpp copies its argument map into a fresh vector on every call; the C call
// with the workspace's prebuilt vector does not.
void execute(const dnnl::primitive& primitive, const dnnl::stream& stream, const std::vector<dnnl_exec_arg_t>& args) {
  dnnl::error::wrap_c_api(
      dnnl_primitive_execute(primitive.get(), stream.get(), static_cast<int>(args.size()), args.data()),
      "could not execute a primitive");
}

}  // namespace

ValueId Plan::root_id(ValueId v) const {
  while (values[static_cast<std::size_t>(v)].storage == Storage::Alias) v = values[static_cast<std::size_t>(v)].alias_of;
  return v;
}

void* RunContext::data(ValueId v) const {
  const Value& value = plan_.root(v);
  if (value.storage == Storage::Input) return inputs_[value.input_index]->data();
  if (value.storage == Storage::Output) return outputs_[value.output_index]->data();
  return static_cast<char*>(workspace_.arena) + value.offset;
}

// Greedy best-fit by size: the largest tensors are placed first, each at the lowest offset that no
// placed tensor with an overlapping lifetime occupies (the approach of TFLite's arena planner).
void Plan::assign_memory() {
  std::vector<ValueId> arena_values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].storage == Storage::Arena) arena_values.push_back(static_cast<ValueId>(i));
  }
  std::stable_sort(arena_values.begin(), arena_values.end(), [&](ValueId a, ValueId b) {
    return values[a].md.get_size() > values[b].md.get_size();
  });
  std::vector<ValueId> placed;
  arena_bytes = 0;
  for (ValueId v : arena_values) {
    Value& value = values[v];
    const std::size_t size = align_up(value.md.get_size());
    // The occupied intervals of live-overlapping placed values, sorted by offset.
    std::vector<std::pair<std::size_t, std::size_t>> busy;
    for (ValueId p : placed) {
      const Value& other = values[p];
      if (other.defined_at <= value.last_use && value.defined_at <= other.last_use) {
        busy.emplace_back(other.offset, other.offset + align_up(other.md.get_size()));
      }
    }
    std::sort(busy.begin(), busy.end());
    std::size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (offset + size <= begin) break;
      offset = std::max(offset, end);
    }
    value.offset = offset;
    arena_bytes = std::max(arena_bytes, offset + size);
    placed.push_back(v);
  }
  scratchpad_bytes = 0;
  for (const Step& step : steps) scratchpad_bytes = std::max(scratchpad_bytes, step.scratchpad_bytes);
}

Workspace::Workspace(const Plan& plan) : stream(plan.engine) {
  try {
    arena = aligned_buffer(plan.arena_bytes);
    scratchpad = aligned_buffer(plan.scratchpad_bytes);
    step_args.resize(plan.steps.size());
    for (std::size_t s = 0; s < plan.steps.size(); ++s) {
      const Step& step = plan.steps[s];
      if (!step.primitive) continue;
      auto& args = step_args[s];
      for (const ValueArg& a : step.value_args) {
        const Value& value = plan.root(a.value);
        if (value.storage == Storage::Input) {
          dnnl::memory m(a.md, plan.engine, DNNL_MEMORY_NONE);
          input_memories.emplace_back(m, value.input_index);
          args.emplace(a.arg, m);
        } else if (value.storage == Storage::Output) {
          dnnl::memory m(a.md, plan.engine, DNNL_MEMORY_NONE);
          output_memories.emplace_back(m, value.output_index);
          args.emplace(a.arg, m);
        } else {
          args.emplace(a.arg, dnnl::memory(a.md, plan.engine, static_cast<char*>(arena) + value.offset));
        }
      }
      for (const ConstantArg& c : step.constant_args) args.emplace(c.arg, c.memory);
      if (step.scratchpad_bytes > 0) {
        args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(step.scratchpad_md, plan.engine, scratchpad));
      }
    }
    step_c_args.resize(plan.steps.size());
    for (std::size_t s = 0; s < plan.steps.size(); ++s) {
      for (const auto& [arg, memory] : step_args[s]) step_c_args[s].push_back({arg, memory.get()});
    }
    output_reorder_index.assign(plan.outputs.size(), -1);
    for (std::size_t i = 0; i < plan.outputs.size(); ++i) {
      const OutputBinding& out = plan.outputs[i];
      if (!out.reorder) continue;
      // Only arena values need a reorder: model inputs are plain, so they are copied as they are.
      const Value& value = plan.root(out.value);
      dnnl::memory src(plan.values[out.value].md, plan.engine, static_cast<char*>(arena) + value.offset);
      output_reorder_index[i] = static_cast<int>(output_reorders.size());
      output_reorders.emplace_back(src, dnnl::memory(out.user_md, plan.engine, DNNL_MEMORY_NONE));
      output_reorder_c_args.push_back(
          {{DNNL_ARG_FROM, output_reorders.back().first.get()}, {DNNL_ARG_TO, output_reorders.back().second.get()}});
    }
  } catch (...) {
    std::free(arena);
    std::free(scratchpad);
    throw;
  }
}

Workspace::~Workspace() {
  std::free(arena);
  std::free(scratchpad);
}

void Workspace::bind(const Array* const* inputs, Array* const* outputs) {
  for (auto& [memory, index] : input_memories) memory.set_data_handle(inputs[index]->data());
  for (auto& [memory, index] : output_memories) memory.set_data_handle(outputs[index]->data());
  for (std::size_t i = 0; i < output_reorder_index.size(); ++i) {
    if (output_reorder_index[i] >= 0) {
      output_reorders[static_cast<std::size_t>(output_reorder_index[i])].second.set_data_handle(outputs[i]->data());
    }
  }
}

std::unique_ptr<Workspace> Plan::acquire_workspace() const {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!pool_.empty()) {
      std::unique_ptr<Workspace> ws = std::move(pool_.back());
      pool_.pop_back();
      return ws;
    }
  }
  return std::make_unique<Workspace>(*this);  // a new concurrent run: the only allocation of a warm plan
}

void Plan::release_workspace(std::unique_ptr<Workspace> ws) const {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  pool_.push_back(std::move(ws));
}

void Plan::run(const Array* const* inputs, Array* const* results) const {
  std::unique_ptr<Workspace> ws = acquire_workspace();
  // Give the workspace back to the pool however the run ends.
  struct Return {
    const Plan& plan;
    std::unique_ptr<Workspace>& ws;
    ~Return() { plan.release_workspace(std::move(ws)); }
  } give_back{*this, ws};

  ws->bind(inputs, results);
  const RunContext context(*this, *ws, inputs, results);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    if (step.primitive) {
      execute(*step.primitive, ws->stream, ws->step_c_args[s]);
    } else {
      step.custom(context);
    }
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const OutputBinding& out = outputs[i];
    if (out.direct) continue;
    if (out.reorder) {
      execute(*out.reorder, ws->stream,
              ws->output_reorder_c_args[static_cast<std::size_t>(ws->output_reorder_index[i])]);
    } else {
      std::memcpy(results[i]->data(), context.data(out.value), results[i]->byte_size());
    }
  }
  ws->stream.wait();
}

}  // namespace inlay::runtime
