#include "runtime/fused_guard.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "runtime/keras_activation.hpp"
#include "runtime/special_values.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

// Outside the anonymous namespace: GuardLink (declared in plan_builder.hpp) holds one.
// How large a layer's pre-activation can get: |pre_j| <= max|x| * max_j sum_i |w_ij| + max|b|.
struct WeightBounds {
  double column = 0;  // max_j sum_i |w_ij|
  double bias = 0;    // max |b|
  bool finite = true;
};

namespace {

// The largest |pre-activation| the check admits for kernels that are exact on every finite input: 2^28 below
// FLT_MAX (2^128), room that neither the partial sums of the accumulation nor Winograd's tile transforms
// (whose coefficients, at most 8 in magnitude, enlarge a tile's values some 10^5-fold at worst) can fill.
constexpr double kFiniteLimit = 0x1p100;

double exact_limit(core::Activation a) { return std::min<double>(onednn_exact_bound(a), kFiniteLimit); }

// The largest |pre-activation| for which every activation of the chain gets an input within its exact range
// (each one's input bounded through the growth of the ones before it); 0 when none is.
double chain_limit(const std::vector<core::Activation>& chain) {
  if (chain.empty()) return kFiniteLimit;
  for (double limit = exact_limit(chain.front()); limit > 0; limit /= 2) {
    double p = limit;
    bool fits = true;
    for (std::size_t j = 1; j < chain.size() && fits; ++j) {
      p = activation_growth(chain[j - 1], p);
      fits = p <= exact_limit(chain[j]);
    }
    if (fits) return limit;
  }
  return 0;
}

WeightBounds weight_bounds(const FusedLayer& layer) {
  const auto channels = static_cast<std::size_t>(layer.out_channels);
  std::vector<double> column_sums(channels, 0.0);
  for (std::size_t i = 0; i < layer.kernel.size(); ++i) column_sums[i % channels] += std::fabs(layer.kernel[i]);
  WeightBounds out;
  for (double s : column_sums) out.column = std::max(out.column, s);
  for (float v : layer.bias) out.bias = std::max(out.bias, static_cast<double>(std::fabs(v)));
  out.finite = std::isfinite(out.column) && std::isfinite(out.bias);
  return out;
}

// The largest |x| of the input for which |pre| <= pre_limit / 2 (half: room for the accumulation's
// rounding); -1 when the weights or biases are not finite or the bias alone is too large (always recompute),
// and at most FLT_MAX so that an input holding NaN / Inf never passes.
double input_limit(const WeightBounds& w, double pre_limit) {
  if (!w.finite) return -1;
  const double room = pre_limit / 2 - w.bias;
  if (room < 0) return -1;
  const double limit = w.column == 0 ? std::numeric_limits<double>::infinity() : room / w.column;
  return std::min(limit, static_cast<double>(std::numeric_limits<float>::max()));
}

// The largest float <= limit, or -1 (nothing passes) for a negative limit.
float float_at_most(double limit) {
  if (limit < 0) return -1.f;
  float f = static_cast<float>(limit);
  if (static_cast<double>(f) > limit) f = std::nextafter(f, 0.f);
  return f;
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

// The exact recompute, built on first need (a model whose inputs are always finite never pays for it).
struct Recompute {
  std::once_flag once;
  PreActivationPrimitive pre;
  dnnl::memory weights;
  dnnl::memory::desc pre_md;             // the pre-activation: row-major over the fused dst's dims
  std::optional<dnnl::reorder> to_dst;   // plain -> the fused dst's layout, when it is another
  std::size_t elements = 0;

  void build(const FusedLayer& layer, const dnnl::engine& engine) {
    const dnnl::memory::dims dims = layer.dst_md.dims();
    pre_md = plain_md(std::vector<int64_t>(dims.begin(), dims.end()));
    pre = layer.make(engine, pre_md);
    // The weights to start from, only read: Keras's kernel, or the fused primitive's weights.
    std::vector<float> keras_kernel;
    if (layer.keras_kernel) keras_kernel = layer.keras_kernel();
    dnnl::memory source = layer.keras_kernel ? dnnl::memory(layer.keras_kernel_md, engine, keras_kernel.data())
                                             : layer.weights;
    weights = source;
    if (pre.weights_md != source.get_desc()) {
      weights = dnnl::memory(pre.weights_md, engine);
      dnnl::stream stream(engine);
      dnnl::reorder(source, weights).execute(stream, source, weights);
      stream.wait();
    }
    if (pre_md != layer.dst_md) {
      to_dst = dnnl::reorder(dnnl::reorder::primitive_desc(engine, pre_md, engine, layer.dst_md));
    }
    elements = pre_md.get_size() / sizeof(float);
  }
};

void recompute(const FusedLayer& layer, Recompute& state, const dnnl::engine& engine, const RunContext& c) {
  std::call_once(state.once, [&] { state.build(layer, engine); });
  dnnl::stream stream(engine);
  float* out = c.f32(layer.dst);
  std::vector<float> temporary(state.to_dst ? state.elements : 0);
  float* pre = state.to_dst ? temporary.data() : out;

  std::unordered_map<int, dnnl::memory> args;
  args.emplace(DNNL_ARG_SRC, dnnl::memory(layer.src_md, engine, c.data(layer.src)));
  args.emplace(DNNL_ARG_WEIGHTS, state.weights);
  if (layer.bias_memory) args.emplace(DNNL_ARG_BIAS, *layer.bias_memory);
  args.emplace(DNNL_ARG_DST, dnnl::memory(state.pre_md, engine, pre));
  std::unique_ptr<void, AlignedFree> scratchpad;
  if (const std::size_t bytes = state.pre.scratchpad_md.get_size(); bytes > 0) {
    scratchpad.reset(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
    if (!scratchpad) {
      throw core::Error(core::Status::OutOfMemory, "Layer '" + layer.layer + "': no memory to recompute it");
    }
    args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(state.pre.scratchpad_md, engine, scratchpad.get()));
  }
  state.pre.primitive.execute(stream, args);
  stream.wait();

  for (core::Activation a : layer.activations) {
    const ScalarActivation f = keras_scalar_activation(a);
    for (std::size_t i = 0; i < state.elements; ++i) pre[i] = f(pre[i]);
  }
  if (state.to_dst) {
    dnnl::memory from(state.pre_md, engine, pre), to(layer.dst_md, engine, out);
    state.to_dst->execute(stream, from, to);
    stream.wait();
  }
}

}  // namespace

bool fused_layer_needs_guard(const std::vector<core::Activation>& activations, bool winograd) {
  if (winograd) return true;
  for (core::Activation a : activations) {
    if (!std::isinf(onednn_exact_bound(a))) return true;
  }
  return false;
}

// What a guarded layer tells the guarded layers reading its output (directly, or through reorders, views,
// pooling or zero padding, which never enlarge a magnitude). A run whose input was within `required` sets
// the layer's flag; its output is then within what every successor requires, so they skip their scans. Built
// while the plan is compiled (successors lower later and tighten `required`), read only while it runs.
struct GuardLink {
  WeightBounds weights;
  std::vector<core::Activation> activations;
  double limit = -1;     // the input bound under which the fused result is Keras's
  double required = -1;  // <= limit: the input bound under which the successors' inputs are within theirs
  ValueId flag = -1;     // one float of the run's arena: 1 when the input was within `required`
  std::shared_ptr<GuardLink> predecessor;

  // An upper bound of |output| for inputs |x| <= t: twice the pre-activation bound (rounding), through the
  // growth of each activation, twice again (the kernels' own rounding).
  double output_bound(double t) const {
    double p = 2 * (t * weights.column + weights.bias);
    for (core::Activation a : activations) p = activation_growth(a, p);
    return 2 * p;
  }

  // A successor needs this layer's output within r (r >= 0): lowers `required` to the largest input bound
  // that guarantees it (bisection: output_bound grows with t), and passes the new need up the chain.
  void require(double r) {
    if (limit < 0) return;
    double t = -1;
    if (output_bound(limit) <= r) {
      t = limit;
    } else if (output_bound(0) <= r) {
      double lo = 0, hi = limit;
      for (int i = 0; i < 200 && lo < hi; ++i) {
        const double mid = lo + (hi - lo) / 2;
        (output_bound(mid) <= r ? lo : hi) = mid;
      }
      t = lo;
    }
    if (t >= required) return;
    required = t;
    if (predecessor && required >= 0) predecessor->require(required);
  }
};

void add_fused_layer_guard(PlanBuilder& b, FusedLayer layer) {
  auto link = std::make_shared<GuardLink>();
  link->weights = weight_bounds(layer);
  link->activations = layer.activations;
  link->limit = input_limit(link->weights, chain_limit(layer.activations));
  link->required = link->limit;
  link->flag = b.add_plain({1});
  link->predecessor = b.guard_link(b.magnitude_origin(layer.src));
  if (link->predecessor && link->required >= 0) link->predecessor->require(link->required);
  b.set_guard_link(b.magnitude_origin(layer.dst), link);

  const std::size_t src_elements = layer.src_md.get_size() / sizeof(float);
  // The kernel and bias spans may point into the lowering's own buffers (a folded BatchNormalization):
  // the step keeps only the numbers taken from them above.
  layer.kernel = {};
  layer.bias = {};
  std::vector<ValueId> reads = {layer.src, layer.dst};
  if (link->predecessor) reads.push_back(link->predecessor->flag);
  const std::vector<ValueId> writes = {layer.dst, link->flag};
  const std::string name = layer.layer;
  auto shared_layer = std::make_shared<const FusedLayer>(std::move(layer));
  auto state = std::make_shared<Recompute>();
  const dnnl::engine engine = b.engine();
  b.add_custom(
      name,
      [shared_layer, state, engine, link, src_elements](const RunContext& c) {
        const float* x = static_cast<const float*>(c.data(shared_layer->src));
        // Within `required`: known from the predecessor's flag, else one scan (a second against `limit`
        // only when the first fails and the limit is wider).
        bool within_required = link->predecessor && c.f32(link->predecessor->flag)[0] != 0.f;
        bool within_limit = within_required;
        if (!within_required) {
          within_required = link->required >= 0 && !any_beyond(x, src_elements, float_at_most(link->required));
          within_limit = within_required || (link->limit > link->required &&
                                             !any_beyond(x, src_elements, float_at_most(link->limit)));
        }
        c.f32(link->flag)[0] = within_required ? 1.f : 0.f;
        if (!within_limit) recompute(*shared_layer, *state, engine, c);  // else the fused result is Keras's
      },
      std::move(reads), writes);
}

}  // namespace inlay::runtime
