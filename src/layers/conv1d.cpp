#include "layers/conv1d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Conv1D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 1, [](BaseLayerConfig base) -> std::unique_ptr<BaseConv> {
    return std::unique_ptr<BaseConv>(new Conv1D(std::move(base)));
  });
}

}  // namespace inlay::core
