#include "layers/depthwise_conv_base.hpp"

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace cu = conv_utils;

namespace {

void check_strictly_positive(const Json& value, const char* argument) {
  if (!value.is_null() && cu::py_le_zero(value)) {
    throw_invalid(std::string("Invalid value for argument `") + argument +
                  "`. Expected a strictly positive value. Received " + argument + "=" + python::str(value) + ".");
  }
}

// add_weight: KerasVariable._validate_shape.
Shape weight_shape(const Json& dims, const std::string& path) {
  Shape shape = standardize_shape(dims);
  if (!shape.is_fully_defined()) {
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=" +
                  shape.to_tuple_string() + " for variable path='" + path + "'");
  }
  return shape;
}

}  // namespace

std::unique_ptr<Layer> BaseDepthwiseConv::create(Graph& graph, const Json& config, std::string_view class_name,
                                                 int rank, bool separable, Factory make) {
  LayerArgs args(class_name, config);
  // Python binds the required positional arguments before any code runs.
  if (separable) {
    cu::require_arguments(args, {"filters", "kernel_size"});
  } else {
    cu::require_arguments(args, {"kernel_size"});
  }
  BaseLayerConfig base =
      separable ? BaseLayerConfig::read(args, graph,
                                        {"depth_multiplier", "filters", "kernel_size", "strides", "padding",
                                         "data_format", "dilation_rate", "activation", "use_bias",
                                         "depthwise_initializer", "pointwise_initializer", "bias_initializer",
                                         "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                                         "depthwise_constraint", "pointwise_constraint", "bias_constraint"})
                : BaseLayerConfig::read(args, graph,
                                        {"kernel_size", "strides", "padding", "depth_multiplier", "data_format",
                                         "dilation_rate", "activation", "use_bias", "depthwise_initializer",
                                         "bias_initializer", "depthwise_regularizer", "bias_regularizer",
                                         "depthwise_constraint", "bias_constraint"});
  std::unique_ptr<BaseDepthwiseConv> layer = make(std::move(base));
  BaseDepthwiseConv& l = *layer;
  // Base{Depthwise,Separable}Conv.__init__, in its order (the subclasses default depth_multiplier to 1).
  l.depth_multiplier_json_ = args.take("depth_multiplier", 1);
  if (separable) l.filters_json_ = args.take("filters");
  l.kernel_size_json_ = cu::standardize_tuple(args.take("kernel_size"), rank, "kernel_size");
  l.strides_json_ = cu::standardize_tuple(args.take("strides", 1), rank, "strides");
  l.dilation_rate_json_ = cu::standardize_tuple(args.take("dilation_rate", 1), rank, "dilation_rate");
  l.padding_json_ = cu::standardize_padding(args.take("padding", "valid"), false);
  l.data_format_ = cu::standardize_data_format(args.take("data_format"));
  l.activation_ = parse_activation(args.take("activation"));
  l.use_bias_json_ = args.take("use_bias", true);
  l.depthwise_initializer_ = serialize_initializer(args.take("depthwise_initializer", "glorot_uniform"));
  if (separable) l.pointwise_initializer_ = serialize_initializer(args.take("pointwise_initializer", "glorot_uniform"));
  l.bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  l.depthwise_regularizer_ = serialize_regularizer(args.take("depthwise_regularizer"));
  if (separable) l.pointwise_regularizer_ = serialize_regularizer(args.take("pointwise_regularizer"));
  l.bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  l.depthwise_constraint_ = serialize_constraint(args.take("depthwise_constraint"));
  if (separable) l.pointwise_constraint_ = serialize_constraint(args.take("pointwise_constraint"));
  l.bias_constraint_ = serialize_constraint(args.take("bias_constraint"));

  // standardize_tuple already refused zeros in kernel_size and strides, so Keras's own checks of them
  // cannot fail.
  check_strictly_positive(l.depth_multiplier_json_, "depth_multiplier");
  if (separable) check_strictly_positive(l.filters_json_, "filters");

  l.depth_multiplier_ = l.depth_multiplier_json_.is_null() ? 0 : cu::to_int(l.depth_multiplier_json_);
  l.filters_ = l.filters_json_.is_null() ? 0 : cu::to_int(l.filters_json_);
  l.kernel_size_ = cu::to_ints(l.kernel_size_json_);
  l.strides_ = cu::to_ints(l.strides_json_);
  l.dilation_rate_ = cu::to_ints(l.dilation_rate_json_);
  l.padding_ = l.padding_json_.is_string() ? l.padding_json_.get<std::string>() : std::string();
  l.use_bias_ = python::truthy(l.use_bias_json_);
  return layer;
}

std::vector<InputSpec> BaseDepthwiseConv::input_specs() const {
  InputSpec spec;
  spec.min_ndim = rank_ + 2;
  if (spec_channels_) spec.axes[channels_first() ? 1 : -1] = *spec_channels_;
  return {spec};
}

Json BaseDepthwiseConv::output_channels(const Json& channel) const {
  if (channel.is_null() || depth_multiplier_json_.is_null()) {
    throw_invalid("unsupported operand type(s) for *: '" + python::bare_type_name(depth_multiplier_json_) + "' and '" +
                  python::bare_type_name(channel) + "'");
  }
  if (depth_multiplier_json_.is_number_float()) return Json(cu::py_number(depth_multiplier_json_) * cu::py_number(channel));
  return Json(cu::to_int(depth_multiplier_json_) * channel.get<int64_t>());
}

Shape BaseDepthwiseConv::output_shape(const Shape& input_shape) const {
  const int64_t c = channels_first() ? input_shape.dims()[1] : input_shape.dims().back();
  const Json channel = c == kNoneDim ? Json(nullptr) : Json(c);
  return cu::compute_conv_output_shape(input_shape, separable_ ? filters_json_ : output_channels(channel),
                                       kernel_size_json_, strides_json_, padding_json_, data_format_,
                                       dilation_rate_json_);
}

void BaseDepthwiseConv::build(const std::vector<const KerasTensor*>& inputs) {
  const Shape& input_shape = inputs.front()->shape();
  const int64_t c = channels_first() ? input_shape.dims()[1] : input_shape.dims().back();
  // self.input_spec = InputSpec(min_ndim=rank + 2, axes={channel_axis: input_channel}) comes first.
  spec_channels_ = c == kNoneDim ? std::nullopt : std::optional<int64_t>(c);
  const Json channel = c == kNoneDim ? Json(nullptr) : Json(c);
  Json depthwise_shape = kernel_size_json_;
  depthwise_shape.push_back(channel);
  depthwise_shape.push_back(depth_multiplier_json_);
  Json pointwise_shape = Json::array();
  if (separable_) {  // computed before compute_output_shape: its TypeError on a None channel comes first
    for (int i = 0; i < rank_; ++i) pointwise_shape.push_back(1);
    pointwise_shape.push_back(output_channels(channel));
    pointwise_shape.push_back(filters_json_);
  }
  output_shape(input_shape);  // validates the input shape and that every output size is positive
  const bool trainable = base_.trainable;
  if (separable_) {
    Shape depthwise = weight_shape(depthwise_shape, name() + "/depthwise_kernel");
    add_weight("depthwise_kernel", std::move(depthwise), trainable);
    add_weight("pointwise_kernel", weight_shape(pointwise_shape, name() + "/pointwise_kernel"), trainable);
    if (use_bias_) add_weight("bias", weight_shape(Json::array({filters_json_}), name() + "/bias"), trainable);
  } else {
    add_weight("kernel", weight_shape(depthwise_shape, name() + "/kernel"), trainable);
    if (use_bias_) {
      add_weight("bias", weight_shape(Json::array({output_channels(channel)}), name() + "/bias"), trainable);
    }
  }
  input_channels_ = c;
}

std::vector<TypeSpec> BaseDepthwiseConv::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // The first call's problems were raised (unwrapped) by build; a later call on other sizes fails here,
  // inside Layer.compute_output_spec, which Keras wraps with the call's arguments.
  return wrap_call_errors(class_name(), inputs, [&]() -> std::vector<TypeSpec> {
    return {TypeSpec::tensor(output_shape(inputs.front()->shape()), base_.compute_dtype())};
  });
}

Json BaseDepthwiseConv::get_config() const {
  Json config = base_.to_json();
  config["depth_multiplier"] = depth_multiplier_json_;
  if (separable_) config["filters"] = filters_json_;
  config["kernel_size"] = kernel_size_json_;
  config["strides"] = strides_json_;
  config["padding"] = padding_json_;
  config["data_format"] = data_format_;
  config["dilation_rate"] = dilation_rate_json_;
  config["activation"] = activation_name(activation_);
  config["use_bias"] = use_bias_json_;
  config["depthwise_initializer"] = *depthwise_initializer_;
  if (separable_) config["pointwise_initializer"] = *pointwise_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  config["depthwise_regularizer"] = *depthwise_regularizer_;
  if (separable_) config["pointwise_regularizer"] = *pointwise_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  // Layer.get_config put it after dtype when one is set; dict.update keeps that place.
  config["activity_regularizer"] = base_.activity_regularizer;
  config["depthwise_constraint"] = *depthwise_constraint_;
  if (separable_) config["pointwise_constraint"] = *pointwise_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  return config;
}

}  // namespace inlay::core
