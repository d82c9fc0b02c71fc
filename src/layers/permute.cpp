#include "layers/permute.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace {

// sorted(dims) == list(range(1, len(dims) + 1)), with Python's numeric equality (True == 1, 2.0 == 2).
bool is_permutation(const Json& items) {
  std::vector<double> values;
  for (const Json& item : items) {
    if (!conv_utils::is_py_number(item)) return false;  // never equal to an int
    values.push_back(conv_utils::py_number(item));
  }
  std::sort(values.begin(), values.end());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != static_cast<double>(i + 1)) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Layer> Permute::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  conv_utils::require_arguments(args, {"dims"});
  std::unique_ptr<Permute> layer(new Permute(BaseLayerConfig::read(args, graph, {"dims"})));
  const Json dims = args.take("dims");
  layer->dims_json_ = python::tuple_items(dims);
  if (!is_permutation(layer->dims_json_)) {
    throw_invalid("Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                  "consecutive and start from 1. Received dims=" + python::str(dims));
  }
  for (const Json& d : layer->dims_json_) {
    layer->float_index_ = layer->float_index_ || d.is_number_float();
    layer->dims_.push_back(conv_utils::to_int(d));
  }
  return layer;
}

std::vector<InputSpec> Permute::input_specs() const {
  InputSpec spec;
  spec.ndim = static_cast<int>(dims_.size()) + 1;
  return {spec};
}

std::vector<TypeSpec> Permute::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> Permute::infer(const std::vector<const KerasTensor*>& inputs) const {
  if (float_index_) throw_invalid("tuple indices must be integers or slices, not float");
  const std::vector<int64_t>& in = inputs.front()->shape().dims();
  std::vector<int64_t> out = {in[0]};
  for (int64_t d : dims_) out.push_back(in[static_cast<std::size_t>(d)]);
  return {TypeSpec::tensor(Shape(std::move(out)), base_.compute_dtype())};
}

Json Permute::get_config() const {
  Json config = base_.to_json();
  config["dims"] = dims_json_;
  return config;
}

}  // namespace inlay::core
