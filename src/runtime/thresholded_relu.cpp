// ThresholdedReLU: tf.keras's x * cast(x > theta), one float at a time (oneDNN has no thresholded eltwise);
// the product keeps its special values: NaN * 0 and -inf * 0 are NaN, as in TensorFlow.
#include "layers/thresholded_relu.hpp"
#include "runtime/elementwise_steps.hpp"

namespace inlay::runtime {

namespace {

void lower_thresholded_relu(PlanBuilder& b, const core::ThresholdedReLU& layer, const Node& node) {
  const ValueId x = b.value_of(node.inputs[0]);
  b.check_dims(node.outputs[0], b.dims(x), layer.name());
  const float theta = layer.theta();
  const ValueId out = scalar_step(b, x, [theta](float v) { return v * (v > theta ? 1.f : 0.f); }, layer.name());
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering thresholded_relu_lowering = {.lower = lower_as<core::ThresholdedReLU, lower_thresholded_relu>,
                                                 .maps_flat_values = true, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
