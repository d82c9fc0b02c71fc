#include "layers/image_resize_args.hpp"

#include "layers/spatial_margins.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

ImageLayerArgs ImageLayerArgs::read(LayerArgs& args, std::string_view class_name) {
  ImageLayerArgs out;
  out.bounding_box_format = args.take("bounding_box_format");
  const Json factor = args.take("factor");
  if (!factor.is_null()) {
    throw_invalid("Layer " + std::string(class_name) + " does not take a `factor` argument. Received: factor=" +
                  python::str(factor));
  }
  return out;
}

Shape image_output_shape(const Shape& input, const Json& height, const Json& width, bool channels_first) {
  const std::vector<int64_t>& dims = input.dims();
  // Rank 4: (batch, H, W, C) or (batch, C, H, W); any other rank is taken as an unbatched image.
  const std::size_t h_axis = dims.size() == 4 ? (channels_first ? 2 : 1) : (channels_first ? 1 : 0);
  if (h_axis + 1 >= dims.size()) throw_invalid("list assignment index out of range");
  Json shape = Json::array();
  for (int64_t d : dims) shape.push_back(d == kNoneDim ? Json() : Json(d));
  shape[h_axis] = height;
  shape[h_axis + 1] = width;
  check_output_shape(shape);
  std::vector<int64_t> out = dims;
  for (std::size_t axis : {h_axis, h_axis + 1}) {
    const Json& d = shape[axis];
    if (d.is_null()) {
      out[axis] = kNoneDim;
    } else if (d.is_number_integer()) {
      out[axis] = d.get<int64_t>();
    } else {
      // standardize_shape: only ints (and None) are dimensions.
      throw_invalid("Cannot convert '" + python::repr(shape, python::Sequence::Tuple) + "' to a shape. Found invalid "
                    "dimension '" + python::repr(d) + "' of type '" + python::type_name(d) + "'. ");
    }
  }
  return Shape(std::move(out));
}

void rethrow_image_call_error(const Error& error) {
  static constexpr std::string_view kEmpty = "kwargs=<class 'inspect._empty'>";
  std::string message = error.what();
  const std::size_t at = message.rfind(kEmpty);
  if (at != std::string::npos) message.replace(at, kEmpty.size(), "kwargs={'training': 'True'}");
  throw Error(error.status(), message);
}

}  // namespace inlay::core
