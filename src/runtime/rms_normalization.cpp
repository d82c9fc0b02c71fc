// RMSNormalization as one loop over the axis groups: y = x * rsqrt(mean(x^2) + epsilon) * scale. Keras multiplies
// by `scale` with numpy broadcasting (aligned to the last axes), which is per normalized element only when the
// normalized axes are the trailing ones; other axes are refused rather than reproduced.
#include <cmath>

#include "layers/rms_normalization.hpp"
#include "runtime/axis_groups.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_rms_normalization(PlanBuilder& b, const core::RMSNormalization& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, name);
  const std::vector<int>& axes = layer.normalized_axes();
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[axes.size() - 1 - i] != static_cast<int>(dims.size() - 1 - i)) {
      throw_unsupported(name, "RMSNormalization over axes that are not the trailing ones (Keras broadcasts its "
                              "scale against the last axes)");
    }
  }
  const AxisGroups groups = axis_groups(dims, axes);
  const std::span<const float> values = weight_values(layer, "scale");
  const std::vector<float> scale(values.begin(), values.end());
  const double epsilon = layer.epsilon();
  const ValueId out = b.add_plain(dims);
  b.add_custom(
      name,
      [x, out, groups, scale, epsilon](const RunContext& c) {
        const float* src = c.f32(x);
        float* dst = c.f32(out);
        const auto n = static_cast<double>(groups.inner.size());
        for (int64_t base : groups.outer) {
          double squares = 0;
          for (int64_t i : groups.inner) squares += static_cast<double>(src[base + i]) * src[base + i];
          const double inv = 1.0 / std::sqrt(squares / n + epsilon);
          for (std::size_t k = 0; k < groups.inner.size(); ++k) {
            dst[base + groups.inner[k]] = static_cast<float>(src[base + groups.inner[k]] * inv * scale[k]);
          }
        }
      },
      {x}, {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering rms_normalization_lowering = {.lower = lower_as<core::RMSNormalization, lower_rms_normalization>};

}  // namespace inlay::runtime
