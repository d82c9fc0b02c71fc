#include "layers/global_average_pooling1d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> GlobalAveragePooling1D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, [](BaseLayerConfig base) -> std::unique_ptr<BaseGlobalPooling> {
    return std::unique_ptr<BaseGlobalPooling>(new GlobalAveragePooling1D(std::move(base)));
  });
}

}  // namespace inlay::core
