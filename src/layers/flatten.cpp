#include "layers/flatten.hpp"

#include <cctype>

#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Flatten::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"data_format"});
  std::unique_ptr<Flatten> layer(new Flatten(std::move(base)));
  layer->data_format_ = conv_utils::standardize_data_format(args.take("data_format"));
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
  const DType dtype = is_floating(x.dtype()) ? base_.compute_dtype() : x.dtype();
  if (x.sparse()) return {TypeSpec::sparse(shape, dtype)};
  return {TypeSpec::tensor(shape, dtype)};
}

Json Flatten::get_config() const {
  Json config = base_.to_json();
  config["data_format"] = data_format_;
  return config;
}

}  // namespace inlay::core
