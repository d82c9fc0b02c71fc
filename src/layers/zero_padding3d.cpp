#include "layers/zero_padding3d.hpp"

#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ZeroPadding3D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<ZeroPadding3D> layer(new ZeroPadding3D(read_base(args, graph)));
  const Json padding = args.take("padding", Json::array({Json::array({1, 1}), Json::array({1, 1}), Json::array({1, 1})}));
  layer->set_data_format(args.take("data_format"));
  const MarginMessages messages{"`padding` should have 3 elements. Received: " + python::str(padding) + ".",
                                 "`padding` should be either an int, a tuple of 3 ints (symmetric_dim1_pad, symmetric_dim2_pad, "
                    "symmetric_dim3_pad), or a tuple of 3 tuples of 2 ints ((left_dim1_pad, right_dim1_pad), "
                    "(left_dim2_pad, right_dim2_pad), (left_dim3_pad, right_dim2_pad)). Received: padding=" +
                    python::str(padding) + "."};
  Json nested = standardize_margins(padding, 3, "padding", messages);
  layer->set_padding(nested, nested);
  return layer;
}

}  // namespace inlay::core
