// Keras activations on oneDNN: eltwise algorithms where oneDNN has the same function (fused as post-ops
// into Dense and Conv), softmax primitives for softmax / log_softmax, and plain loops for the rest.
// The formulas are Keras 3's (keras/src/activations/activations.py, keras/src/ops/nn.py).
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "layers/activation.hpp"
#include "runtime/lowerings.hpp"
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

// Keras's elementwise functions oneDNN lacks, one float at a time.
float (*scalar_function(Activation a))(float) {
  switch (a) {
    case Activation::Softsign: return [](float x) { return x / (1.f + std::fabs(x)); };
    case Activation::HardShrink: return [](float x) { return std::fabs(x) > 0.5f ? x : 0.f; };
    case Activation::SoftShrink:
      return [](float x) { return x > 0.5f ? x - 0.5f : (x < -0.5f ? x + 0.5f : 0.f); };
    case Activation::SparsePlus:
      return [](float x) { return x <= -1.f ? 0.f : (x >= 1.f ? x : (x + 1.f) * (x + 1.f) / 4.f); };
    case Activation::SparseSigmoid:
      return [](float x) { return x <= -1.f ? 0.f : (x >= 1.f ? 1.f : (x + 1.f) / 2.f); };
    case Activation::Squareplus: return [](float x) { return (x + std::sqrt(x * x + 4.f)) / 2.f; };  // b=4
    case Activation::TanhShrink: return [](float x) { return x - std::tanh(x); };
    default: return nullptr;
  }
}

// keras.ops.sparsemax over the last axis, exactly as Keras 3 computes it (keras/src/backend/*/nn.py):
// support_j = sorted_j - (cumsum_j - 1) / j > 0, k = |support|, and tau = (sum over the support of
// cumsum_j - 1) / k. That tau sums the cumulative sums (the paper sums the sorted values), so rows need not
// sum to 1; Keras is the specification here.
void sparsemax_rows(const float* in, float* out, int64_t rows, int64_t n, std::vector<float>& sorted) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = in + r * n;
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
    for (int64_t j = 0; j < n; ++j) out[r * n + j] = std::max(x[j] - tau, 0.f);
  }
}

ValueId eltwise_steps(PlanBuilder& b, ValueId v, const std::vector<Eltwise>& ops, const std::string& layer) {
  for (const Eltwise& op : ops) {
    const Value in = b.value(v);  // a copy: adding values may move the plan's storage
    const ValueId out = b.add_value(in.dims, in.md, in.spatial, in.channels_first);
    const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, op.alg, in.md, op.alpha, op.beta);
    const dnnl::eltwise_forward::primitive_desc pd(desc, b.attributes(), b.engine());
    b.add_primitive(layer, dnnl::eltwise_forward(pd), pd.scratchpad_desc(),
                    {{DNNL_ARG_SRC, v, in.md}, {DNNL_ARG_DST, out, in.md}});
    v = out;
  }
  return v;
}

ValueId softmax_step(PlanBuilder& b, ValueId v, bool log, const std::string& layer) {
  v = b.to_plain(v, layer);
  const std::vector<int64_t> dims = b.dims(v);
  const ValueId out = b.add_plain(dims);
  const dnnl::memory::desc md = plain_md(dims);
  const int axis = static_cast<int>(dims.size()) - 1;
  if (log) {
    const dnnl::logsoftmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, axis);
    const dnnl::logsoftmax_forward::primitive_desc pd(desc, b.attributes(), b.engine());
    b.add_primitive(layer, dnnl::logsoftmax_forward(pd), pd.scratchpad_desc(),
                    {{DNNL_ARG_SRC, v, md}, {DNNL_ARG_DST, out, md}});
  } else {
    const dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, axis);
    const dnnl::softmax_forward::primitive_desc pd(desc, b.attributes(), b.engine());
    b.add_primitive(layer, dnnl::softmax_forward(pd), pd.scratchpad_desc(),
                    {{DNNL_ARG_SRC, v, md}, {DNNL_ARG_DST, out, md}});
  }
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
  if (const auto eltwise = eltwise_ops(activation)) return eltwise_steps(b, v, *eltwise, layer);
  if (activation == Activation::Softmax || activation == Activation::LogSoftmax) {
    return softmax_step(b, v, activation == Activation::LogSoftmax, layer);
  }
  if (float (*f)(float) = scalar_function(activation)) {
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
    if (dims.back() % 2 != 0) {
      throw core::Error(core::Status::ShapeMismatch, "Layer '" + layer + "': glu needs an even last axis, got " +
                                                         std::to_string(dims.back()));
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
              y[r * half + j] = x[r * 2 * half + j] * (1.f / (1.f + std::exp(-gate)));
            }
          }
        },
        {v}, {out});
    return out;
  }
  throw_unsupported(layer, "activation '" + core::activation_name(activation) + "'");
}

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

}  // namespace inlay::runtime
