#include "layers/cropping2d.hpp"

#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Cropping2D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<Cropping2D> layer(new Cropping2D(BaseLayerConfig::read(args, graph, {"cropping", "data_format"})));
  const Json cropping = args.take("cropping", Json::array({Json::array({0, 0}), Json::array({0, 0})}));
  layer->set_data_format(args.take("data_format"));
  if ((cropping.is_number_integer() || cropping.is_boolean()) && conv_utils::to_int(cropping) < 0) {
    throw_invalid("`cropping` cannot be negative. Received: cropping=" + python::str(cropping) + ".");
  }
  const MarginMessages messages{
      "`cropping` should have two elements. Received: cropping=" + python::str(cropping) + ".",
      "`cropping` should be either an int, a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), "
      "or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop)). Received: "
      "cropping=" + python::str(cropping) + "."};
  Json nested = standardize_margins(cropping, 2, "cropping", messages);
  layer->set_cropping(nested, nested);
  return layer;
}

}  // namespace inlay::core
