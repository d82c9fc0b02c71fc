// The producer side of fusion, shared by Dense and the convolutions: what the fusion pass (fusion_pass.hpp)
// decided becomes folded weights (a BatchNormalization is a per-channel affine map in inference) and
// oneDNN eltwise post-ops.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <span>

#include "layers/activation.hpp"
#include "layers/batch_normalization.hpp"
#include "runtime/lowerings.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

namespace {

std::optional<std::span<const float>> find_weight(const Layer& layer, const std::string& name) {
  for (const core::Weight& w : layer.weights()) {
    if (w.name == name) return w.values();
  }
  return std::nullopt;
}

}  // namespace

std::span<const float> weight_values(const Layer& layer, const std::string& name) {
  if (const auto values = find_weight(layer, name)) return *values;
  throw core::Error(core::Status::InternalError, "layer '" + layer.name() + "' has no weight '" + name + "'");
}

std::vector<float> weight_copy(const Layer& layer, bool present, const char* name) {
  if (!present) return {};
  const std::span<const float> values = weight_values(layer, name);
  return {values.begin(), values.end()};
}

ChannelAffine batch_norm_affine(const core::BatchNormalization& bn) {
  const auto mean = find_weight(bn, "moving_mean");
  const auto variance = find_weight(bn, "moving_variance");
  const auto gamma = find_weight(bn, "gamma");
  const auto beta = find_weight(bn, "beta");
  if (!mean || !variance) {
    throw core::Error(core::Status::InternalError, "BatchNormalization '" + bn.name() + "' has no moving statistics");
  }
  // Keras 3 in inference: inv = rsqrt(variance + epsilon) * gamma; y = x * inv - mean * inv + beta.
  ChannelAffine affine;
  const std::size_t n = mean->size();
  affine.scale.resize(n);
  affine.shift.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    float inv = 1.f / std::sqrt((*variance)[c] + static_cast<float>(bn.epsilon()));
    if (gamma) inv *= (*gamma)[c];
    affine.scale[c] = inv;
    affine.shift[c] = -(*mean)[c] * inv + (beta ? (*beta)[c] : 0.f);
  }
  return affine;
}

void fold_batch_norm(std::vector<float>& kernel, std::vector<float>& bias, int64_t channels,
                     const core::BatchNormalization& bn) {
  const ChannelAffine affine = batch_norm_affine(bn);
  const auto n = static_cast<std::size_t>(channels);
  if (bias.empty()) bias.assign(n, 0.f);
  for (std::size_t i = 0; i < kernel.size(); ++i) kernel[i] *= affine.scale[i % n];
  for (std::size_t c = 0; c < n; ++c) bias[c] = bias[c] * affine.scale[c] + affine.shift[c];
}

ProducerPostOps producer_post_ops(core::Activation own, const Fusion& fusion) {
  ProducerPostOps out;
  out.own_fused = append_activation_post_ops(out.ops, own);
  for (core::Activation a : fusion.activations) append_activation_post_ops(out.ops, a);
  out.activations = fused_activations(out.own_fused, own, fusion);
  return out;
}

std::vector<core::Activation> fused_activations(bool own_fused, core::Activation own, const Fusion& fusion) {
  std::vector<core::Activation> out;
  out.reserve(fusion.activations.size() + 1);
  if (own_fused) out.push_back(own);
  for (core::Activation a : fusion.activations) out.push_back(a);
  return out;
}

void lower_bias_only(PlanBuilder& b, ValueId x, const std::vector<int64_t>& out_dims, int channel_axis,
                     std::span<const float> bias, core::Activation own_activation, const Fusion& fusion,
                     const std::string& layer) {
  const auto axis = static_cast<std::size_t>(channel_axis);
  const int64_t outer = product(out_dims, 0, axis), channels = out_dims[axis];
  const int64_t inner = product(out_dims, axis + 1, out_dims.size());
  auto values = std::make_shared<std::vector<float>>(static_cast<std::size_t>(channels), 0.f);
  std::copy(bias.begin(), bias.end(), values->begin());
  ValueId out = b.add_plain(out_dims);
  b.add_custom(
      layer,
      [out, outer, channels, inner, values](const RunContext& c) {
        float* y = c.f32(out);
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t ch = 0; ch < channels; ++ch) std::fill_n(y + (o * channels + ch) * inner, inner, (*values)[ch]);
        }
      },
      {x}, {out});
  out = apply_activation(b, out, own_activation, layer);
  for (core::Activation a : fusion.activations) out = apply_activation(b, out, a, layer);
  b.set_output(fusion.output, out);
}

}  // namespace inlay::runtime
