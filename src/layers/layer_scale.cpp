#include "layers/layer_scale.hpp"

#include "layers/call_error.hpp"
#include "layers/inferred_broadcast.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> LayerScale::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  const bool has_init = args.has("init_values"), has_dim = args.has("projection_dim");
  if (!has_init && !has_dim) {
    throw_invalid("LayerScale.__init__() missing 2 required positional arguments: 'init_values' and 'projection_dim'");
  }
  if (!has_init || !has_dim) {
    throw_invalid(std::string("LayerScale.__init__() missing 1 required positional argument: '") +
                  (has_init ? "projection_dim" : "init_values") + "'");
  }
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"init_values", "projection_dim"});
  std::unique_ptr<LayerScale> layer(new LayerScale(std::move(base)));
  layer->init_values_ = args.take("init_values");
  layer->projection_dim_json_ = args.take("projection_dim");
  const Json& dim = layer->projection_dim_json_;
  // add_weight(shape=(projection_dim,)) in build: only a non-negative int makes a weight.
  if (!dim.is_number_integer() || dim.get<int64_t>() < 0) {
    throw Error(Status::Unsupported, "LayerScale '" + layer->name() + "': projection_dim=" + python::repr(dim) +
                                         " is not a non-negative integer");
  }
  layer->projection_dim_ = dim.get<int64_t>();
  return layer;
}

void LayerScale::build(const std::vector<const KerasTensor*>& inputs) {
  (void)inputs;
  // Keras adds it without a name: it is called "variable" (path "<layer>/variable").
  add_weight("variable", Shape({projection_dim_}), base_.trainable);
}

std::vector<TypeSpec> LayerScale::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] {
    const KerasTensor& x = *inputs.front();
    if (!x.shape().has_rank()) throw Error(Status::Unsupported, "LayerScale on a tensor of unknown rank");
    // call(x) = x * gamma, traced by TensorFlow.
    const std::vector<int64_t> shape = traced_broadcast(
        x.shape().dims(), {projection_dim_}, "mul}} = Mul[T=DT_FLOAT](Placeholder, mul/ReadVariableOp", name(), kClassName);
    return std::vector<TypeSpec>{TypeSpec::tensor(Shape(shape), base_.compute_dtype())};
  });
}

Json LayerScale::get_config() const {
  Json config = base_.to_json();
  config["init_values"] = init_values_;
  config["projection_dim"] = projection_dim_json_;
  return config;
}

}  // namespace inlay::core
