#include "layers/custom_scale_layer.hpp"

#include "layers/call_error.hpp"
#include "layers/inferred_broadcast.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> CustomScaleLayer::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  if (!args.has("scale")) throw_invalid("CustomScaleLayer.__init__() missing 1 required positional argument: 'scale'");
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"scale"});
  std::unique_ptr<CustomScaleLayer> layer(new CustomScaleLayer(std::move(base)));
  layer->scale_json_ = args.take("scale");
  // Keras keeps any value; only a number scales a tensor.
  if (!layer->scale_json_.is_number()) {
    throw Error(Status::Unsupported, "CustomScaleLayer '" + layer->name() + "': scale=" +
                                         python::repr(layer->scale_json_) + " is not a number");
  }
  layer->scale_ = layer->scale_json_.get<double>();
  return layer;
}

std::vector<TypeSpec> CustomScaleLayer::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] {
    // call(inputs) indexes inputs[0] and inputs[1]: a call on one tensor indexes its first axis instead,
    // which inlay does not model.
    if (inputs.size() != 2) {
      throw Error(Status::Unsupported, "CustomScaleLayer '" + name() + "' takes a list of two tensors, got " +
                                           std::to_string(inputs.size()));
    }
    for (const KerasTensor* x : inputs) {
      if (!x->shape().has_rank()) throw Error(Status::Unsupported, "CustomScaleLayer on a tensor of unknown rank");
    }
    // call(inputs) = inputs[0] + inputs[1] * scale, traced by TensorFlow (the product keeps inputs[1]'s shape).
    const std::vector<int64_t> shape =
        traced_broadcast(inputs[0]->shape().dims(), inputs[1]->shape().dims(),
                         "add}} = AddV2[T=DT_FLOAT](Placeholder, mul", name(), kClassName);
    return std::vector<TypeSpec>{TypeSpec::tensor(Shape(shape), base_.compute_dtype())};
  });
}

Json CustomScaleLayer::get_config() const {
  Json config = base_.to_json();
  config["scale"] = scale_json_;
  return config;
}

}  // namespace inlay::core
