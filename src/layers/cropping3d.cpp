#include "layers/cropping3d.hpp"

#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Cropping3D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<Cropping3D> layer(new Cropping3D(BaseLayerConfig::read(args, graph, {"cropping", "data_format"})));
  const Json cropping = args.take("cropping", Json::array({Json::array({1, 1}), Json::array({1, 1}), Json::array({1, 1})}));
  layer->set_data_format(args.take("data_format"));
  if ((cropping.is_number_integer() || cropping.is_boolean()) && conv_utils::to_int(cropping) < 0) {
    throw_invalid("`cropping` cannot be negative. Received: cropping=" + python::str(cropping) + ".");
  }
  const MarginMessages messages{
      "`cropping` should have 3 elements. Received: " + python::str(cropping) + ".",
      "`cropping` should be either an int, a tuple of 3 ints (symmetric_dim1_crop, symmetric_dim2_crop, "
      "symmetric_dim3_crop), or a tuple of 3 tuples of 2 ints ((left_dim1_crop, right_dim1_crop), "
      "(left_dim2_crop, right_dim2_crop), (left_dim3_crop, right_dim2_crop)). Received: " +
      python::str(cropping) + "."};
  Json nested = standardize_margins(cropping, 3, "cropping", messages);
  layer->set_cropping(nested, nested);
  return layer;
}

}  // namespace inlay::core
