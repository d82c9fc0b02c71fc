// RepeatVector: (N, F) -> (N, n, F), each sample's F values copied n times (a hand-written loop: plain
// copies, no arithmetic, so NaN and infinities pass through as in Keras).
#include <algorithm>

#include "layers/repeat_vector.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_repeat_vector(PlanBuilder& b, const core::RepeatVector& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in = b.dims(x);
  const int64_t n = layer.n(), samples = in[0], features = in[1];
  const std::vector<int64_t> out_dims = {samples, n, features};
  b.check_dims(node.outputs[0], out_dims, name);
  const ValueId out = b.add_plain(out_dims);
  b.add_custom(
      name,
      [x, out, n, samples, features](const RunContext& ctx) {
        const float* src = ctx.f32(x);
        float* dst = ctx.f32(out);
        for (int64_t s = 0; s < samples; ++s) {
          for (int64_t r = 0; r < n; ++r) {
            std::copy_n(src + s * features, features, dst + (s * n + r) * features);
          }
        }
      },
      {x}, {out});
  b.same_magnitude(out, x);
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering repeat_vector_lowering = {.lower = lower_as<core::RepeatVector, lower_repeat_vector>};

}  // namespace inlay::runtime
