#include "layers/flatten.hpp"

#include <cctype>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// keras.backend.standardize_data_format: None -> image_data_format() ("channels_last"), otherwise
// str(value).lower(), which must be one of the two formats.
std::string standardize_data_format(const Json& value) {
  if (value.is_null()) return "channels_last";
  std::string text = python::str(value);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text != "channels_first" && text != "channels_last") {
    throw_invalid("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=" +
                  text);
  }
  return text;
}

// Keras autocasts floating inputs to the layer's compute dtype; other dtypes pass through.
bool is_float_dtype(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64 || dtype == DType::Float16 || dtype == DType::BFloat16 ||
         dtype == DType::Float8E4M3FN || dtype == DType::Float8E5M2;
}

}  // namespace

std::unique_ptr<Layer> Flatten::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"data_format"});
  std::unique_ptr<Flatten> layer(new Flatten(std::move(base)));
  layer->data_format_ = standardize_data_format(args.take("data_format"));
  return layer;
}

std::vector<InputSpec> Flatten::input_specs() const {
  InputSpec spec;
  spec.min_ndim = 1;
  return {spec};
}

std::vector<TypeSpec> Flatten::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const KerasTensor& x = *inputs.front();
  const std::vector<int64_t>& dims = x.shape().dims();
  int64_t flattened = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) {
    if (dims[i] == kNoneDim) {
      flattened = kNoneDim;
      break;
    }
  }
  if (flattened != kNoneDim) {
    flattened = Shape(std::vector<int64_t>(dims.begin() + 1, dims.end())).num_elements().value_or(kNoneDim);
  }
  const Shape shape({dims.front(), flattened});
  const DType dtype = is_float_dtype(x.dtype()) ? base_.compute_dtype() : x.dtype();
  if (x.sparse()) return {TypeSpec::sparse(shape, dtype)};
  return {TypeSpec::tensor(shape, dtype)};
}

Json Flatten::get_config() const {
  Json config = base_.to_json();
  config["data_format"] = data_format_;
  return config;
}

}  // namespace inlay::core
