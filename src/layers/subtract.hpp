// keras.layers.Subtract: inputs[0] - inputs[1] of exactly two inputs, broadcast as Merge does.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "layers/merge_base.hpp"

namespace inlay::core {

class Subtract final : public Merge {
 public:
  static constexpr std::string_view kClassName = "Subtract";
  // Subtract(**config): only the base layer arguments.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 protected:
  // Merge.build, then Subtract's own check: exactly two inputs.
  void build(const std::vector<const KerasTensor*>& inputs) override;

 private:
  explicit Subtract(BaseLayerConfig base) : Merge(std::move(base)) {}
};

}  // namespace inlay::core
