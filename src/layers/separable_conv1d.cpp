#include "layers/separable_conv1d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> SeparableConv1D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 1, true, [](BaseLayerConfig base) -> std::unique_ptr<BaseDepthwiseConv> {
    return std::unique_ptr<BaseDepthwiseConv>(new SeparableConv1D(std::move(base)));
  });
}

}  // namespace inlay::core
