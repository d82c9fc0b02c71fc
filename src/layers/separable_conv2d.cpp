#include "layers/separable_conv2d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> SeparableConv2D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 2, true, [](BaseLayerConfig base) -> std::unique_ptr<BaseDepthwiseConv> {
    return std::unique_ptr<BaseDepthwiseConv>(new SeparableConv2D(std::move(base)));
  });
}

}  // namespace inlay::core
