// keras.layers.Multiply: the elementwise product of a list of inputs, broadcast as Merge does (the gate of
// squeeze-and-excitation blocks: (N, H, W, C) x (N, 1, 1, C)).
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "layers/merge_base.hpp"

namespace inlay::core {

class Multiply final : public Merge {
 public:
  static constexpr std::string_view kClassName = "Multiply";
  // Multiply(**config): only the base layer arguments.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Multiply(BaseLayerConfig base) : Merge(std::move(base)) {}
};

}  // namespace inlay::core
