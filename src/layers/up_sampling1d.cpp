#include "layers/up_sampling1d.hpp"

#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> UpSampling1D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<UpSampling1D> layer(new UpSampling1D(BaseLayerConfig::read(args, graph, {"size"})));
  const Json size = args.take("size", Json(2));
  // isinstance(size, int) and not a bool, then size > 0.
  if (!size.is_number_integer()) {
    throw_invalid("Expected an integer value for `size`, got " + python::type_name(size) + ".");
  }
  if (conv_utils::to_int(size) <= 0) {
    throw_invalid("Argument `size` should be a positive integer. Received: size=" + python::str(size));
  }
  layer->set_size(size, Json::array({size}));
  return layer;
}

}  // namespace inlay::core
