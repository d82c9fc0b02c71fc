// ZeroPadding2D: zeros, then each input row copied into place (rows of W*C floats for channels_last,
// of W floats for channels_first).
#include <algorithm>
#include <cstring>
#include <limits>

#include "layers/zero_padding2d.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_zero_padding2d(PlanBuilder& b, const core::ZeroPadding2D& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in = b.dims(x);  // (N, H, W, C) or (N, C, H, W)
  const bool cf = layer.channels_first();
  const auto& pad = layer.padding();          // ((top, bottom), (left, right))
  const int64_t n = in[0], c = cf ? in[1] : in[3], h = cf ? in[2] : in[1], w = cf ? in[3] : in[2];
  // A None spatial dim of the model padded by a huge config value can pass int64: saturated, the output is
  // then refused by check_dims as too large for the runtime.
  const auto padded = [](int64_t size, int64_t before, int64_t after) {
    int64_t out = 0;
    if (__builtin_add_overflow(size, before, &out) || __builtin_add_overflow(out, after, &out)) {
      return std::numeric_limits<int64_t>::max();
    }
    return out;
  };
  const int64_t oh = padded(h, pad[0][0], pad[0][1]), ow = padded(w, pad[1][0], pad[1][1]);
  const std::vector<int64_t> out_dims = cf ? std::vector<int64_t>{n, c, oh, ow} : std::vector<int64_t>{n, oh, ow, c};
  b.check_dims(node.outputs[0], out_dims, name);
  const ValueId out = b.add_plain(out_dims);
  const int64_t top = pad[0][0], left = pad[1][0];
  b.add_custom(
      name,
      [=](const RunContext& ctx) {
        const float* src = ctx.f32(x);
        float* dst = ctx.f32(out);
        std::fill_n(dst, n * c * oh * ow, 0.f);
        // Each (image, channel plane or not, row) of the input lands at (row + top, left) of the output.
        const int64_t planes = cf ? n * c : n, row = cf ? w : w * c, out_row = cf ? ow : ow * c;
        const int64_t offset = cf ? left : left * c;
        for (int64_t p = 0; p < planes; ++p) {
          for (int64_t r = 0; r < h; ++r) {
            std::memcpy(dst + (p * oh + r + top) * out_row + offset, src + (p * h + r) * row,
                        static_cast<std::size_t>(row) * sizeof(float));
          }
        }
      },
      {x}, {out});
  b.same_magnitude(out, x);  // the input's values and zeros
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering zero_padding2d_lowering = {
    .lower = lower_as<core::ZeroPadding2D, lower_zero_padding2d>,
    .role = FusionRole::ZeroPadding,
    .padding = [](const Layer& layer, std::vector<std::pair<int64_t, int64_t>>& pads, bool& channels_first) {
      const auto& zp = layer_as<core::ZeroPadding2D>(layer);
      for (const auto& p : zp.padding()) pads.emplace_back(p[0], p[1]);
      channels_first = zp.channels_first();
      return true;
    },
};

}  // namespace inlay::runtime
