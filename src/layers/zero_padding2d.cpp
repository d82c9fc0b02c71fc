#include "layers/zero_padding2d.hpp"

#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ZeroPadding2D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<ZeroPadding2D> layer(new ZeroPadding2D(read_base(args, graph)));
  const Json padding = args.take("padding", Json::array({1, 1}));
  layer->set_data_format(args.take("data_format"));
  const MarginMessages messages{"`padding` should have two elements. Received: padding=" + python::str(padding) + ".",
                                 "`padding` should be either an int, a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), "
                    "or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop)). Received: "
                    "padding=" + python::str(padding) + "."};
  Json nested = standardize_margins(padding, 2, "padding", messages);
  layer->set_padding(nested, nested);
  return layer;
}

}  // namespace inlay::core
