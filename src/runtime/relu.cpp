// ReLU: the plain relu / relu6 / leaky_relu(0.2) are Keras activations, fused into a producer as oneDNN
// post-ops like an Activation layer. Other parameters run on their own: a leaky relu of any slope is
// oneDNN's eltwise relu with alpha (a compare-and-blend that keeps NaN, as tf.nn.leaky_relu does); the rest
// (a cap other than 6, a threshold, a slope with a cap or threshold) is Keras's ReLU.static_call computed one
// float at a time, in float32 and in Keras's order of operations, NaN and infinities included.
#include <cmath>
#include <optional>

#include "layers/relu.hpp"
#include "runtime/elementwise_steps.hpp"
#include "runtime/keras_activation.hpp"

namespace inlay::runtime {

using core::Activation;

namespace {

// tf.maximum / tf.minimum propagate NaN.
float nan_max(float a, float b) { return std::isnan(a) ? a : (a > b ? a : b); }
float nan_min(float a, float b) { return std::isnan(a) ? a : (a < b ? a : b); }

// keras.activations.ReLU.static_call with the layer's parameters cast to float32.
struct KerasRelu {
  float slope = 0.f, threshold = 0.f, max_value = 0.f;
  bool has_max = false, slope_set = false, threshold_set = false, max_is_six = false;

  float operator()(float x) const {
    float negative_part = 1.f;
    if (slope_set) negative_part = nan_max(threshold_set ? -x + threshold : -x, 0.f);
    bool clip_max = has_max;
    float y;
    if (threshold_set) {
      y = x > threshold ? x : 0.f;  // ops.where(x > threshold, x, 0): NaN -> 0
    } else if (max_is_six) {
      y = nan_min(nan_max(x, 0.f), 6.f);
      clip_max = false;
    } else {
      y = nan_max(x, 0.f);
    }
    if (clip_max) y = nan_min(nan_max(y, 0.f), max_value);
    if (slope_set) y -= slope * negative_part;
    return y;
  }
};

// The Keras activation the layer computes, when it is exactly one.
std::optional<Activation> as_activation(const core::ReLU& layer) {
  if (layer.threshold() != 0.0) return std::nullopt;
  if (layer.negative_slope() == 0.0) {
    if (!layer.max_value()) return Activation::Relu;
    if (*layer.max_value() == 6.0) return Activation::Relu6;
    return std::nullopt;
  }
  // Keras calls leaky_relu itself when there is a slope and nothing else; Activation::LeakyRelu is slope 0.2.
  if (!layer.max_value() && static_cast<float>(layer.negative_slope()) == 0.2f) return Activation::LeakyRelu;
  return std::nullopt;
}

void lower_relu(PlanBuilder& b, const core::ReLU& layer, const Node& node) {
  const ValueId x = b.value_of(node.inputs[0]);
  b.check_dims(node.outputs[0], b.dims(x), layer.name());
  ValueId out;
  if (const auto activation = as_activation(layer)) {
    out = apply_activation(b, x, *activation, layer.name());
  } else if (layer.threshold() == 0.0 && !layer.max_value()) {
    out = eltwise_step(b, x, dnnl::algorithm::eltwise_relu, static_cast<float>(layer.negative_slope()), 0.f, layer.name());
  } else {
    KerasRelu f;
    f.slope = static_cast<float>(layer.negative_slope());
    f.threshold = static_cast<float>(layer.threshold());
    f.slope_set = layer.negative_slope() != 0.0;
    f.threshold_set = layer.threshold() != 0.0;
    f.has_max = layer.max_value().has_value();
    f.max_is_six = f.has_max && *layer.max_value() == 6.0;
    f.max_value = f.has_max ? static_cast<float>(*layer.max_value()) : 0.f;
    out = scalar_step(b, x, f, layer.name());
  }
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering relu_lowering = {
    .lower = lower_as<core::ReLU, lower_relu>,
    .role = FusionRole::Activation,
    .activation = [](const Layer& layer) { return as_activation(layer_as<core::ReLU>(layer)); },
    .maps_flat_values = true,
    .masking = Masking::PassesThrough,
};

}  // namespace inlay::runtime
