// A model used as a layer: its nodes are lowered in place, through the same builder, with the inner model's
// inputs naming the outer node's input values and the outer node's outputs naming the inner outputs' values
// (no copies). The inner model's own fusion plan is merged first, so its convolutions fold their
// BatchNormalization and activations as the outer model's do.
#include "graph/input_layer.hpp"
#include "layers/nested_model.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_nested_model(PlanBuilder& b, const core::NestedModel& layer, const Node& node) {
  const core::Model& inner = *layer.nested_model();
  for (std::size_t i = 0; i < inner.inputs().size(); ++i) b.set_output(inner.inputs()[i], b.value_of(node.inputs[i]));
  b.add_fusions(plan_fusions(inner));
  for (const core::NodeRef& ref : inner.execution_order()) {
    const Node& n = ref.node();
    if (ref.layer->class_name() == core::InputLayer::kClassName || b.fusions().is_folded(n)) continue;
    b.lower_nested(*ref.layer, n);
  }
  for (std::size_t i = 0; i < node.outputs.size(); ++i) {
    b.set_output(node.outputs[i], b.value_of(inner.outputs()[i]));
  }
}

}  // namespace

const LayerLowering nested_model_lowering = {.lower = lower_as<core::NestedModel, lower_nested_model>};

}  // namespace inlay::runtime
