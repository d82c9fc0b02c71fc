// ELU: alpha 1 is Keras's elu activation (fused into a producer as a post-op, with its NaN / Inf guard).
// Another alpha is Keras's tf.where(x > 0, elu(x), alpha * elu(x)), one float at a time on top of Keras's
// own elu (keras_activation.hpp), NaN and infinities included.
#include <optional>

#include "layers/elu.hpp"
#include "runtime/elementwise_steps.hpp"
#include "runtime/keras_activation.hpp"

namespace inlay::runtime {

namespace {

std::optional<core::Activation> as_activation(const core::ELU& layer) {
  if (layer.alpha() == 1.0) return core::Activation::Elu;
  return std::nullopt;
}

void lower_elu(PlanBuilder& b, const core::ELU& layer, const Node& node) {
  const ValueId x = b.value_of(node.inputs[0]);
  b.check_dims(node.outputs[0], b.dims(x), layer.name());
  ValueId out;
  if (const auto activation = as_activation(layer)) {
    out = apply_activation(b, x, *activation, layer.name());
  } else {
    const ScalarActivation elu = keras_scalar_activation(core::Activation::Elu);
    const auto alpha = static_cast<float>(layer.alpha());
    out = scalar_step(b, x, [elu, alpha](float v) { const float e = elu(v); return v > 0.f ? e : alpha * e; }, layer.name());
  }
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering elu_lowering = {
    .lower = lower_as<core::ELU, lower_elu>,
    .role = FusionRole::Activation,
    .activation = [](const Layer& layer) { return as_activation(layer_as<core::ELU>(layer)); },
    .maps_flat_values = true,
    .masking = Masking::PassesThrough,
};

}  // namespace inlay::runtime
