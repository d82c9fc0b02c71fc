#include "layers/subtract.hpp"

#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Subtract::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {});
  return std::unique_ptr<Layer>(new Subtract(std::move(base)));
}

void Subtract::build(const std::vector<const KerasTensor*>& inputs) {
  Merge::build(inputs);
  if (inputs.size() != 2) {
    throw_invalid("A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape=" +
                  shapes_repr(input_shapes(inputs)));
  }
}

}  // namespace inlay::core
