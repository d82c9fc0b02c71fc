// Dropout in inference is the identity: its output is its input's value, no step at all.
#include "layers/dropout.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_dropout(PlanBuilder& b, const core::Dropout& layer, const Node& node) {
  (void)layer;
  b.set_output(node.outputs[0], b.value_of(node.inputs[0]));
}

}  // namespace

const LayerLowering dropout_lowering = {.lower = lower_as<core::Dropout, lower_dropout>, .role = FusionRole::Identity, .maps_flat_values = true, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
