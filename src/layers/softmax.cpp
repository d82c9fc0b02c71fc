#include "layers/softmax.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Softmax::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"axis"});
  std::unique_ptr<Softmax> layer(new Softmax(std::move(base)));
  layer->axis_json_ = args.take("axis", -1);
  const Json& axis = layer->axis_json_;
  // Keras keeps any value and fails when it runs; inlay needs integer axes to run it.
  const auto integer = [&](const Json& item) {
    if (!item.is_number_integer()) throw_invalid("Softmax `axis` must be an integer or a list of integers. Received: axis=" + python::str(axis));
    return item.get<int64_t>();
  };
  layer->axes_.clear();
  if (axis.is_array()) {
    for (const Json& item : axis) layer->axes_.push_back(integer(item));
  } else {
    layer->axes_.push_back(integer(axis));
  }
  return layer;
}

std::vector<TypeSpec> Softmax::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json Softmax::get_config() const {
  Json config = base_.to_json();
  config["axis"] = axis_json_;
  return config;
}

}  // namespace inlay::core
