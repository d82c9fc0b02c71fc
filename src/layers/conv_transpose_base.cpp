#include "layers/conv_transpose_base.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace cu = conv_utils;

std::unique_ptr<Layer> BaseConvTranspose::create(Graph& graph, const Json& config, std::string_view class_name,
                                                 int rank, Factory make) {
  LayerArgs args(class_name, config);
  cu::require_arguments(args, {"filters", "kernel_size"});
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate", "activation",
       "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
       "kernel_constraint", "bias_constraint"});
  std::unique_ptr<BaseConvTranspose> layer = make(std::move(base));
  BaseConvTranspose& l = *layer;
  // BaseConvTranspose.__init__, in its order.
  l.filters_json_ = args.take("filters");
  l.kernel_size_json_ = cu::standardize_tuple(args.take("kernel_size"), rank, "kernel_size");
  l.strides_json_ = cu::standardize_tuple(args.take("strides", 1), rank, "strides");
  l.dilation_rate_json_ = cu::standardize_tuple(args.take("dilation_rate", 1), rank, "dilation_rate");
  l.padding_json_ = cu::standardize_padding(args.take("padding", "valid"), false);
  const Json output_padding = args.take("output_padding");
  l.output_padding_json_ =
      output_padding.is_null() ? Json(nullptr) : cu::standardize_tuple(output_padding, rank, "output_padding", true);
  l.data_format_ = cu::standardize_data_format(args.take("data_format"));
  l.activation_ = parse_activation(args.take("activation"));
  l.use_bias_json_ = args.take("use_bias", true);
  l.kernel_initializer_ = serialize_initializer(args.take("kernel_initializer", "glorot_uniform"));
  l.bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  l.kernel_regularizer_ = serialize_regularizer(args.take("kernel_regularizer"));
  l.bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  l.kernel_constraint_ = serialize_constraint(args.take("kernel_constraint"));
  l.bias_constraint_ = serialize_constraint(args.take("bias_constraint"));
  l.check_arguments();

  l.filters_ = l.filters_json_.is_null() ? 0 : cu::to_int(l.filters_json_);
  l.kernel_size_ = cu::to_ints(l.kernel_size_json_);
  l.strides_ = cu::to_ints(l.strides_json_);
  l.dilation_rate_ = cu::to_ints(l.dilation_rate_json_);
  l.output_padding_ = l.output_padding_json_.is_null() ? std::vector<int64_t>(static_cast<std::size_t>(rank), -1)
                                                       : cu::to_ints(l.output_padding_json_);
  l.padding_ = l.padding_json_.is_string() ? l.padding_json_.get<std::string>() : std::string();
  l.use_bias_ = python::truthy(l.use_bias_json_);
  return layer;
}

// BaseConvTranspose.__init__'s checks, in its order (standardize_tuple already refused zero kernel sizes
// and strides).
void BaseConvTranspose::check_arguments() const {
  if (!filters_json_.is_null() && cu::py_le_zero(filters_json_)) {
    throw_invalid("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=" +
                  python::str(filters_json_) + ".");
  }
  const auto tuple = [](const Json& t) { return python::str(t, python::Sequence::Tuple); };
  if (!output_padding_json_.is_null()) {
    for (std::size_t i = 0; i < output_padding_json_.size(); ++i) {
      if (cu::py_number(output_padding_json_[i]) >= cu::py_number(strides_json_[i])) {
        throw_invalid("`output_padding` must be strictly less than `strides` for all dimensions. At dimension " +
                      std::to_string(i) + ", `output_padding` is " + python::str(output_padding_json_[i]) +
                      " but `strides` is " + python::str(strides_json_[i]) +
                      ". Received: output_padding=" + tuple(output_padding_json_) + ", strides=" + tuple(strides_json_));
      }
    }
  }
  auto max_of = [](const Json& t) {
    double m = cu::py_number(t.front());
    for (const Json& v : t) m = std::max(m, cu::py_number(v));
    return m;
  };
  if (max_of(strides_json_) > 1 && max_of(dilation_rate_json_) > 1) {
    throw_invalid("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=" +
                  tuple(strides_json_) + " and dilation_rate=" + tuple(dilation_rate_json_));
  }
}

std::vector<InputSpec> BaseConvTranspose::input_specs() const {
  InputSpec spec;
  spec.min_ndim = rank_ + 2;
  if (spec_channels_) spec.axes[channels_first() ? 1 : -1] = *spec_channels_;
  return {spec};
}

void BaseConvTranspose::build(const std::vector<const KerasTensor*>& inputs) {
  const std::vector<int64_t>& dims = inputs.front()->shape().dims();
  const int64_t c = channels_first() ? dims[1] : dims.back();
  spec_channels_ = c == kNoneDim ? std::nullopt : std::optional<int64_t>(c);
  Json kernel_shape = kernel_size_json_;
  kernel_shape.push_back(filters_json_);
  kernel_shape.push_back(c == kNoneDim ? Json(nullptr) : Json(c));
  // add_weight: KerasVariable._validate_shape.
  Shape kernel = standardize_shape(kernel_shape);
  if (!kernel.is_fully_defined()) {
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=" +
                  kernel.to_tuple_string() + " for variable path='" + name() + "/kernel'");
  }
  input_channels_ = c;
  add_weight("kernel", std::move(kernel), base_.trainable);
  if (use_bias_) add_weight("bias", Shape({filters_}), base_.trainable);
}

std::vector<TypeSpec> BaseConvTranspose::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(class_name(), inputs, [&]() -> std::vector<TypeSpec> {
    const Shape& input_shape = inputs.front()->shape();
    if (input_shape.rank() != rank_ + 2) {  // more spatial axes than kernel_size has: an IndexError in Keras
      throw_invalid("tuple index out of range");
    }
    Shape output = cu::compute_conv_transpose_output_shape(input_shape, kernel_size_json_, filters_json_,
                                                           strides_json_, padding_json_, output_padding_json_,
                                                           data_format_, dilation_rate_json_);
    return {TypeSpec::tensor(std::move(output), base_.compute_dtype())};
  });
}

Json BaseConvTranspose::get_config() const {
  Json config = base_.to_json();
  config["filters"] = filters_json_;
  config["kernel_size"] = kernel_size_json_;
  config["strides"] = strides_json_;
  config["padding"] = padding_json_;
  config["output_padding"] = output_padding_json_;
  config["data_format"] = data_format_;
  config["dilation_rate"] = dilation_rate_json_;
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
