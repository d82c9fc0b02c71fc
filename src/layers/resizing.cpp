#include "layers/resizing.hpp"

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Resizing::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  conv_utils::require_arguments(args, {"height", "width"});
  std::unique_ptr<Resizing> layer(new Resizing(BaseLayerConfig::read(
      args, graph,
      {"height", "width", "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode", "fill_value",
       "antialias", "data_format", "factor", "bounding_box_format"})));
  layer->image_ = ImageLayerArgs::read(args, kClassName);
  // Keras keeps every value as given: ops.image.resize validates them when the layer runs.
  layer->height_ = args.take("height");
  layer->width_ = args.take("width");
  layer->interpolation_ = args.take("interpolation", Json("bilinear"));
  layer->data_format_ = conv_utils::standardize_data_format(args.take("data_format"));
  layer->crop_json_ = args.take("crop_to_aspect_ratio", Json(false));
  layer->pad_json_ = args.take("pad_to_aspect_ratio", Json(false));
  layer->fill_mode_ = args.take("fill_mode", Json("constant"));
  layer->fill_value_ = args.take("fill_value", Json(0.0));
  layer->antialias_ = python::truthy(args.take("antialias", Json(false)));  // bool(antialias)
  layer->crop_ = python::truthy(layer->crop_json_);
  layer->pad_ = python::truthy(layer->pad_json_);
  return layer;
}

std::vector<TypeSpec> Resizing::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  try {
    return wrap_call_errors(kClassName, inputs, [&] {
      return std::vector<TypeSpec>{TypeSpec::tensor(
          image_output_shape(inputs.front()->shape(), height_, width_, channels_first()), base_.compute_dtype())};
    });
  } catch (const Error& error) {
    rethrow_image_call_error(error);
  }
}

Json Resizing::get_config() const {
  Json config = base_.to_json();
  config["data_format"] = data_format_;
  if (!image_.bounding_box_format.is_null()) config["bounding_box_format"] = image_.bounding_box_format;
  config["height"] = height_;
  config["width"] = width_;
  config["interpolation"] = interpolation_;
  config["crop_to_aspect_ratio"] = crop_json_;
  config["pad_to_aspect_ratio"] = pad_json_;
  config["fill_mode"] = fill_mode_;
  config["fill_value"] = fill_value_;
  config["antialias"] = antialias_;
  return config;
}

}  // namespace inlay::core
