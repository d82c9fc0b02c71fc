#include "layers/dense.hpp"

#include "layers/quantized_config.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Dense::from_config(Graph& graph, const Json& given) {
  // A quantized policy is read here; the float reader below sees the policy it was quantized from.
  Quantization quantization = read_quantization(kClassName, given);
  const Json config = with_source_dtype(given, quantization);
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
       "bias_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha", "quantization_config"});
  std::unique_ptr<Dense> layer(new Dense(std::move(base)));
  layer->units_arg_ = args.require("units");
  layer->units_ = positive_int(layer->units_arg_, "units");
  layer->activation_ = parse_activation(args.take("activation"));
  layer->use_bias_ = python::truthy(args.take("use_bias", true));
  layer->kernel_initializer_ = serialize_initializer(args.take("kernel_initializer", "glorot_uniform"));
  layer->bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  layer->kernel_regularizer_ = serialize_regularizer(args.take("kernel_regularizer"));
  layer->bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  layer->kernel_constraint_ = serialize_constraint(args.take("kernel_constraint"));
  layer->bias_constraint_ = serialize_constraint(args.take("bias_constraint"));
  const Json lora_rank = args.take("lora_rank");
  if (!lora_rank.is_null()) {
    throw Error(Status::Unsupported, "Dense: LoRA (lora_rank) is a training feature inlay does not support.");
  }
  args.take("lora_alpha");
  layer->quantization_config_ = quantization_config_as_keras_gives_it(args.take("quantization_config"));
  layer->quantization_ = std::move(quantization);
  return layer;
}

std::vector<InputSpec> Dense::input_specs() const {
  InputSpec spec;
  spec.min_ndim = 2;
  if (built()) spec.axes[-1] = input_dim_;
  return {spec};
}

void Dense::build(const std::vector<const KerasTensor*>& inputs) {
  const int64_t input_dim = inputs.front()->shape().dims().back();
  input_dim_ = input_dim;
  if (quantization_.quantized()) return build_quantized(input_dim);
  // A None last axis fails in add_weight, with Keras's message. A frozen layer's weights are not trainable.
  add_weight("kernel", Shape({input_dim, units_}), base_.trainable);
  if (use_bias_) add_weight("bias", Shape({units_}), base_.trainable);
}

// Keras's variables of a quantized Dense, in the order it saves them (Dense.variable_serialization_spec).
void Dense::build_quantized(int64_t input_dim) {
  const bool trainable = base_.trainable;
  auto integers = [this](const char* name, Shape shape) { add_weight(name, std::move(shape), false).keras_bits = 8; };
  auto add_variables = [this](const std::vector<QuantizedVariable>& variables) {
    for (const QuantizedVariable& v : variables) add_weight(v.name, v.shape, v.trainable).keras_bits = v.keras_bits;
  };
  switch (quantization_.mode) {
    case QuantizationMode::Int8:
      integers("kernel", Shape({input_dim, units_}));
      if (use_bias_) add_weight("bias", Shape({units_}), trainable);
      add_weight("kernel_scale", Shape({units_}), false);
      return;
    case QuantizationMode::Int4: {
      // Two int4 values per byte along the units axis; a scale per unit, or per (block of inputs, unit).
      integers("kernel", quantization_.int4_packed_along_inputs ? Shape({(input_dim + 1) / 2, units_})
                                                                 : Shape({input_dim, (units_ + 1) / 2}));
      if (use_bias_) add_weight("bias", Shape({units_}), trainable);
      add_variables(int4_scale_variables(input_dim, units_, quantization_.block_size));
      return;
    }
    case QuantizationMode::Float8:
      add_weight("kernel", Shape({input_dim, units_}), trainable);
      if (use_bias_) add_weight("bias", Shape({units_}), trainable);
      add_variables(float8_variables(quantization_.amax_history_length));
      return;
    case QuantizationMode::None: break;
  }
}

std::vector<TypeSpec> Dense::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  std::vector<int64_t> dims = inputs.front()->shape().dims();
  dims.back() = units_;
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json Dense::get_config() const {
  Json config = base_.to_json();
  config["units"] = units_arg_;  // as given: Keras keeps units=True as True
  config["activation"] = activation_name(activation_);
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = *kernel_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  config["kernel_regularizer"] = *kernel_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  config["kernel_constraint"] = *kernel_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  config["quantization_config"] = quantization_config_;
  if (quantization_.quantized()) config["dtype"] = quantization_.policy;
  return config;
}

}  // namespace inlay::core
