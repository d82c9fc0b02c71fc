// LayerNormalization: oneDNN's layer_normalization where the normalized axes are the trailing ones (the
// tensor seen as rows of prod(those dims) values; gamma and beta, laid out over the same axes, are its scale
// and shift), else -- other axes, or the deprecated rms_scaling -- a loop over the axis groups.
#include <cmath>

#include "layers/layer_normalization.hpp"
#include "runtime/axis_groups.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

bool trailing_axes(const std::vector<int>& axes, std::size_t rank) {
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[axes.size() - 1 - i] != static_cast<int>(rank - 1 - i)) return false;
  }
  return true;
}

void lower_with_onednn(PlanBuilder& b, const core::LayerNormalization& layer, ValueId x, ValueId out,
                       int64_t rows, int64_t width) {
  const memory::desc md = plain_md({rows, width});
  const memory::desc param_md = plain_md({width});
  auto flags = dnnl::normalization_flags::none;
  std::vector<ConstantArg> constants;
  if (layer.scale()) {
    flags |= dnnl::normalization_flags::use_scale;
    constants.push_back({DNNL_ARG_SCALE, b.constant(param_md, weight_values(layer, "gamma").data(), param_md)});
  }
  if (layer.center()) {
    flags |= dnnl::normalization_flags::use_shift;
    constants.push_back({DNNL_ARG_SHIFT, b.constant(param_md, weight_values(layer, "beta").data(), param_md)});
  }
  const dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, md,
                                                     static_cast<float>(layer.epsilon()), flags);
  const dnnl::layer_normalization_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  b.add_primitive(layer.name(), dnnl::layer_normalization_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, md}, {DNNL_ARG_DST, out, md}}, std::move(constants));
}

// Keras's formula group by group: mean and variance in double, y = (x - mean) * rsqrt(var + eps) * gamma + beta
// (rms_scaling: x * rsqrt(var + eps) * gamma).
void lower_with_loop(PlanBuilder& b, const core::LayerNormalization& layer, ValueId x, ValueId out) {
  const AxisGroups groups = axis_groups(b.dims(x), layer.normalized_axes());
  const bool rms = layer.rms_scaling();
  std::vector<float> gamma = weight_copy(layer, layer.scale() || rms, "gamma");
  std::vector<float> beta = weight_copy(layer, layer.center() && !rms, "beta");
  const double epsilon = layer.epsilon();
  b.add_custom(
      layer.name(),
      [x, out, groups, gamma, beta, epsilon, rms](const RunContext& c) {
        const float* src = c.f32(x);
        float* dst = c.f32(out);
        const auto n = static_cast<double>(groups.inner.size());
        for (int64_t base : groups.outer) {
          double sum = 0;
          for (int64_t i : groups.inner) sum += src[base + i];
          const double mean = sum / n;
          double squares = 0;
          for (int64_t i : groups.inner) squares += (src[base + i] - mean) * (src[base + i] - mean);
          const double inv = 1.0 / std::sqrt(squares / n + epsilon);
          for (std::size_t k = 0; k < groups.inner.size(); ++k) {
            const double v = src[base + groups.inner[k]];
            double y = rms ? v * inv : (v - mean) * inv;
            if (!gamma.empty()) y *= gamma[k];
            if (!beta.empty()) y += beta[k];
            dst[base + groups.inner[k]] = static_cast<float>(y);
          }
        }
      },
      {x}, {out});
}

void lower_layer_normalization(PlanBuilder& b, const core::LayerNormalization& layer, const Node& node) {
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), layer.name());
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, layer.name());
  const ValueId out = b.add_plain(dims);
  const std::vector<int>& axes = layer.normalized_axes();
  const std::size_t kept = dims.size() - axes.size();
  const int64_t width = product(dims, kept, dims.size());
  if (!layer.rms_scaling() && trailing_axes(axes, dims.size()) && width > 0) {
    lower_with_onednn(b, layer, x, out, product(dims, 0, kept), width);
  } else {
    lower_with_loop(b, layer, x, out);
  }
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering layer_normalization_lowering = {
    .lower = lower_as<core::LayerNormalization, lower_layer_normalization>, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
