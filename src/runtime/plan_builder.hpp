// Compiles a model into a Plan for concrete input dims. It walks the model's nodes in execution order and
// hands each to its layer's lowering (src/runtime/<layer>.cpp), which appends oneDNN primitives or
// hand-written steps. The fusion pass runs first (fusion_pass.hpp); the builder owns the bookkeeping the
// lowerings share: which plan value holds each symbolic tensor, layout conversions (reorders are inserted
// only where a consumer cannot read the producer's layout) and constants (weights reordered once).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <dnnl.hpp>

#include "graph/model.hpp"
#include "runtime/constant_cache.hpp"
#include "runtime/fusion_pass.hpp"
#include "runtime/plan.hpp"

namespace inlay::runtime {

using core::KerasTensor;
using core::Layer;
using core::Node;

struct GuardLink;     // fused_guard.cpp
struct LayerLowering;  // lowering.hpp

struct PlanOptions {
  int threads = 1;
  bool bf16 = false;      // Dense / Conv in bfloat16
  bool winograd = true;   // 3x3 stride-1 convolutions may use Winograd where it is faster (conv.cpp)
  ConstantCache* constants = nullptr;  // the model's constants shared between its plans (none: not shared)

  static PlanOptions of(int threads, Precision precision, ConstantCache* constants = nullptr) {
    return {threads, precision == Precision::BFloat16, precision == Precision::Float32, constants};
  }
};

// What the builder knows of input i: its dims (flat dims for a ragged input) and its kind.
struct InputDesc {
  std::vector<int64_t> dims;
  core::ArrayKind kind = core::ArrayKind::Dense;
};

class PlanBuilder {
 public:
  PlanBuilder(const core::Model& model, std::vector<InputDesc> inputs, PlanOptions options);
  std::unique_ptr<Plan> build();

  // --- for the lowerings
  const dnnl::engine& engine() const { return plan_->engine; }
  const PlanOptions& options() const { return options_; }
  // Primitive attributes every primitive starts from (user-managed scratchpad).
  dnnl::primitive_attr attributes() const;

  // The float32 value of t. Keras layers compute in float32 whatever their input's dtype (Dense on int
  // ids casts them): an integer model input is cast once, by a step added on the first call, and that
  // float32 value is what every later call returns.
  ValueId value_of(const KerasTensor* t);
  // The value of t as stored: an integer model input keeps its dtype (Value::dtype). For lowerings that read
  // integers themselves (Embedding's ids: no rounding through float32 for ids past 2^24).
  ValueId stored_value_of(const KerasTensor* t) const;

  // Keras's masks (tensor._keras_mask): a float32 plain value of the mask's dims (usually (batch, steps)),
  // 1 where the step is kept and 0 where it is masked. Set by the lowerings that compute masks (Embedding with
  // mask_zero, Masking, RNNs with return_sequences, merges...); passed on to outputs by the builder for the
  // classes whose Keras layer keeps its input's mask (LayerLowering::masking, lowering.hpp). Lowerings that
  // consume masks (RNNs, attention, masked pooling) read mask_of of their inputs.
  std::optional<ValueId> mask_of(const KerasTensor* t) const;
  void set_mask(const KerasTensor* t, ValueId mask);
  const Value& value(ValueId v) const { return plan_->values[static_cast<std::size_t>(v)]; }
  const std::vector<int64_t>& dims(ValueId v) const { return value(v).dims; }
  void set_output(const KerasTensor* t, ValueId v);

  // A new float32 value laid out row-major over dims.
  ValueId add_plain(std::vector<int64_t> dims);
  // A new value with the given layout; spatial values describe (N, C, ...) dims in a possibly blocked md.
  ValueId add_value(std::vector<int64_t> dims, const dnnl::memory::desc& md, bool spatial, bool channels_first);
  // A view of v's bytes under other dims (v must be plain) or, with dims == v's, the same value renamed.
  ValueId add_alias(ValueId v, std::vector<int64_t> dims);

  // True when v's bytes are float32 in Keras's row-major order.
  bool is_plain(ValueId v) const;
  // v itself when plain, else a reorder of it into a new plain value.
  ValueId to_plain(ValueId v, const std::string& layer);
  // v seen as oneDNN's (N, C, spatial...) for a layer of that data format: v's own desc when v is already a
  // spatial value of that format, else the nhwc / nchw view of its plain bytes (reordering to plain first
  // if needed; v is updated to the value actually read).
  dnnl::memory::desc spatial_view(ValueId& v, bool channels_first, const std::string& layer);
  // A new value holding v's data (seen through `from`) in layout `to` (same logical dims), by a reorder.
  ValueId reorder(ValueId v, const dnnl::memory::desc& from, const dnnl::memory::desc& to,
                  std::vector<int64_t> dims, bool spatial, bool channels_first, const std::string& layer);

  void add_primitive(const std::string& layer, dnnl::primitive primitive, const dnnl::memory::desc& scratchpad_md,
                     std::vector<ValueArg> args, std::vector<ConstantArg> constants = {});
  void add_custom(const std::string& layer, std::function<void(const RunContext&)> body, std::vector<ValueId> reads,
                  std::vector<ValueId> writes);
  // Weights prepared once: `data` laid out as `user_md` (float32), reordered into `target_md`; the same bytes
  // in the same layout as a constant of another plan of the model are that plan's memory (ConstantCache).
  dnnl::memory constant(const dnnl::memory::desc& user_md, const float* data, const dnnl::memory::desc& target_md);

  // Lowers one node of a model nested in the model (a NestedModel layer's lowering runs the inner model's
  // nodes through the same builder); `inner` is the fusion plan of the inner model, merged in first.
  void lower_nested(const Layer& layer, const Node& node) { lower(layer, node); }
  void add_fusions(const FusionPlan& inner);

  // What the fusion pass decided for the whole model (fusion_pass.hpp), before any lowering.
  const FusionPlan& fusions() const { return fusions_; }
  // The fusion of a producer node (Dense, convolutions).
  Fusion fusion(const Node& producer) const { return fusions_.of(producer); }
  // A Flatten handing its spatial input straight to the Dense node that alone consumes it (the inner
  // product reads the (N, C, spatial...) tensor, in any layout, as the flattened matrix).
  void set_flattened_input(const Node* dense, ValueId spatial) { flattened_[dense] = spatial; }
  std::optional<ValueId> flattened_input(const Node* dense) const {
    auto it = flattened_.find(dense);
    return it == flattened_.end() ? std::nullopt : std::optional<ValueId>(it->second);
  }

  // Magnitude bookkeeping for the fused-layer guards (fused_guard.hpp): `derived` holds no element larger in
  // magnitude than the largest of `from` (a reorder, pooling or zero padding of it; views need no call).
  void same_magnitude(ValueId derived, ValueId from) { magnitude_from_[plan_->root_id(derived)] = from; }
  // The value v's magnitudes are bounded by, following views and same_magnitude links.
  ValueId magnitude_origin(ValueId v) const;
  void set_guard_link(ValueId v, std::shared_ptr<GuardLink> link) { guard_links_[v] = std::move(link); }
  std::shared_ptr<GuardLink> guard_link(ValueId v) const {
    auto it = guard_links_.find(v);
    return it == guard_links_.end() ? nullptr : it->second;
  }

  // Checks the concrete dims a lowering computed against the Keras spec of its output tensor, and that the
  // runtime can hold it (too_large_for_runtime: OUT_OF_MEMORY). Every lowering calls it before it creates a
  // primitive.
  void check_dims(const KerasTensor* t, const std::vector<int64_t>& dims, const std::string& layer) const;

 private:
  void add_inputs();
  std::vector<char> needed_nodes() const;
  void lower(const Layer& layer, const Node& node);
  void propagate_mask(const LayerLowering& lowering, const Layer& layer, const Node& node);
  void bind_outputs();
  void write_outputs_directly();
  double estimate_work() const;
  void compute_lifetimes();

  const core::Model& model_;
  std::vector<InputDesc> inputs_;
  PlanOptions options_;
  std::unique_ptr<Plan> plan_;
  std::unordered_map<const KerasTensor*, ValueId> values_;
  std::unordered_map<ValueId, ValueId> float_copies_;  // integer value -> its float32 cast (value_of)
  std::unordered_map<const KerasTensor*, ValueId> masks_;
  FusionPlan fusions_;
  std::unordered_map<const Node*, ValueId> flattened_;
  std::unordered_map<ValueId, ValueId> magnitude_from_;
  std::unordered_map<ValueId, std::shared_ptr<GuardLink>> guard_links_;
  bool lowering_ragged_ = false;  // the node being lowered reads a ragged tensor's flat values
};

// --- helpers shared by the lowerings
dnnl::memory::dims to_dnnl(const std::vector<int64_t>& dims);
// Row-major desc over dims.
dnnl::memory::desc plain_md(const std::vector<int64_t>& dims,
                            dnnl::memory::data_type type = dnnl::memory::data_type::f32);
// The (N, C, spatial...) dims of a Keras tensor of that data format.
std::vector<int64_t> nc_dims(const std::vector<int64_t>& keras_dims, bool channels_first);
// The Keras dims of (N, C, spatial...) dims for that data format (the inverse of nc_dims).
std::vector<int64_t> keras_dims(const std::vector<int64_t>& nc, bool channels_first);
// The nhwc-like (channels last) or nchw-like desc over (N, C, spatial...) dims.
dnnl::memory::desc nc_md(const std::vector<int64_t>& nc, bool channels_last_bytes,
                         dnnl::memory::data_type type = dnnl::memory::data_type::f32);
// A desc over `dims` (same rank) in the channel-blocked layout of `like` (aBc8b, aBcd16b...: what oneDNN's
// convolutions choose on AVX2 CPUs), or nullopt when `like` is not such a layout. oneDNN 2.6 runs a binary
// primitive whose blocked source meets an operand in another layout (even a (1, C, 1, 1) broadcast) on its
// reference kernel; in the source's own layout it runs a jit one.
std::optional<dnnl::memory::desc> blocked_like(const dnnl::memory::desc& like, const std::vector<int64_t>& dims);
// md with another data type (same dims and layout).
dnnl::memory::desc with_type(const dnnl::memory::desc& md, dnnl::memory::data_type type);
// The product of dims[begin, end).
int64_t product(const std::vector<int64_t>& dims, std::size_t begin, std::size_t end);
[[noreturn]] void throw_unsupported(const std::string& layer, const std::string& what);

// oneDNN 2.6 computes offsets in some of its kernels with 32-bit ints: a tensor of 2^31 elements or more
// makes them divide by zero or address out of bounds (fuzz_predict found both, from a None dim of the model
// given a size near 2^30). Such tensors are refused (INLAY_OUT_OF_MEMORY: they need 8 GiB or more) before
// any primitive sees them: the model's inputs by ModelRunner, every layer output by check_dims.
inline constexpr int64_t kMaxTensorElements = std::numeric_limits<int32_t>::max();
// Whether a tensor of these dims is within kMaxTensorElements, counting its nonzero dims (oneDNN derives
// strides and blockings from them whatever the zeros). Allocates nothing.
bool within_runtime_limit(const int64_t* dims, std::size_t rank);
// Empty when within_runtime_limit, else why not: "shape (...) has 2^31 elements or more ...".
std::string too_large_for_runtime(const std::vector<int64_t>& dims);

}  // namespace inlay::runtime
