// Keras activations on oneDNN: eltwise algorithms where oneDNN has the same function (fused as post-ops
// into Dense and Conv), softmax primitives for softmax / log_softmax, and plain loops for the rest.
// The formulas are Keras 3's (keras/src/activations/activations.py, keras/src/ops/nn.py). oneDNN's kernels
// are not Keras's on NaN, infinities and (for exp) huge values: a step after each recomputes exactly those
// elements (keras_activation.hpp), or those rows for softmax / log_softmax; a Dense / Conv with the
// activation fused checks its input instead (fused_guard.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "layers/activation.hpp"
#include "runtime/keras_activation.hpp"
#include "runtime/elementwise_steps.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/special_values.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

using core::Activation;
using dnnl::algorithm;

namespace {

struct Eltwise {
  algorithm alg;
  float alpha = 0.f;
  float beta = 0.f;
};

// The eltwise ops that compute `a`, in order; nullopt when oneDNN has none.
std::optional<std::vector<Eltwise>> eltwise_ops(Activation a) {
  switch (a) {
    case Activation::Linear: return std::vector<Eltwise>{};
    case Activation::Relu: return std::vector<Eltwise>{{algorithm::eltwise_relu}};
    case Activation::Relu6: return std::vector<Eltwise>{{algorithm::eltwise_clip, 0.f, 6.f}};
    case Activation::LeakyRelu: return std::vector<Eltwise>{{algorithm::eltwise_relu, 0.2f}};  // negative_slope=0.2
    case Activation::Elu: return std::vector<Eltwise>{{algorithm::eltwise_elu, 1.f}};
    case Activation::Celu: return std::vector<Eltwise>{{algorithm::eltwise_elu, 1.f}};  // celu(alpha=1) == elu(1)
    case Activation::Selu:
      return std::vector<Eltwise>{{algorithm::eltwise_elu, 1.67326324235437728481f},
                                  {algorithm::eltwise_linear, 1.05070098735548049342f, 0.f}};
    case Activation::Gelu: return std::vector<Eltwise>{{algorithm::eltwise_gelu_erf}};  // approximate=False
    case Activation::Sigmoid: return std::vector<Eltwise>{{algorithm::eltwise_logistic}};
    case Activation::HardSigmoid:  // relu6(x + 3) / 6
      return std::vector<Eltwise>{{algorithm::eltwise_linear, 1.f / 6.f, 0.5f}, {algorithm::eltwise_clip, 0.f, 1.f}};
    case Activation::HardSigmoidLegacy:  // tf.keras 2 / TensorFlow.js: clip(0.2x + 0.5, 0, 1)
      return std::vector<Eltwise>{{algorithm::eltwise_linear, 0.2f, 0.5f}, {algorithm::eltwise_clip, 0.f, 1.f}};
    case Activation::GeluNew: return std::vector<Eltwise>{{algorithm::eltwise_gelu_tanh}};  // TensorFlow.js
    case Activation::HardSilu: return std::vector<Eltwise>{{algorithm::eltwise_hardswish}};
    case Activation::HardTanh: return std::vector<Eltwise>{{algorithm::eltwise_clip, -1.f, 1.f}};
    case Activation::Tanh: return std::vector<Eltwise>{{algorithm::eltwise_tanh}};
    case Activation::Softplus: return std::vector<Eltwise>{{algorithm::eltwise_soft_relu}};
    case Activation::Silu: return std::vector<Eltwise>{{algorithm::eltwise_swish, 1.f}};
    case Activation::Exponential: return std::vector<Eltwise>{{algorithm::eltwise_exp}};
    case Activation::Mish: return std::vector<Eltwise>{{algorithm::eltwise_mish}};
    case Activation::LogSigmoid: return std::vector<Eltwise>{{algorithm::eltwise_logsigmoid}};
    default: return std::nullopt;
  }
}

// Keras's elementwise functions oneDNN lacks, run one float at a time.
ScalarActivation scalar_function(Activation a) {
  return eltwise_ops(a) ? nullptr : keras_scalar_activation(a);
}

// keras.ops.sparsemax over the last axis, exactly as Keras 3 computes it (keras/src/backend/*/nn.py):
// support_j = sorted_j - (cumsum_j - 1) / j > 0, k = |support|, and tau = (sum over the support of
// cumsum_j - 1) / k. That tau sums the cumulative sums (the paper sums the sorted values), so rows need not
// sum to 1; Keras is the specification here. Infinities go through the same arithmetic (k = 0 gives
// tau = -inf, as in TensorFlow). NaN has no place in a sort (std::sort with it is undefined behaviour, and
// tf.sort's result depends on where the NaN sits), so a row holding NaN is NaN throughout.
void sparsemax_rows(const float* in, float* out, int64_t rows, int64_t n, std::vector<float>& sorted) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = in + r * n;
    if (std::any_of(x, x + n, [](float v) { return std::isnan(v); })) {
      std::fill_n(out + r * n, n, std::numeric_limits<float>::quiet_NaN());
      continue;
    }
    sorted.assign(x, x + n);
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    float cumulative = 0.f, cumsum_over_support = 0.f, k = 0.f;
    for (int64_t j = 0; j < n; ++j) {
      cumulative += sorted[static_cast<std::size_t>(j)];
      if (sorted[static_cast<std::size_t>(j)] - (cumulative - 1.f) / static_cast<float>(j + 1) > 0.f) {
        cumsum_over_support += cumulative;
        k += 1.f;
      }
    }
    const float tau = (cumsum_over_support - 1.f) / k;
    // tf.maximum keeps NaN: x[j] - tau is NaN for x[j] = -inf when tau = -inf (no support).
    for (int64_t j = 0; j < n; ++j) {
      const float d = x[j] - tau;
      out[r * n + j] = std::isnan(d) ? d : std::max(d, 0.f);
    }
  }
}

// TensorFlow's softmax / log_softmax of one row (its reference kernel: shift by the row's max, exp, sum):
// a row holding NaN or +inf, or only -inf, is NaN throughout; -inf elements of other rows give 0 / -inf.
void keras_softmax_row(const float* x, float* y, int64_t n, bool log) {
  float largest = -std::numeric_limits<float>::infinity();
  bool nan = false;
  for (int64_t j = 0; j < n; ++j) {
    nan = nan || std::isnan(x[j]);
    largest = std::max(largest, x[j]);
  }
  if (nan) {
    std::fill_n(y, n, std::numeric_limits<float>::quiet_NaN());
    return;
  }
  float sum = 0.f;
  for (int64_t j = 0; j < n; ++j) sum += std::exp(x[j] - largest);
  for (int64_t j = 0; j < n; ++j) {
    const float shifted = x[j] - largest;
    y[j] = log ? shifted - std::log(sum) : std::exp(shifted) / sum;
  }
}

// After oneDNN's eltwise steps for `a` turned v into out: Keras's value wherever oneDNN's may differ (NaN,
// infinities, beyond the kernel's exact range). v and out share one layout; the scan covers their physical
// elements (the zero padding of a blocked layout is never beyond the bound, so it stays untouched).
void add_special_value_fix(PlanBuilder& b, ValueId v, ValueId out, Activation a, const std::string& layer) {
  const float bound = onednn_exact_bound(a);
  if (std::isinf(bound) || v == out) return;
  const ScalarActivation f = keras_scalar_activation(a);
  const std::size_t n = b.value(v).md.get_size() / sizeof(float);
  b.add_custom(
      layer,
      [v, out, n, bound, f](const RunContext& c) {
        const float* x = c.f32(v);
        float* y = c.f32(out);
        for_each_beyond(x, n, bound, [&](std::size_t i) { y[i] = f(x[i]); });
      },
      {v, out}, {out});
}

ValueId eltwise_steps(PlanBuilder& b, ValueId v, const std::vector<Eltwise>& ops, const std::string& layer) {
  for (const Eltwise& op : ops) v = eltwise_step(b, v, op.alg, op.alpha, op.beta, layer);
  return v;
}

// log_softmax from a softmax: at a row's first maximum the softmax is exp(0) / sum, so
// log(sum) = -log(that probability) and log_softmax_j = (x_j - max) - log(sum). oneDNN's own logsoftmax
// computes log(sum) with an absolute error of up to 2e-6 (its vectorized log), more than float32's; this
// costs one scalar log per row and a pass over it.
void log_softmax_from_softmax(const float* x, float* y, int64_t n) {
  const auto top = static_cast<int64_t>(std::max_element(x, x + n) - x);
  const float largest = x[top], log_sum = -std::log(y[top]);
  for (int64_t j = 0; j < n; ++j) y[j] = (x[j] - largest) - log_sum;
}

// softmax / log_softmax over the last axis: oneDNN's softmax, then per row either the log_softmax
// conversion above (finite rows) or TensorFlow's own arithmetic (rows holding NaN or infinities, which
// oneDNN's max -- it skips NaN -- and clamped exp get wrong).
ValueId softmax_step(PlanBuilder& b, ValueId v, bool log, const std::string& layer) {
  v = b.to_plain(v, layer);
  const std::vector<int64_t> dims = b.dims(v);
  const ValueId out = b.add_plain(dims);
  const dnnl::memory::desc md = plain_md(dims);
  const int axis = static_cast<int>(dims.size()) - 1;
  const dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, axis);
  const dnnl::softmax_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  b.add_primitive(layer, dnnl::softmax_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, v, md}, {DNNL_ARG_DST, out, md}});
  const int64_t n = dims.back(), rows = product(dims, 0, dims.size() - 1);
  if (n == 0) return out;
  b.add_custom(
      layer,
      [v, out, n, rows, log](const RunContext& c) {
        const float* x = c.f32(v);
        float* y = c.f32(out);
        if (!log && all_finite(x, static_cast<std::size_t>(rows * n))) return;  // the common case: one scan
        for (int64_t r = 0; r < rows; ++r) {
          if (!all_finite(x + r * n, static_cast<std::size_t>(n))) {
            keras_softmax_row(x + r * n, y + r * n, n, log);
          } else if (log) {
            log_softmax_from_softmax(x + r * n, y + r * n, n);
          }
        }
      },
      {v, out}, {out});
  return out;
}

}  // namespace

bool append_activation_post_ops(dnnl::post_ops& ops, Activation activation) {
  const auto eltwise = eltwise_ops(activation);
  if (!eltwise) return false;
  for (const Eltwise& op : *eltwise) ops.append_eltwise(1.f, op.alg, op.alpha, op.beta);
  return true;
}

ValueId apply_activation(PlanBuilder& b, ValueId v, Activation activation, const std::string& layer) {
  if (const auto eltwise = eltwise_ops(activation)) {
    const ValueId out = eltwise_steps(b, v, *eltwise, layer);
    add_special_value_fix(b, v, out, activation, layer);
    return out;
  }
  if (activation == Activation::Softmax || activation == Activation::LogSoftmax) {
    return softmax_step(b, v, activation == Activation::LogSoftmax, layer);
  }
  if (const ScalarActivation f = scalar_function(activation)) {
    v = b.to_plain(v, layer);
    const ValueId out = b.add_plain(b.dims(v));
    const int64_t n = product(b.dims(v), 0, b.dims(v).size());
    b.add_custom(
        layer,
        [v, out, n, f](const RunContext& c) {
          const float* x = c.f32(v);
          float* y = c.f32(out);
          for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
        },
        {v}, {out});
    return out;
  }
  if (activation == Activation::Sparsemax) {
    v = b.to_plain(v, layer);
    const std::vector<int64_t> dims = b.dims(v);
    const ValueId out = b.add_plain(dims);
    const int64_t n = dims.back(), rows = product(dims, 0, dims.size() - 1);
    b.add_custom(
        layer,
        [v, out, n, rows](const RunContext& c) {
          thread_local std::vector<float> sorted;
          sparsemax_rows(c.f32(v), c.f32(out), rows, n, sorted);
        },
        {v}, {out});
    return out;
  }
  if (activation == Activation::Glu) {
    // keras.ops.glu(x, axis=-1): a * sigmoid(b) for the two halves of the last axis. The result has half
    // the last axis, although Keras's symbolic shape keeps it whole (its compute_output_spec does not run
    // the activation); inlay returns what Keras computes.
    v = b.to_plain(v, layer);
    std::vector<int64_t> dims = b.dims(v);
    if (dims.back() % 2 != 0) {  // Keras's ValueError from ops.glu, which its predict raises too
      throw core::Error(core::Status::ShapeMismatch, "Layer '" + layer +
                                                         "': axis size must be divisible by 2. Received: x.shape=" +
                                                         core::Shape(dims).to_tuple_string() + " with axis=-1");
    }
    const int64_t half = dims.back() / 2, rows = product(dims, 0, dims.size() - 1);
    dims.back() = half;
    const ValueId out = b.add_plain(dims);
    b.add_custom(
        layer,
        [v, out, half, rows](const RunContext& c) {
          const float* x = c.f32(v);
          float* y = c.f32(out);
          for (int64_t r = 0; r < rows; ++r) {
            for (int64_t j = 0; j < half; ++j) {
              const float gate = x[r * 2 * half + half + j];
              y[r * half + j] = x[r * 2 * half + j] * keras_sigmoid(gate);
            }
          }
        },
        {v}, {out});
    return out;
  }
  throw_unsupported(layer, "activation '" + core::activation_name(activation) + "'");
}

namespace {

void lower_activation(PlanBuilder& b, const core::ActivationLayer& layer, const Node& node) {
  const ValueId x = b.value_of(node.inputs[0]);
  const bool over_last_axis = !eltwise_ops(layer.activation()) && scalar_function(layer.activation()) == nullptr;
  if (b.value(x).ragged_input >= 0 && b.dims(x).size() < 2 && over_last_axis) {
    // The flat values of a ragged (batch, None) tensor: the last axis is the ragged one itself.
    throw_unsupported(layer.name(), "'" + core::activation_name(layer.activation()) + "' over a ragged last axis");
  }
  const ValueId out = apply_activation(b, x, layer.activation(), layer.name());
  // Linear returns its input: name it for the output tensor without a copy.
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering activation_lowering = {
    .lower = lower_as<core::ActivationLayer, lower_activation>,
    .role = FusionRole::Activation,
    .activation = [](const Layer& layer) -> std::optional<Activation> {
      return layer_as<core::ActivationLayer>(layer).activation();
    },
    .maps_flat_values = true,
    .masking = Masking::PassesThrough,
};

}  // namespace inlay::runtime
