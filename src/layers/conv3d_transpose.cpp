#include "layers/conv3d_transpose.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Conv3DTranspose::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 3, [](BaseLayerConfig base) -> std::unique_ptr<BaseConvTranspose> {
    return std::unique_ptr<BaseConvTranspose>(new Conv3DTranspose(std::move(base)));
  });
}

}  // namespace inlay::core
