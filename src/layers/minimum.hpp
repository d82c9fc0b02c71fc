// keras.layers.Minimum: the elementwise minimum of a list of inputs, broadcast as Merge does.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "layers/merge_base.hpp"

namespace inlay::core {

class Minimum final : public Merge {
 public:
  static constexpr std::string_view kClassName = "Minimum";
  // Minimum(**config): only the base layer arguments.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Minimum(BaseLayerConfig base) : Merge(std::move(base)) {}
};

}  // namespace inlay::core
