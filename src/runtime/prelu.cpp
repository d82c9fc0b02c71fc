// PReLU: x > 0 ? x : alpha * x, alpha broadcast over the batch and the shared axes. oneDNN's prelu
// primitive takes only a few broadcast patterns (per channel along dim 1, ...), not Keras's alpha of the whole
// per-sample shape with arbitrary shared axes; a loop over the input with alpha expanded to one sample's
// size (once, at compile time) is one multiply per element. It equals Keras's relu(x) - alpha * relu(-x)
// on every input, special values included: both give alpha * x for x <= 0 (negations are exact), NaN for
// NaN, and 0 * -inf = NaN for an alpha of 0.
#include <memory>

#include "layers/prelu.hpp"
#include "runtime/elementwise_steps.hpp"

namespace inlay::runtime {

namespace {

// alpha (1 on shared axes) spread over one sample of dims (the batch axis left out).
std::vector<float> expand_alpha(std::span<const float> alpha, const std::vector<int64_t>& alpha_shape,
                                const std::vector<int64_t>& dims) {
  const std::vector<int64_t> sample(dims.begin() + 1, dims.end());
  std::vector<float> out(static_cast<std::size_t>(product(sample, 0, sample.size())));
  std::vector<int64_t> stride(sample.size(), 0);
  int64_t s = 1;
  for (std::size_t d = sample.size(); d-- > 0;) {
    stride[d] = alpha_shape[d] == 1 ? 0 : s;
    s *= alpha_shape[d];
  }
  for (std::size_t flat = 0; flat < out.size(); ++flat) {
    int64_t rest = static_cast<int64_t>(flat), at = 0;
    for (std::size_t d = sample.size(); d-- > 0;) {
      at += (rest % sample[d]) * stride[d];
      rest /= sample[d];
    }
    out[flat] = alpha[static_cast<std::size_t>(at)];
  }
  return out;
}

void lower_prelu(PlanBuilder& b, const core::PReLU& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, name);
  const std::vector<int64_t>& alpha_shape = layer.alpha_shape();
  bool fits = !dims.empty() && alpha_shape.size() + 1 == dims.size();
  for (std::size_t d = 0; fits && d < alpha_shape.size(); ++d) fits = alpha_shape[d] == 1 || alpha_shape[d] == dims[d + 1];
  if (!fits) {
    throw core::Error(core::Status::ShapeMismatch, "Layer '" + name + "': the input does not match alpha's shape");
  }
  auto alpha = std::make_shared<const std::vector<float>>(expand_alpha(weight_values(layer, "alpha"), alpha_shape, dims));
  const ValueId out = b.add_plain(dims);
  const int64_t n = product(dims, 0, dims.size());
  const auto per_sample = static_cast<int64_t>(alpha->size());
  b.add_custom(
      name,
      [x, out, n, per_sample, alpha](const RunContext& c) {
        const float* in = c.f32(x);
        float* y = c.f32(out);
        const float* a = alpha->data();
        for (int64_t base = 0; base < n; base += per_sample) {
          for (int64_t j = 0; j < per_sample; ++j) {
            const float v = in[base + j];
            y[base + j] = v > 0.f ? v : a[j] * v;
          }
        }
      },
      {x}, {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering prelu_lowering = {.lower = lower_as<core::PReLU, lower_prelu>, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
