// LeakyReLU: slope 0.2 is Keras's leaky_relu activation (fused into a producer as a post-op); other slopes
// run as oneDNN's eltwise relu with alpha, the compare-and-blend tf.nn.leaky_relu also is (NaN stays NaN).
#include <optional>

#include "layers/leaky_relu.hpp"
#include "runtime/elementwise_steps.hpp"

namespace inlay::runtime {

namespace {

std::optional<core::Activation> as_activation(const core::LeakyReLU& layer) {
  if (static_cast<float>(layer.negative_slope()) == 0.2f) return core::Activation::LeakyRelu;
  return std::nullopt;
}

void lower_leaky_relu(PlanBuilder& b, const core::LeakyReLU& layer, const Node& node) {
  const ValueId x = b.value_of(node.inputs[0]);
  b.check_dims(node.outputs[0], b.dims(x), layer.name());
  const ValueId out = eltwise_step(b, x, dnnl::algorithm::eltwise_relu, static_cast<float>(layer.negative_slope()), 0.f,
                                   layer.name());
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering leaky_relu_lowering = {
    .lower = lower_as<core::LeakyReLU, lower_leaky_relu>,
    .role = FusionRole::Activation,
    .activation = [](const Layer& layer) { return as_activation(layer_as<core::LeakyReLU>(layer)); },
    .maps_flat_values = true,
    .masking = Masking::PassesThrough,
};

}  // namespace inlay::runtime
