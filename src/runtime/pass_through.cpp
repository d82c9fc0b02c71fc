// The layers that are the identity at inference (Identity, GaussianNoise, GaussianDropout, AlphaDropout,
// SpatialDropout1D/2D/3D, ActivityRegularization): the output is the input's value, no step at all; after a
// Dense / Conv the fusion pass folds them away.
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_pass_through(PlanBuilder& b, const Layer& layer, const Node& node) {
  (void)layer;
  b.set_output(node.outputs[0], b.value_of(node.inputs[0]));
}

}  // namespace

const LayerLowering pass_through_lowering = {.lower = lower_pass_through, .role = FusionRole::Identity, .maps_flat_values = true, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
