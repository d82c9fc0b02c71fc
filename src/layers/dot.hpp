// keras.layers.Dot: the batchwise dot product of two inputs along one axis of each (Keras's batch_dot),
// optionally of their L2-normalized samples (the cosine proximity).
#pragma once

#include <array>
#include <memory>

#include "graph/graph.hpp"
#include "layers/merge_base.hpp"

namespace inlay::core {

class Dot final : public Merge {
 public:
  static constexpr std::string_view kClassName = "Dot";
  // Dot(axes, normalize=False, **config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The contracted axis of each input, as _merge_function resolves them for these ranks (an int axes taken
  // modulo the rank when negative; a pair as given, a negative entry taken modulo its input's rank).
  std::array<int64_t, 2> resolved_axes(int64_t rank1, int64_t rank2) const;
  bool normalize() const { return normalize_; }

 protected:
  // Dot.build replaces Merge.build: exactly two inputs whose contracted axes agree.
  void build(const std::vector<const KerasTensor*>& inputs) override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Dot(BaseLayerConfig base) : Merge(std::move(base)) {}
  // Keras's axes as build and compute_output_shape use them: negative pair entries left as they are.
  std::array<int64_t, 2> shape_axes(int64_t rank1, int64_t rank2) const;

  Json axes_json_;  // as given (an int or a pair)
  Json normalize_json_ = false;
  bool normalize_ = false;
};

}  // namespace inlay::core
