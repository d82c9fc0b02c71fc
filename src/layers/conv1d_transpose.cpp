#include "layers/conv1d_transpose.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Conv1DTranspose::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 1, [](BaseLayerConfig base) -> std::unique_ptr<BaseConvTranspose> {
    return std::unique_ptr<BaseConvTranspose>(new Conv1DTranspose(std::move(base)));
  });
}

}  // namespace inlay::core
