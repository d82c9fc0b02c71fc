// UnitNormalization: ops.normalize(x, axis, order=2, epsilon=1e-12) as one loop over the axis groups.
#include "layers/unit_normalization.hpp"
#include "runtime/axis_groups.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_unit_normalization(PlanBuilder& b, const core::UnitNormalization& layer, const Node& node) {
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), layer.name());
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, layer.name());
  const std::vector<int> axes = layer.normalized_axes(static_cast<int>(dims.size()));
  b.set_output(node.outputs[0], l2_normalize_step(b, x, axes, 1e-12, layer.name()));
}

}  // namespace

const LayerLowering unit_normalization_lowering = {
    .lower = lower_as<core::UnitNormalization, lower_unit_normalization>, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
