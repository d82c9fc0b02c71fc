#include "layers/attention.hpp"

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Attention::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"use_scale", "score_mode", "dropout", "seed"});
  const bool use_scale = python::truthy(args.take("use_scale", false));
  std::unique_ptr<Attention> layer(new Attention(std::move(base), use_scale));
  layer->read_common(args);
  return layer;
}

void Attention::read_common(LayerArgs& args) {
  dropout_ = args.take("dropout", 0.0);
  if (!dropout_.is_number()) {
    throw Error(Status::Unsupported, std::string(class_name()) + ": dropout must be a number, got " +
                                         python::repr_prefix(dropout_, kMaxQuotedBytes));
  }
  seed_ = args.take("seed");
  const Json score_mode = args.take("score_mode", "dot");
  if (score_mode != "dot" && score_mode != "concat") {
    throw_invalid("Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=" +
                  python::str_prefix(score_mode, kMaxQuotedBytes));
  }
  score_mode_ = score_mode.get<std::string>();
}

void Attention::validate_inputs(const std::vector<const KerasTensor*>& inputs) const {
  const std::string name(class_name());
  if (inputs.size() == 1) {
    throw_invalid(name + " layer must be called on a list of inputs, namely [query, value] or [query, value, key]. "
                  "Received: inputs=" + inputs.front()->shape().to_tuple_string() + ".");
  }
  if (inputs.size() < 2 || inputs.size() > 3) {
    throw_invalid(name + " layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, "
                  "key]. Received length: " + std::to_string(inputs.size()) + ".");
  }
  for (const KerasTensor* x : inputs) {
    if (!x->shape().has_rank() || x->shape().rank() < 3) {
      throw Error(Status::Unsupported, name + ": inputs of rank 3 or more ((batch, steps, features)) are supported, "
                                              "got " + x->shape().to_tuple_string());
    }
  }
}

void Attention::build(const std::vector<const KerasTensor*>& inputs) {
  validate_inputs(inputs);
  if (use_scale_) add_weight("scale", Shape(std::vector<int64_t>{}), base_.trainable);
  if (concat_scores()) add_weight("concat_score_weight", Shape(std::vector<int64_t>{}), base_.trainable);
}

// compute_output_shape: (*query_shape[:-1], value_shape[-1]).
std::vector<TypeSpec> Attention::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(class_name(), inputs, [&] {
    validate_inputs(inputs);
    std::vector<int64_t> dims = inputs[0]->shape().dims();
    dims.back() = inputs[1]->shape().dims().back();
    return std::vector<TypeSpec>{TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
  });
}

Json Attention::get_config() const {
  Json config = base_.to_json();
  config["use_scale"] = use_scale_;
  config["score_mode"] = score_mode_;
  config["dropout"] = dropout_;
  config["seed"] = seed_;
  return config;
}

}  // namespace inlay::core
