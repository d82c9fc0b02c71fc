#include "layers/center_crop.hpp"

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"

namespace inlay::core {

std::unique_ptr<Layer> CenterCrop::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  conv_utils::require_arguments(args, {"height", "width"});
  std::unique_ptr<CenterCrop> layer(new CenterCrop(
      BaseLayerConfig::read(args, graph, {"height", "width", "data_format", "factor", "bounding_box_format"})));
  layer->image_ = ImageLayerArgs::read(args, kClassName);
  layer->data_format_ = conv_utils::standardize_data_format(args.take("data_format"));
  layer->height_ = args.take("height");
  layer->width_ = args.take("width");
  return layer;
}

std::vector<TypeSpec> CenterCrop::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const auto infer = [&] {
    const Shape& input = inputs.front()->shape();
    if (input.rank() != 3 && input.rank() != 4) {
      throw_invalid("`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 "
                    "(batched). ");
    }
    return std::vector<TypeSpec>{
        TypeSpec::tensor(image_output_shape(input, height_, width_, channels_first()), base_.compute_dtype())};
  };
  try {
    return wrap_call_errors(kClassName, inputs, infer);
  } catch (const Error& error) {
    rethrow_image_call_error(error);
  }
}

Json CenterCrop::get_config() const {
  Json config = base_.to_json();
  config["data_format"] = data_format_;
  if (!image_.bounding_box_format.is_null()) config["bounding_box_format"] = image_.bounding_box_format;
  config["height"] = height_;
  config["width"] = width_;
  return config;
}

}  // namespace inlay::core
