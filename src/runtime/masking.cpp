// Masking: per step (all axes but the last), keep = any(x != mask_value) over the last axis; the output is x
// where kept and 0 elsewhere, and keep is the output's Keras mask. One hand-written pass writes both (oneDNN
// has no any-reduction over a comparison). NaN != mask_value, so a NaN feature keeps its step, as in Keras.
#include <algorithm>

#include "layers/masking.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_masking(PlanBuilder& b, const core::Masking& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> dims = b.dims(x);
  if (dims.empty()) throw_unsupported(name, "a rank-0 input");
  b.check_dims(node.outputs[0], dims, name);
  const std::vector<int64_t> mask_dims(dims.begin(), dims.end() - 1);
  const int64_t features = dims.back(), steps = product(dims, 0, dims.size() - 1);
  const ValueId out = b.add_plain(dims);
  const ValueId mask = b.add_plain(mask_dims);
  const float value = layer.mask_value();
  b.add_custom(
      name,
      [x, out, mask, features, steps, value](const RunContext& ctx) {
        const float* src = ctx.f32(x);
        float* dst = ctx.f32(out);
        float* keep = ctx.f32(mask);
        for (int64_t s = 0; s < steps; ++s) {
          const float* row = src + s * features;
          const bool kept = std::any_of(row, row + features, [value](float v) { return v != value; });
          keep[s] = kept ? 1.0f : 0.0f;
          if (kept) {
            std::copy_n(row, features, dst + s * features);
          } else {
            std::fill_n(dst + s * features, features, 0.0f);
          }
        }
      },
      {x}, {out, mask});
  b.same_magnitude(out, x);
  b.set_output(node.outputs[0], out);
  b.set_mask(node.outputs[0], mask);
}

}  // namespace

const LayerLowering masking_lowering = {.lower = lower_as<core::Masking, lower_masking>, .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
