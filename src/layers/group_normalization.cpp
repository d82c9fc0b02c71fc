#include "layers/group_normalization.hpp"

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

}  // namespace

std::unique_ptr<Layer> GroupNormalization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // groups is checked before Layer.__init__ reads the base arguments.
  const Json groups = args.take("groups", 32);
  if (!python::is_int(groups) || (python::int_value(groups) <= 0 && python::int_value(groups) != -1)) {
    throw_invalid("Received an invalid value for argument `groups`, expected a positive integer (or `-1` for "
                  "instance normalization). Received: groups=" + python::str(groups));
  }
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer", "beta_regularizer",
       "gamma_regularizer", "beta_constraint", "gamma_constraint"});
  std::unique_ptr<GroupNormalization> layer(new GroupNormalization(std::move(base)));
  layer->groups_ = python::int_value(groups);
  const Json axis = args.take("axis", -1);
  if (!python::is_int(axis)) {
    throw_invalid("GroupNormalization takes an int axis. Received: axis=" + python::repr(axis));
  }
  layer->axis_ = python::int_value(axis);
  layer->epsilon_ = args.take("epsilon", 1e-3);
  layer->center_json_ = args.take("center", true);
  layer->scale_json_ = args.take("scale", true);
  layer->center_ = python::truthy(layer->center_json_);
  layer->scale_ = python::truthy(layer->scale_json_);
  layer->beta_initializer_ = serialize_initializer(args.take("beta_initializer", "zeros"));
  layer->gamma_initializer_ = serialize_initializer(args.take("gamma_initializer", "ones"));
  layer->beta_regularizer_ = serialize_regularizer(args.take("beta_regularizer"));
  layer->gamma_regularizer_ = serialize_regularizer(args.take("gamma_regularizer"));
  layer->beta_constraint_ = serialize_constraint(args.take("beta_constraint"));
  layer->gamma_constraint_ = serialize_constraint(args.take("gamma_constraint"));
  return layer;
}

double GroupNormalization::epsilon() const {
  if (!epsilon_.is_number() && !epsilon_.is_boolean()) {
    throw_invalid("GroupNormalization '" + name() + "': epsilon must be a number. Received: epsilon=" +
                  python::repr(epsilon_));
  }
  return epsilon_.is_boolean() ? (epsilon_.get<bool>() ? 1.0 : 0.0) : epsilon_.get<double>();
}

std::vector<InputSpec> GroupNormalization::input_specs() const {
  if (!built()) return {};  // set by build: the rank and the channel count
  InputSpec spec;
  spec.ndim = input_rank_;
  spec.axes[static_cast<int>(axis_)] = channels_;
  return {spec};
}

void GroupNormalization::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.size() != 1) throw_invalid("GroupNormalization takes one input. Received " + std::to_string(inputs.size()));
  if (!inputs.front()->shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
  const Shape& shape = inputs.front()->shape();
  const int rank = shape.rank();
  if (axis_ >= rank || axis_ < -rank) throw_invalid("tuple index out of range");  // input_shape[self.axis]
  const int64_t dim = shape[static_cast<std::size_t>(axis_ < 0 ? axis_ + rank : axis_)];
  if (dim == kNoneDim) {
    throw_invalid("Axis " + std::to_string(axis_) + " of input tensor should have a defined dimension but the layer "
                  "received an input with shape " + shape.to_tuple_string() + ".");
  }
  const int64_t groups = groups_ == -1 ? dim : groups_;
  if (dim < groups) {
    throw_invalid("Number of groups (" + std::to_string(groups) + ") cannot be more than the number of channels (" +
                  std::to_string(dim) + ").");
  }
  if (dim % groups != 0) {
    throw_invalid("Number of groups (" + std::to_string(groups) + ") must be a multiple of the number of channels (" +
                  std::to_string(dim) + ").");
  }
  groups_ = groups;
  if (scale_) add_weight("gamma", Shape({dim}), true);
  if (center_) add_weight("beta", Shape({dim}), true);
  input_rank_ = rank;
  channels_ = dim;
}

std::vector<TypeSpec> GroupNormalization::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> GroupNormalization::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Shape& shape = inputs.front()->shape();
  const int rank = shape.rank();
  if (axis_ >= rank || axis_ < -rank) {
    throw_invalid("Axis " + std::to_string(axis_) + " is out of bounds for input shape " + shape.to_tuple_string() +
                  ". Received: axis=" + std::to_string(axis_));
  }
  return {TypeSpec::tensor(shape, base_.compute_dtype())};
}

Json GroupNormalization::get_config() const {
  Json config = base_.to_json();
  config["groups"] = groups_;
  config["axis"] = axis_;
  config["epsilon"] = epsilon_;
  config["center"] = center_json_;
  config["scale"] = scale_json_;
  config["beta_initializer"] = *beta_initializer_;
  config["gamma_initializer"] = *gamma_initializer_;
  config["beta_regularizer"] = *beta_regularizer_;
  config["gamma_regularizer"] = *gamma_regularizer_;
  config["beta_constraint"] = *beta_constraint_;
  config["gamma_constraint"] = *gamma_constraint_;
  return config;
}

}  // namespace inlay::core
