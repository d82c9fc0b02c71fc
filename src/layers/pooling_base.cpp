#include "layers/pooling_base.hpp"

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace cu = conv_utils;

std::unique_ptr<Layer> BasePooling::create(Graph& graph, const Json& config, std::string_view class_name,
                                           int pool_dimensions, const Json& default_pool_size, Factory make) {
  LayerArgs args(class_name, config);
  if (default_pool_size.is_null()) cu::require_arguments(args, {"pool_size"});
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"pool_size", "strides", "padding", "data_format"});
  std::unique_ptr<BasePooling> layer = make(std::move(base));
  BasePooling& l = *layer;
  // BasePooling.__init__, in its order.
  const Json pool_size = args.take("pool_size", default_pool_size);
  l.pool_size_json_ = cu::standardize_tuple(pool_size, pool_dimensions, "pool_size");
  Json strides = args.take("strides");
  if (strides.is_null()) strides = pool_size;
  l.strides_json_ = cu::standardize_tuple(strides, pool_dimensions, "strides", /*allow_zero=*/true);
  l.padding_json_ = args.take("padding", "valid");  // kept as given; checked when the layer is called
  l.data_format_ = cu::standardize_data_format(args.take("data_format"));

  l.pool_size_ = cu::to_ints(l.pool_size_json_);
  l.strides_ = cu::to_ints(l.strides_json_);
  l.padding_ = l.padding_json_.is_string() ? l.padding_json_.get<std::string>() : std::string();
  return layer;
}

std::vector<InputSpec> BasePooling::input_specs() const {
  InputSpec spec;
  spec.ndim = dims_ + 2;
  return {spec};
}

std::vector<TypeSpec> BasePooling::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // Errors here come out of Layer.compute_output_spec, which Keras wraps with the call's arguments.
  return wrap_call_errors(class_name(), inputs, [&]() -> std::vector<TypeSpec> {
    Shape output = cu::compute_pooling_output_shape(inputs.front()->shape(), pool_size_json_, strides_json_,
                                                    padding_json_, data_format_);
    return {TypeSpec::tensor(std::move(output), base_.compute_dtype())};
  });
}

Json BasePooling::get_config() const {
  Json config = base_.to_json();
  config["pool_size"] = pool_size_json_;
  config["padding"] = padding_json_;
  config["strides"] = strides_json_;
  config["data_format"] = data_format_;
  return config;
}

std::unique_ptr<Layer> BaseGlobalPooling::create(Graph& graph, const Json& config, std::string_view class_name,
                                                 Factory make) {
  LayerArgs args(class_name, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"data_format", "keepdims"});
  std::unique_ptr<BaseGlobalPooling> layer = make(std::move(base));
  BaseGlobalPooling& l = *layer;
  l.data_format_ = cu::standardize_data_format(args.take("data_format"));
  l.keepdims_json_ = args.take("keepdims", false);
  l.keepdims_ = python::truthy(l.keepdims_json_);
  return layer;
}

std::vector<InputSpec> BaseGlobalPooling::input_specs() const {
  InputSpec spec;
  spec.ndim = dims_ + 2;
  return {spec};
}

std::vector<TypeSpec> BaseGlobalPooling::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const std::vector<int64_t>& in = inputs.front()->shape().dims();
  const std::size_t spatial = in.size() - 2;
  std::vector<int64_t> dims{in.front()};
  if (!channels_first()) {
    if (keepdims_) dims.insert(dims.end(), spatial, 1);
    dims.push_back(in.back());
  } else {
    dims.push_back(in[1]);
    if (keepdims_) dims.insert(dims.end(), spatial, 1);
  }
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json BaseGlobalPooling::get_config() const {
  Json config = base_.to_json();
  config["data_format"] = data_format_;
  config["keepdims"] = keepdims_json_;
  return config;
}

}  // namespace inlay::core
