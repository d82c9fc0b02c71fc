#include "layers/conv2d_transpose.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Conv2DTranspose::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 2, [](BaseLayerConfig base) -> std::unique_ptr<BaseConvTranspose> {
    return std::unique_ptr<BaseConvTranspose>(new Conv2DTranspose(std::move(base)));
  });
}

}  // namespace inlay::core
