#include "layers/depthwise_conv2d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> DepthwiseConv2D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 2, false, [](BaseLayerConfig base) -> std::unique_ptr<BaseDepthwiseConv> {
    return std::unique_ptr<BaseDepthwiseConv>(new DepthwiseConv2D(std::move(base)));
  });
}

}  // namespace inlay::core
