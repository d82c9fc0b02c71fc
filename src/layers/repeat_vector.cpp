#include "layers/repeat_vector.hpp"

#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> RepeatVector::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  conv_utils::require_arguments(args, {"n"});
  std::unique_ptr<RepeatVector> layer(new RepeatVector(BaseLayerConfig::read(args, graph, {"n"})));
  const Json n = args.take("n");
  // isinstance(n, int) and not a bool, then n > 0.
  if (!n.is_number_integer()) throw_invalid("Expected an integer value for `n`, got " + python::type_name(n) + ".");
  if (conv_utils::to_int(n) <= 0) throw_invalid("Argument `n` should be a positive integer. Received: n=" + python::str(n));
  layer->n_ = conv_utils::to_int(n);
  return layer;
}

std::vector<InputSpec> RepeatVector::input_specs() const {
  InputSpec spec;
  spec.ndim = 2;
  return {spec};
}

std::vector<TypeSpec> RepeatVector::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const std::vector<int64_t>& in = inputs.front()->shape().dims();
  return {TypeSpec::tensor(Shape({in[0], n_, in[1]}), base_.compute_dtype())};
}

Json RepeatVector::get_config() const {
  Json config = base_.to_json();
  config["n"] = n_;
  return config;
}

}  // namespace inlay::core
