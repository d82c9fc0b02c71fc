#include "layers/conv_base.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace cu = conv_utils;

std::unique_ptr<Layer> BaseConv::create(Graph& graph, const Json& config, std::string_view class_name, int rank,
                                        Factory make) {
  LayerArgs args(class_name, config);
  cu::require_arguments(args, {"filters", "kernel_size"});
  BaseLayerConfig base =
      BaseLayerConfig::read(args, graph,
                            {"filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
                             "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
                             "bias_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha"});
  std::unique_ptr<BaseConv> layer = make(std::move(base));
  BaseConv& l = *layer;
  // BaseConv.__init__, in its order.
  l.filters_json_ = args.take("filters");
  l.groups_json_ = args.take("groups", 1);
  l.kernel_size_json_ = cu::standardize_tuple(args.take("kernel_size"), rank, "kernel_size");
  l.strides_json_ = cu::standardize_tuple(args.take("strides", 1), rank, "strides");
  l.dilation_rate_json_ = cu::standardize_tuple(args.take("dilation_rate", 1), rank, "dilation_rate");
  l.padding_json_ = cu::standardize_padding(args.take("padding", "valid"), rank == 1);
  l.data_format_ = cu::standardize_data_format(args.take("data_format"));
  l.activation_ = parse_activation(args.take("activation"));
  l.use_bias_json_ = args.take("use_bias", true);
  l.kernel_initializer_ = serialize_initializer(args.take("kernel_initializer", "glorot_uniform"));
  l.bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  l.kernel_regularizer_ = serialize_regularizer(args.take("kernel_regularizer"));
  l.bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  l.kernel_constraint_ = serialize_constraint(args.take("kernel_constraint"));
  l.bias_constraint_ = serialize_constraint(args.take("bias_constraint"));
  if (python::truthy(args.take("lora_rank"))) {
    throw Error(Status::Unsupported,
                std::string(class_name) + ": LoRA (lora_rank) is a training feature inlay does not support.");
  }
  args.take("lora_alpha");

  if (!l.filters_json_.is_null() && cu::py_le_zero(l.filters_json_)) {
    throw_invalid("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=" +
                  python::str(l.filters_json_) + ".");
  }
  if (cu::py_le_zero(l.groups_json_)) {
    throw_invalid("The number of groups must be a positive integer. Received: groups=" + python::str(l.groups_json_) +
                  ".");
  }
  if (!l.filters_json_.is_null() && cu::py_number(cu::py_mod(l.filters_json_, l.groups_json_)) != 0) {
    throw_invalid("The number of filters must be evenly divisible by the number of groups. Received: groups=" +
                  python::str(l.groups_json_) + ", filters=" + python::str(l.filters_json_) + ".");
  }
  auto max_of = [](const Json& tuple) {
    double m = cu::py_number(tuple.front());
    for (const Json& v : tuple) m = std::max(m, cu::py_number(v));
    return m;
  };
  if (max_of(l.strides_json_) > 1 && max_of(l.dilation_rate_json_) > 1) {
    throw_invalid("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=" +
                  python::str(l.strides_json_, python::Sequence::Tuple) +
                  " and dilation_rate=" + python::str(l.dilation_rate_json_, python::Sequence::Tuple));
  }

  l.filters_ = l.filters_json_.is_null() ? 0 : cu::to_int(l.filters_json_);
  l.groups_ = cu::to_int(l.groups_json_);
  l.kernel_size_ = cu::to_ints(l.kernel_size_json_);
  l.strides_ = cu::to_ints(l.strides_json_);
  l.dilation_rate_ = cu::to_ints(l.dilation_rate_json_);
  l.padding_ = l.padding_json_.is_string() ? l.padding_json_.get<std::string>() : std::string();
  l.use_bias_ = python::truthy(l.use_bias_json_);
  return layer;
}

std::vector<InputSpec> BaseConv::input_specs() const {
  InputSpec spec;
  spec.min_ndim = rank_ + 2;
  if (spec_channels_) spec.axes[channels_first() ? 1 : -1] = *spec_channels_;
  return {spec};
}

void BaseConv::build(const std::vector<const KerasTensor*>& inputs) {
  const Shape& input_shape = inputs.front()->shape();
  const std::vector<int64_t>& dims = input_shape.dims();
  const int64_t input_channel = channels_first() ? dims[1] : dims.back();
  // self.input_spec = InputSpec(min_ndim=rank + 2, axes={channel_axis: input_channel}) comes first.
  spec_channels_ = input_channel == kNoneDim ? std::nullopt : std::optional<int64_t>(input_channel);
  if (input_channel == kNoneDim) {
    throw_invalid("unsupported operand type(s) for %: 'NoneType' and '" + python::bare_type_name(groups_json_) + "'");
  }
  const Json channel(input_channel);
  if (cu::py_number(cu::py_mod(channel, groups_json_)) != 0) {
    throw_invalid("The number of input channels must be evenly divisible by the number of groups. Received groups=" +
                  python::str(groups_json_) + ", but the input has " + std::to_string(input_channel) +
                  " channels (full input shape is " + input_shape.to_tuple_string() + ").");
  }
  Json kernel_shape = kernel_size_json_;
  kernel_shape.push_back(cu::py_floordiv(channel, groups_json_));
  kernel_shape.push_back(filters_json_);
  // compute_output_shape validates the input shape and that every output size is positive.
  cu::compute_conv_output_shape(input_shape, filters_json_, kernel_size_json_, strides_json_, padding_json_,
                                data_format_, dilation_rate_json_);
  // add_weight: KerasVariable._validate_shape.
  Shape kernel = standardize_shape(kernel_shape);
  if (!kernel.is_fully_defined()) {
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=" +
                  kernel.to_tuple_string() + " for variable path='" + name() + "/kernel'");
  }
  input_channels_ = input_channel;
  // A layer made with trainable=False has non-trainable variables (Layer._track_variable).
  add_weight("kernel", std::move(kernel), base_.trainable);
  if (use_bias_) add_weight("bias", Shape({filters_}), base_.trainable);
}

std::vector<TypeSpec> BaseConv::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // The first call's problems were raised (unwrapped) by build; a later call on other spatial sizes fails
  // here, inside Layer.compute_output_spec, which Keras wraps with the call's arguments.
  return wrap_call_errors(class_name(), inputs, [&]() -> std::vector<TypeSpec> {
    Shape output = cu::compute_conv_output_shape(inputs.front()->shape(), filters_json_, kernel_size_json_,
                                                 strides_json_, padding_json_, data_format_, dilation_rate_json_);
    return {TypeSpec::tensor(std::move(output), base_.compute_dtype())};
  });
}

Json BaseConv::get_config() const {
  Json config = base_.to_json();
  config["filters"] = filters_json_;
  config["kernel_size"] = kernel_size_json_;
  config["strides"] = strides_json_;
  config["padding"] = padding_json_;
  config["data_format"] = data_format_;
  config["dilation_rate"] = dilation_rate_json_;
  config["groups"] = groups_json_;
  config["activation"] = activation_name(activation_);
  config["use_bias"] = use_bias_json_;
  config["kernel_initializer"] = *kernel_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  config["kernel_regularizer"] = *kernel_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  // Layer.get_config put it after dtype when one is set; dict.update keeps that place.
  config["activity_regularizer"] = base_.activity_regularizer;
  config["kernel_constraint"] = *kernel_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  return config;
}

}  // namespace inlay::core
