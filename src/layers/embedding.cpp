#include "layers/embedding.hpp"

#include <string>

#include "layers/quantized_config.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Embedding.__init__'s check, made before Layer.__init__ (no auto-name is taken): an int that is not a bool,
// > 0.
int64_t positive_dim(const Json& value, const char* argument) {
  if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
    throw_invalid(std::string("`") + argument + "` must be a positive integer. Received: " + argument + "=" +
                  python::str(value) + " (of type " + python::bare_type_name(value) + ").");
  }
  return value.get<int64_t>();
}

}  // namespace

std::unique_ptr<Layer> Embedding::from_config(Graph& graph, const Json& given) {
  // A quantized policy is read here; the float reader below sees the policy it was quantized from.
  Quantization quantization = read_quantization(kClassName, given);
  const Json config = with_source_dtype(given, quantization);
  // input_dim is Embedding's vocabulary size, not Layer.__init__'s input_dim (an input shape): the base
  // config is read without it.
  Json rest = config;
  LayerArgs positional(kClassName, config);
  const Json input_dim = positional.require("input_dim");
  const Json output_dim = positional.require("output_dim");
  const int64_t in_dim = positive_dim(input_dim, "input_dim");
  const int64_t out_dim = positive_dim(output_dim, "output_dim");
  if (rest.is_object()) {
    rest.erase("input_dim");
    rest.erase("output_dim");
    // tf.keras's input_length: Keras 3 pops it (with a deprecation warning) before Layer.__init__.
    rest.erase("input_length");
  }
  LayerArgs args(kClassName, rest);
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero", "weights",
       "lora_rank", "lora_alpha", "quantization_config"});
  std::unique_ptr<Embedding> layer(new Embedding(std::move(base)));
  layer->input_dim_ = in_dim;
  layer->output_dim_ = out_dim;
  layer->embeddings_initializer_ = serialize_initializer(args.take("embeddings_initializer", "uniform"));
  layer->embeddings_regularizer_ = serialize_regularizer(args.take("embeddings_regularizer"));
  layer->embeddings_constraint_ = serialize_constraint(args.take("embeddings_constraint"));
  layer->mask_zero_arg_ = args.take("mask_zero", false);
  layer->mask_zero_ = python::truthy(layer->mask_zero_arg_);
  const Json lora_rank = args.take("lora_rank");
  if (python::truthy(lora_rank)) {
    throw Error(Status::Unsupported, "Embedding: LoRA (lora_rank) is a training feature inlay does not support.");
  }
  args.take("lora_alpha");
  layer->quantization_config_ = quantization_config_as_keras_gives_it(args.take("quantization_config"));
  layer->quantization_ = std::move(quantization);
  const Json weights = args.take("weights");
  if (!weights.is_null()) {
    // Keras builds the layer at construction and sets these values (they are not part of the config).
    layer->add_embeddings();
    layer->set_initial_weights(weights);
  }
  return layer;
}

void Embedding::add_embeddings() {
  if (!weights().empty()) return;
  switch (quantization_.mode) {
    case QuantizationMode::None:
    case QuantizationMode::Float8:  // refused by read_quantization
      add_weight("embeddings", Shape({input_dim_, output_dim_}), base_.trainable);
      return;
    case QuantizationMode::Int8:
      add_weight("embeddings", Shape({input_dim_, output_dim_}), false).keras_bits = 8;
      add_weight("embeddings_scale", Shape({input_dim_}), false);
      return;
    case QuantizationMode::Int4: {
      // Keras's variables in the order it saves them: two int4 values per byte along output_dim; a scale
      // per row, or per (row, block of output_dim) with a zero point each.
      add_weight("embeddings", Shape({input_dim_, (output_dim_ + 1) / 2}), false).keras_bits = 8;
      const int64_t block = quantization_.block_size;
      const Shape scale_shape = block > 0 ? Shape({input_dim_, (output_dim_ + block - 1) / block}) : Shape({input_dim_});
      add_weight("embeddings_scale", scale_shape, false);
      if (block > 0) {
        add_weight("embeddings_zero", scale_shape, false).keras_bits = 8;
        add_weight("g_idx", Shape({output_dim_}), false);
      }
      return;
    }
  }
}

// Keras builds the layer and calls set_weights(weights) (a value that is not a one-element list wrapped in
// one), which compares each value's .shape with its variable's: a config holds JSON, never an array with a
// shape, so this always fails, with the AttributeError Keras raises.
void Embedding::set_initial_weights(const Json& weights) {
  const Json& value = weights.is_array() && weights.size() == 1 ? weights[0] : weights;
  throw_invalid("'" + python::bare_type_name(value) + "' object has no attribute 'shape'");
}

void Embedding::build(const std::vector<const KerasTensor*>& inputs) {
  (void)inputs;
  add_embeddings();
}

std::vector<TypeSpec> Embedding::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const Shape& in = inputs.front()->shape();
  if (!in.has_rank()) return {TypeSpec::tensor(Shape::unknown(), base_.compute_dtype())};
  std::vector<int64_t> dims = in.dims();
  dims.push_back(output_dim_);
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json Embedding::get_config() const {
  Json config = base_.to_json();
  config["input_dim"] = input_dim_;
  config["output_dim"] = output_dim_;
  config["embeddings_initializer"] = *embeddings_initializer_;
  config["embeddings_regularizer"] = *embeddings_regularizer_;
  config["activity_regularizer"] = base_.activity_regularizer;
  config["embeddings_constraint"] = *embeddings_constraint_;
  config["mask_zero"] = mask_zero_arg_;
  config["quantization_config"] = quantization_config_;
  if (quantization_.quantized()) config["dtype"] = quantization_.policy;
  return config;
}

}  // namespace inlay::core
