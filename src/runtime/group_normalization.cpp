// GroupNormalization as a loop over the (sample, group) pairs: the tensor seen with its channel axis split
// into (groups, channels / groups), reduced over every axis but the batch and the group axis (axis_groups),
// then Keras's formula with the per-channel gamma and beta.
#include <cmath>

#include "layers/group_normalization.hpp"
#include "runtime/axis_groups.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

namespace {

void lower_group_normalization(PlanBuilder& b, const core::GroupNormalization& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, name);
  const auto rank = static_cast<int64_t>(dims.size());
  const int64_t axis = layer.axis() < 0 ? layer.axis() + rank : layer.axis();
  // Keras reduces over "every axis but the group axis" of the reshaped tensor counting from axis 1: with the
  // channels on the batch axis that set is another one, which inlay does not reproduce.
  if (axis == 0) throw_unsupported(name, "GroupNormalization over axis 0");
  const int64_t groups = layer.groups(), channels = dims[static_cast<std::size_t>(axis)];
  const int64_t per_group = channels / groups;
  std::vector<int64_t> split = dims;  // (..., groups, channels / groups, ...)
  split[static_cast<std::size_t>(axis)] = per_group;
  split.insert(split.begin() + axis, groups);
  std::vector<int> reduced;
  for (int k = 1; k <= static_cast<int>(rank); ++k) {
    if (k != axis) reduced.push_back(k);
  }
  const AxisGroups g = axis_groups(split, reduced);
  const int64_t after = product(dims, static_cast<std::size_t>(axis) + 1, dims.size());
  std::vector<int64_t> channel_in_group;  // for each element of a group: its channel minus the group's first
  for (int64_t offset : g.inner) channel_in_group.push_back((offset / after) % per_group);
  const std::vector<float> gamma = weight_copy(layer, layer.scale(), "gamma");
  const std::vector<float> beta = weight_copy(layer, layer.center(), "beta");
  const double epsilon = layer.epsilon();
  const ValueId out = b.add_plain(dims);
  b.add_custom(
      name,
      [x, out, g, channel_in_group, gamma, beta, epsilon, groups, per_group](const RunContext& c) {
        const float* src = c.f32(x);
        float* dst = c.f32(out);
        const auto n = static_cast<double>(g.inner.size());
        for (std::size_t o = 0; o < g.outer.size(); ++o) {
          const int64_t base = g.outer[o];
          const int64_t first_channel = static_cast<int64_t>(o) % groups * per_group;
          double sum = 0;
          for (int64_t i : g.inner) sum += src[base + i];
          const double mean = sum / n;
          double squares = 0;
          for (int64_t i : g.inner) squares += (src[base + i] - mean) * (src[base + i] - mean);
          const double inv = 1.0 / std::sqrt(squares / n + epsilon);
          for (std::size_t k = 0; k < g.inner.size(); ++k) {
            const auto channel = static_cast<std::size_t>(first_channel + channel_in_group[k]);
            double y = (src[base + g.inner[k]] - mean) * inv;
            if (!gamma.empty()) y *= gamma[channel];
            if (!beta.empty()) y += beta[channel];
            dst[base + g.inner[k]] = static_cast<float>(y);
          }
        }
      },
      {x}, {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering group_normalization_lowering = {
    .lower = lower_as<core::GroupNormalization, lower_group_normalization>, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
