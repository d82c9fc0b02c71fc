#include "runtime/plan_builder.hpp"

#include <algorithm>

#include "graph/input_layer.hpp"
#include "runtime/lowerings.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

namespace inlay::runtime {

using dnnl::memory;

// --- helpers

memory::dims to_dnnl(const std::vector<int64_t>& dims) { return memory::dims(dims.begin(), dims.end()); }

memory::desc plain_md(const std::vector<int64_t>& dims, memory::data_type type) {
  memory::dims strides(dims.size(), 1);
  for (std::size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * std::max<int64_t>(dims[i], 1);
  return memory::desc(to_dnnl(dims), type, strides);
}

std::vector<int64_t> nc_dims(const std::vector<int64_t>& keras_dims, bool channels_first) {
  if (channels_first || keras_dims.size() < 3) return keras_dims;
  std::vector<int64_t> nc = {keras_dims.front(), keras_dims.back()};
  nc.insert(nc.end(), keras_dims.begin() + 1, keras_dims.end() - 1);
  return nc;
}

std::vector<int64_t> keras_dims(const std::vector<int64_t>& nc, bool channels_first) {
  if (channels_first || nc.size() < 3) return nc;
  std::vector<int64_t> dims = {nc.front()};
  dims.insert(dims.end(), nc.begin() + 2, nc.end());
  dims.push_back(nc[1]);
  return dims;
}

memory::desc nc_md(const std::vector<int64_t>& nc, bool channels_last_bytes, memory::data_type type) {
  if (!channels_last_bytes || nc.size() < 3) return plain_md(nc, type);
  // Channels innermost, then the spatial dims in order, then the batch.
  memory::dims strides(nc.size(), 1);
  int64_t stride = std::max<int64_t>(nc[1], 1);
  for (std::size_t i = nc.size(); i-- > 2;) {
    strides[i] = stride;
    stride *= std::max<int64_t>(nc[i], 1);
  }
  strides[0] = stride;
  return memory::desc(to_dnnl(nc), type, strides);
}

std::optional<memory::desc> blocked_like(const memory::desc& like, const std::vector<int64_t>& dims) {
  using tag = memory::format_tag;
  const auto& blocking = like.data.format_desc.blocking;
  if (like.data.format_kind != dnnl_blocked || blocking.inner_nblks != 1 || blocking.inner_idxs[0] != 1) {
    return std::nullopt;
  }
  const int rank = like.data.ndims;
  if (static_cast<int>(dims.size()) != rank) return std::nullopt;
  const bool by8 = blocking.inner_blks[0] == 8, by16 = blocking.inner_blks[0] == 16;
  tag t = tag::undef;
  if (rank == 3) t = by8 ? tag::aBc8b : by16 ? tag::aBc16b : tag::undef;
  if (rank == 4) t = by8 ? tag::aBcd8b : by16 ? tag::aBcd16b : tag::undef;
  if (rank == 5) t = by8 ? tag::aBcde8b : by16 ? tag::aBcde16b : tag::undef;
  if (t == tag::undef) return std::nullopt;
  // Only when `like` is exactly that tag over its own dims (not, say, a blocked layout of another outer order).
  if (memory::desc(like.dims(), like.data_type(), t) != like) return std::nullopt;
  return memory::desc(to_dnnl(dims), like.data_type(), t);
}

memory::desc with_type(const memory::desc& md, memory::data_type type) {
  memory::desc out = md;
  out.data.data_type = memory::convert_to_c(type);
  return out;
}

int64_t product(const std::vector<int64_t>& dims, std::size_t begin, std::size_t end) {
  int64_t p = 1;
  for (std::size_t i = begin; i < end; ++i) p *= dims[i];
  return p;
}

void throw_unsupported(const std::string& layer, const std::string& what) {
  throw core::Error(core::Status::Unsupported, "Layer '" + layer + "': " + what + " is not supported by inlay's runtime");
}

bool within_runtime_limit(const int64_t* dims, std::size_t rank) {
  int64_t n = 1;
  for (std::size_t i = 0; i < rank; ++i) {
    if (dims[i] <= 0) continue;
    if (n > kMaxTensorElements / dims[i]) return false;
    n *= dims[i];
  }
  return true;
}

std::string too_large_for_runtime(const std::vector<int64_t>& dims) {
  if (within_runtime_limit(dims.data(), dims.size())) return {};
  return "shape " + core::Shape(dims).to_tuple_string() + " has 2^31 elements or more (its nonzero dims multiplied), more than inlay's runtime "
         "(oneDNN) can index";
}

// --- the builder

PlanBuilder::PlanBuilder(const core::Model& model, std::vector<InputDesc> inputs, PlanOptions options)
    : model_(model),
      inputs_(std::move(inputs)),
      options_(options),
      plan_(std::make_unique<Plan>()),
      fusions_(plan_fusions(model)) {
  plan_->engine = options.constants != nullptr ? options.constants->engine() : dnnl::engine(dnnl::engine::kind::cpu, 0);
  plan_->threads = options.threads;
  plan_->bf16 = options.bf16;
  for (const InputDesc& in : inputs_) plan_->input_dims.push_back(in.dims);
}

dnnl::primitive_attr PlanBuilder::attributes() const {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

std::unique_ptr<Plan> PlanBuilder::build() {
  add_inputs();
  const std::vector<char> needed = needed_nodes();
  const std::vector<core::NodeRef>& order = model_.execution_order();
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Node& node = order[i].node();
    if (!needed[i] || order[i].layer->class_name() == core::InputLayer::kClassName || fusions_.is_folded(node)) continue;
    lower(*order[i].layer, node);
  }
  bind_outputs();
  compute_lifetimes();
  plan_->assign_memory();
  plan_->work = estimate_work();
  core::log().debug("plan for model '{}': {} steps, {} values, arena {} bytes, scratchpad {} bytes", model_.name(),
                    plan_->steps.size(), plan_->values.size(), plan_->arena_bytes, plan_->scratchpad_bytes);
  return std::move(plan_);
}

// The nodes whose outputs reach a model output through the computation (Node::inputs). Keras 3's models
// compute their masks with op-layers (not_equal, any, logical_and...) whose outputs reach the layers only as
// mask= arguments (Node::mask_inputs): the runtime derives masks itself (mask_of), so those nodes are not run.
std::vector<char> PlanBuilder::needed_nodes() const {
  const std::vector<core::NodeRef>& order = model_.execution_order();
  std::unordered_set<const KerasTensor*> wanted(model_.outputs().begin(), model_.outputs().end());
  std::vector<char> needed(order.size(), 0);
  for (std::size_t i = order.size(); i-- > 0;) {
    const Node& node = order[i].node();
    const bool used = std::any_of(node.outputs.begin(), node.outputs.end(),
                                  [&](const KerasTensor* t) { return wanted.count(t) != 0; });
    if (!used) continue;
    needed[i] = 1;
    wanted.insert(node.inputs.begin(), node.inputs.end());
  }
  return needed;
}

void PlanBuilder::add_inputs() {
  for (std::size_t i = 0; i < model_.inputs().size(); ++i) {
    const InputDesc& in = inputs_[i];
    Value value;
    value.dims = in.dims;
    const core::DType dtype = model_.inputs()[i]->dtype();
    if (dtype != core::DType::Float32 && dtype != core::DType::Int32 && dtype != core::DType::Int64) {
      throw core::Error(core::Status::Unsupported, "inlay's runtime reads float32, int32 and int64 model inputs; input '" +
                                                       model_.inputs()[i]->name() + "' has dtype " +
                                                       std::string(core::dtype_name(dtype)));
    }
    if (dtype != core::DType::Float32 && in.kind != core::ArrayKind::Dense) {
      throw_unsupported(model_.name(), "a " + std::string(in.kind == core::ArrayKind::Sparse ? "sparse" : "ragged") +
                                           " input of dtype " + std::string(core::dtype_name(dtype)) +
                                           " (integer inputs must be dense)");
    }
    value.dtype = dtype;
    value.md = plain_md(in.dims, dtype == core::DType::Float32 ? memory::data_type::f32 : memory::data_type::s32);
    value.storage = Storage::Input;
    value.input_index = static_cast<int>(i);
    value.sparse = in.kind == core::ArrayKind::Sparse;
    if (in.kind == core::ArrayKind::Ragged) value.ragged_input = static_cast<int>(i);
    plan_->values.push_back(std::move(value));
    values_[model_.inputs()[i]] = static_cast<ValueId>(plan_->values.size() - 1);
  }
}

void PlanBuilder::lower(const Layer& layer, const Node& node) {
  // Ragged values carry only their flat values: a layer may consume them only when it works on the last
  // axis alone (tf.keras maps such layers over the flat values, as ragged.map_flat_values does).
  const LayerLowering* lowering = lowering_of(layer);
  if (lowering == nullptr) throw_unsupported(layer.name(), "the layer class " + std::string(layer.class_name()));
  int ragged = -1;
  const Fusion fusion = fusions_.of(node);
  for (const KerasTensor* t : node.inputs) {
    // A folded ZeroPadding made no value: the node reads the padding's input itself.
    if (fusion.unpadded_input != nullptr) t = fusion.unpadded_input;
    const Value& v = value(stored_value_of(t));
    if (v.ragged_input >= 0) ragged = v.ragged_input;
    if (v.sparse && !lowering->reads_sparse) {
      throw_unsupported(layer.name(), "a sparse input to " + std::string(layer.class_name()) +
                                          " (only Dense consumes sparse inputs)");
    }
  }
  if (ragged >= 0 && !lowering->maps_flat_values) {
    throw_unsupported(layer.name(), "a ragged input to " + std::string(layer.class_name()) +
                                        " (only Dense, Activation and Dropout run on ragged inputs)");
  }
  if (lowering->needs_nonempty_inputs) {
    for (const KerasTensor* t : node.inputs) {
      const std::vector<int64_t>& d = dims(stored_value_of(t));
      if (std::find(d.begin(), d.end(), 0) != d.end()) {
        throw_unsupported(layer.name(), "an input of shape " + core::Shape(d).to_tuple_string() + " (no elements) to " +
                                            std::string(layer.class_name()));
      }
    }
  }
  lowering_ragged_ = ragged >= 0;
  lowering->lower(*this, layer, node);
  lowering_ragged_ = false;
  propagate_mask(*lowering, layer, node);
  if (ragged >= 0) {
    for (const KerasTensor* t : node.outputs) {
      auto it = values_.find(t);
      if (it != values_.end()) plan_->values[static_cast<std::size_t>(it->second)].ragged_input = ragged;
    }
  }
}

void PlanBuilder::add_fusions(const FusionPlan& inner) {
  // Inner nodes are other objects than the outer model's: the two plans never share a key.
  fusions_.producers.insert(inner.producers.begin(), inner.producers.end());
  fusions_.folded.insert(inner.folded.begin(), inner.folded.end());
  fusions_.flatten_into_dense.insert(inner.flatten_into_dense.begin(), inner.flatten_into_dense.end());
}

ValueId PlanBuilder::stored_value_of(const KerasTensor* t) const {
  auto it = values_.find(t);
  if (it == values_.end()) {
    throw core::Error(core::Status::InternalError, "plan: tensor '" + t->name() + "' has no value yet");
  }
  return it->second;
}

ValueId PlanBuilder::value_of(const KerasTensor* t) {
  const ValueId stored = stored_value_of(t);
  const core::DType dtype = value(stored).dtype;
  if (dtype == core::DType::Float32) return stored;
  if (auto it = float_copies_.find(stored); it != float_copies_.end()) return it->second;
  const ValueId cast = add_plain(dims(stored));
  const std::size_t n = static_cast<std::size_t>(product(dims(stored), 0, dims(stored).size()));
  add_custom(t->name() + " (cast to float32)",
             [stored, cast, n, dtype](const RunContext& ctx) {
               float* out = ctx.f32(cast);
               if (dtype == core::DType::Int64) {
                 const auto* in = static_cast<const int64_t*>(ctx.data(stored));
                 for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
               } else {
                 const auto* in = static_cast<const int32_t*>(ctx.data(stored));
                 for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
               }
             },
             {stored}, {cast});
  float_copies_[stored] = cast;
  return cast;
}

std::optional<ValueId> PlanBuilder::mask_of(const KerasTensor* t) const {
  auto it = masks_.find(t);
  return it == masks_.end() ? std::nullopt : std::optional<ValueId>(it->second);
}

void PlanBuilder::set_mask(const KerasTensor* t, ValueId mask) { masks_[t] = mask; }

// Layer.__call__'s mask bookkeeping: a layer that supports masking with the default compute_mask hands its
// first input's mask to every output; one that does not drops it (Keras warns, and so do we, at debug level:
// logging is silent by default and the model is what Keras would run).
void PlanBuilder::propagate_mask(const LayerLowering& lowering, const Layer& layer, const Node& node) {
  if (node.inputs.empty()) return;
  const std::optional<ValueId> mask = mask_of(node.inputs.front());
  if (!mask) return;
  if (lowering.masking == Masking::PassesThrough) {
    for (const KerasTensor* t : node.outputs) {
      if (!masks_.count(t)) masks_[t] = *mask;
    }
    // A producer's folded followers (Dropout, activations, BatchNormalization) all keep the mask in Keras:
    // the fused output (the last follower's tensor) carries it too.
    const KerasTensor* fused = fusions_.of(node).output;
    if (fused != nullptr && !masks_.count(fused)) masks_[fused] = *mask;
  } else if (lowering.masking == Masking::Drops) {
    core::log().debug("layer '{}' (of type {}) was passed an input with a mask attached to it; it does not support "
                      "masking: downstream layers will not see the mask",
                      layer.name(), layer.class_name());
  }
}

void PlanBuilder::set_output(const KerasTensor* t, ValueId v) { values_[t] = v; }

ValueId PlanBuilder::add_value(std::vector<int64_t> dims, const memory::desc& md, bool spatial, bool channels_first) {
  Value value;
  value.dims = std::move(dims);
  value.md = md;
  value.spatial = spatial;
  value.channels_first = channels_first;
  plan_->values.push_back(std::move(value));
  return static_cast<ValueId>(plan_->values.size() - 1);
}

ValueId PlanBuilder::add_plain(std::vector<int64_t> dims) {
  const memory::desc md = plain_md(dims);
  return add_value(std::move(dims), md, false, false);
}

ValueId PlanBuilder::add_alias(ValueId v, std::vector<int64_t> dims) {
  Value alias = value(v);
  alias.storage = Storage::Alias;
  alias.alias_of = v;
  alias.input_index = -1;
  if (alias.dims != dims) {
    alias.dims = std::move(dims);
    alias.md = plain_md(alias.dims);
    alias.spatial = false;
    alias.channels_first = false;
  }
  plan_->values.push_back(std::move(alias));
  return static_cast<ValueId>(plan_->values.size() - 1);
}

bool PlanBuilder::is_plain(ValueId v) const {
  const Value& val = value(v);
  if (val.md.data_type() != memory::data_type::f32) return false;
  if (!val.spatial) return true;
  return val.md == nc_md(nc_dims(val.dims, val.channels_first), !val.channels_first);
}

ValueId PlanBuilder::to_plain(ValueId v, const std::string& layer) {
  if (is_plain(v)) return v;
  const Value& val = value(v);
  const memory::desc target = nc_md(nc_dims(val.dims, val.channels_first), !val.channels_first);
  const memory::desc from = val.md;
  return reorder(v, from, target, val.dims, false, false, layer);
}

memory::desc PlanBuilder::spatial_view(ValueId& v, bool channels_first, const std::string& layer) {
  const Value& val = value(v);
  if (val.spatial && val.channels_first == channels_first) return val.md;
  v = to_plain(v, layer);
  return nc_md(nc_dims(value(v).dims, channels_first), !channels_first);
}

ValueId PlanBuilder::reorder(ValueId v, const memory::desc& from, const memory::desc& to, std::vector<int64_t> dims,
                             bool spatial, bool channels_first, const std::string& layer) {
  // A spatial target keeps `to` as its desc; a plain one is described row-major over the Keras dims
  // (the same bytes as `to`, which may be an nhwc view of them).
  const memory::desc value_md = spatial ? to : with_type(plain_md(dims), to.data_type());
  const ValueId out = add_value(std::move(dims), value_md, spatial, channels_first);
  const dnnl::reorder::primitive_desc pd(engine(), from, engine(), to, attributes());
  add_primitive(layer, dnnl::reorder(pd), pd.scratchpad_desc(),
                {{DNNL_ARG_FROM, v, from}, {DNNL_ARG_TO, out, to}});
  same_magnitude(out, v);
  return out;
}

ValueId PlanBuilder::magnitude_origin(ValueId v) const {
  for (;;) {
    v = plan_->root_id(v);
    auto it = magnitude_from_.find(v);
    if (it == magnitude_from_.end()) return v;
    v = it->second;
  }
}

void PlanBuilder::add_primitive(const std::string& layer, dnnl::primitive primitive, const memory::desc& scratchpad_md,
                                std::vector<ValueArg> args, std::vector<ConstantArg> constants) {
  Step step;
  step.layer = layer;
  step.primitive = std::move(primitive);
  step.scratchpad_md = scratchpad_md;
  step.scratchpad_bytes = scratchpad_md.get_size();
  for (const ValueArg& a : args) {
    (a.arg == DNNL_ARG_DST ? step.writes : step.reads).push_back(a.value);
  }
  step.value_args = std::move(args);
  step.constant_args = std::move(constants);
  plan_->steps.push_back(std::move(step));
}

void PlanBuilder::add_custom(const std::string& layer, std::function<void(const RunContext&)> body,
                             std::vector<ValueId> reads, std::vector<ValueId> writes) {
  Step step;
  step.layer = layer;
  step.custom = std::move(body);
  step.reads = std::move(reads);
  step.writes = std::move(writes);
  plan_->steps.push_back(std::move(step));
}

memory PlanBuilder::constant(const memory::desc& user_md, const float* data, const memory::desc& target_md) {
  memory user(user_md, engine(), const_cast<float*>(data));  // read only: the reorder's source
  memory target(target_md, engine());
  dnnl::stream stream(engine());
  dnnl::reorder(user, target).execute(stream, user, target);
  stream.wait();
  if (options_.constants != nullptr) target = options_.constants->share(target);
  plan_->constants.push_back(target);
  return target;
}

void PlanBuilder::check_dims(const KerasTensor* t, const std::vector<int64_t>& dims, const std::string& layer) const {
  if (const std::string why = too_large_for_runtime(dims); !why.empty()) {
    throw core::Error(core::Status::OutOfMemory, "Layer '" + layer + "': its output of " + why);
  }
  if (lowering_ragged_) return;  // the runtime sees flat values; Keras's shape has the ragged dimension
  const std::vector<int64_t>& expected = t->shape().dims();
  bool ok = t->shape().rank() < 0 || expected.size() == dims.size();
  for (std::size_t i = 0; ok && i < expected.size(); ++i) ok = expected[i] < 0 || expected[i] == dims[i];
  if (!ok) {
    std::string got = "(";
    for (std::size_t i = 0; i < dims.size(); ++i) got += (i ? ", " : "") + std::to_string(dims[i]);
    throw core::Error(core::Status::InternalError, "Layer '" + layer + "': the runtime computed shape " + got +
                                                       ") but Keras's shape is " + t->shape().to_tuple_string());
  }
}

void PlanBuilder::bind_outputs() {
  for (const KerasTensor* t : model_.outputs()) {
    const ValueId v = stored_value_of(t);
    const Value& val = value(v);
    if (val.sparse) throw_unsupported(model_.name(), "a sparse model output");
    if (val.dtype != core::DType::Float32) {
      throw_unsupported(model_.name(), "an output of dtype " + std::string(core::dtype_name(val.dtype)) +
                                           " (a model input returned as it is; outputs are float32)");
    }
    OutputBinding out;
    out.value = v;
    out.dims = val.dims;
    out.ragged_input = val.ragged_input;
    if (!is_plain(v)) {
      out.user_md = val.spatial ? nc_md(nc_dims(val.dims, val.channels_first), !val.channels_first)
                                : plain_md(val.dims);
      const dnnl::reorder::primitive_desc pd(engine(), val.md, engine(), out.user_md);
      out.reorder = dnnl::reorder(pd);
    }
    plan_->outputs.push_back(std::move(out));
  }
  write_outputs_directly();
}

// A plain output computed by the plan is written straight into the caller's array: no copy at the end, and
// no arena bytes for it. Not when another output shares its bytes (that one copies them) or it is a model
// input passed through.
void PlanBuilder::write_outputs_directly() {
  std::vector<int> uses(plan_->values.size(), 0);
  for (const OutputBinding& out : plan_->outputs) ++uses[static_cast<std::size_t>(plan_->root_id(out.value))];
  for (std::size_t i = 0; i < plan_->outputs.size(); ++i) {
    OutputBinding& out = plan_->outputs[i];
    const ValueId root = plan_->root_id(out.value);
    Value& value = plan_->values[static_cast<std::size_t>(root)];
    if (out.reorder || value.storage != Storage::Arena || uses[static_cast<std::size_t>(root)] != 1) continue;
    value.storage = Storage::Output;
    value.output_index = static_cast<int>(i);
    out.direct = true;
  }
}

// A primitive with weights (inner product, convolution) does weights x (dst elements / dst channels)
// multiply-adds; anything else is counted by the elements it writes.
double PlanBuilder::estimate_work() const {
  double work = 0;
  for (const Step& step : plan_->steps) {
    double dst_elements = 0, dst_channels = 1, weights = 0;
    for (const ValueArg& a : step.value_args) {
      if (a.arg != DNNL_ARG_DST) continue;
      const dnnl::memory::dims dims = a.md.dims();
      dst_elements = static_cast<double>(product(dims, 0, dims.size()));
      if (dims.size() > 1) dst_channels = static_cast<double>(dims[1]);
    }
    for (const ConstantArg& c : step.constant_args) {
      if (c.arg != DNNL_ARG_WEIGHTS) continue;
      const dnnl::memory::dims dims = c.memory.get_desc().dims();
      weights = static_cast<double>(product(dims, 0, dims.size()));
    }
    work += weights > 0 ? weights * dst_elements / dst_channels : dst_elements;
  }
  return work;
}

void PlanBuilder::compute_lifetimes() {
  auto root_of = [&](ValueId v) -> Value& { return plan_->values[static_cast<std::size_t>(plan_->root_id(v))]; };
  for (std::size_t s = 0; s < plan_->steps.size(); ++s) {
    const int step = static_cast<int>(s);
    for (ValueId v : plan_->steps[s].writes) {
      Value& r = root_of(v);
      if (r.defined_at < 0) r.defined_at = step;
      r.last_use = std::max(r.last_use, step);
    }
    for (ValueId v : plan_->steps[s].reads) root_of(v).last_use = std::max(root_of(v).last_use, step);
  }
  for (const OutputBinding& out : plan_->outputs) {
    root_of(out.value).last_use = static_cast<int>(plan_->steps.size());
  }
}

}  // namespace inlay::runtime
