// keras.layers.UnitNormalization: each sample scaled to unit L2 norm over `axis` (one axis or several):
// x * min(rsqrt(sum(x^2)), 1e12). No weights.
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class UnitNormalization final : public Layer {
 public:
  static constexpr std::string_view kClassName = "UnitNormalization";
  // UnitNormalization(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The normalized axes for an input of this rank: non-negative, sorted, distinct.
  std::vector<int> normalized_axes(int rank) const;

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit UnitNormalization(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  BaseLayerConfig base_;
  Json axis_ = -1;  // an int or a list of ints, as given
};

}  // namespace inlay::core
