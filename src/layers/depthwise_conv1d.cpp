#include "layers/depthwise_conv1d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> DepthwiseConv1D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 1, false, [](BaseLayerConfig base) -> std::unique_ptr<BaseDepthwiseConv> {
    return std::unique_ptr<BaseDepthwiseConv>(new DepthwiseConv1D(std::move(base)));
  });
}

}  // namespace inlay::core
