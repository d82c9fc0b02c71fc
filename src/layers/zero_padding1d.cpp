#include "layers/zero_padding1d.hpp"

#include "layers/conv_utils.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ZeroPadding1D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<ZeroPadding1D> layer(new ZeroPadding1D(read_base(args, graph)));
  const Json padding = args.take("padding", Json(1));
  layer->set_data_format(args.take("data_format"));
  // argument_validation.standardize_tuple(padding, 2, "padding", allow_zero=True); the config keeps the pair.
  Json pair = conv_utils::standardize_tuple(padding, 2, "padding", true);
  layer->set_padding(pair, Json::array({pair}));
  return layer;
}

}  // namespace inlay::core
