#include "layers/layer_normalization.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

}  // namespace

std::unique_ptr<Layer> LayerNormalization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // rms_scaling is popped from the keyword arguments before Layer.__init__ sees them.
  const Json rms_scaling = args.take("rms_scaling", false);
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer", "beta_regularizer",
       "gamma_regularizer", "beta_constraint", "gamma_constraint"});
  std::unique_ptr<LayerNormalization> layer(new LayerNormalization(std::move(base)));
  const Json axis = args.take("axis", -1);
  if (!axis.is_array() && !python::is_int(axis)) {
    throw_invalid("Expected an int or a list/tuple of ints for the argument 'axis', but received: " +
                     python::repr(axis));
  }
  layer->axis_ = axis;
  layer->epsilon_ = args.take("epsilon", 1e-3);
  layer->center_json_ = args.take("center", true);
  layer->scale_json_ = args.take("scale", true);
  layer->rms_scaling_json_ = rms_scaling;
  layer->center_ = python::truthy(layer->center_json_);
  layer->scale_ = python::truthy(layer->scale_json_);
  layer->rms_scaling_ = python::truthy(rms_scaling);
  layer->beta_initializer_ = serialize_initializer(args.take("beta_initializer", "zeros"));
  layer->gamma_initializer_ = serialize_initializer(args.take("gamma_initializer", "ones"));
  layer->beta_regularizer_ = serialize_regularizer(args.take("beta_regularizer"));
  layer->gamma_regularizer_ = serialize_regularizer(args.take("gamma_regularizer"));
  layer->beta_constraint_ = serialize_constraint(args.take("beta_constraint"));
  layer->gamma_constraint_ = serialize_constraint(args.take("gamma_constraint"));
  return layer;
}

double LayerNormalization::epsilon() const {
  if (!epsilon_.is_number() && !epsilon_.is_boolean()) {
    throw_invalid("LayerNormalization '" + name() + "': epsilon must be a number. Received: epsilon=" +
                  python::repr(epsilon_));
  }
  return epsilon_.is_boolean() ? (epsilon_.get<bool>() ? 1.0 : 0.0) : epsilon_.get<double>();
}

void LayerNormalization::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.size() != 1) throw_invalid("LayerNormalization takes one input. Received " + std::to_string(inputs.size()));
  if (!inputs.front()->shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
  const Shape& shape = inputs.front()->shape();
  const auto rank = static_cast<int64_t>(shape.rank());
  // sorted(self.axis) / [self.axis], then input_shape[dim] for each: Python's indexing of the shape tuple.
  std::vector<int64_t> axes;
  if (axis_.is_array()) {
    for (const Json& a : axis_) {
      if (!python::is_int(a)) {
        const std::string type = python::type_name(a);  // "<class 'float'>"
        throw_invalid("tuple indices must be integers or slices, not " + type.substr(8, type.size() - 10));
      }
      axes.push_back(python::int_value(a));
    }
    std::sort(axes.begin(), axes.end());
  } else {
    axes.push_back(python::int_value(axis_));
  }
  std::vector<int64_t> weight_shape;
  std::vector<int> normalized;
  for (int64_t a : axes) {
    if (a >= rank || a < -rank) throw_invalid("tuple index out of range");
    const int positional = static_cast<int>(a < 0 ? a + rank : a);
    weight_shape.push_back(shape[static_cast<std::size_t>(positional)]);
    normalized.push_back(positional);
  }
  const bool has_gamma = scale_ || rms_scaling_;
  const bool has_beta = center_ && !rms_scaling_;
  if ((has_gamma || has_beta) && std::count(weight_shape.begin(), weight_shape.end(), kNoneDim) > 0) {
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: "
                  "shape=" + Shape(weight_shape).to_tuple_string() + " for variable path='" + name() + "/" +
                  (has_gamma ? "gamma" : "beta") + "'");
  }
  if (has_gamma) add_weight("gamma", Shape(weight_shape), true);
  if (has_beta) add_weight("beta", Shape(weight_shape), true);
  axis_ = Json(axes);
  normalized_axes_ = std::move(normalized);
}

std::vector<TypeSpec> LayerNormalization::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> LayerNormalization::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Shape& shape = inputs.front()->shape();
  const auto rank = static_cast<int64_t>(shape.rank());
  for (const Json& a : axis_) {  // a list once built
    const int64_t axis = python::int_value(a);
    if (axis >= rank || axis < -rank) {
      throw_invalid("Axis " + std::to_string(axis) + " is out of bounds for input shape " + shape.to_tuple_string() +
                    ". Received: axis=" + python::repr(axis_));
    }
  }
  return {TypeSpec::tensor(shape, base_.compute_dtype())};
}

Json LayerNormalization::get_config() const {
  Json config = base_.to_json();
  config["axis"] = axis_;
  config["epsilon"] = epsilon_;
  config["center"] = center_json_;
  config["scale"] = scale_json_;
  config["rms_scaling"] = rms_scaling_json_;
  config["beta_initializer"] = *beta_initializer_;
  config["gamma_initializer"] = *gamma_initializer_;
  config["beta_regularizer"] = *beta_regularizer_;
  config["gamma_regularizer"] = *gamma_regularizer_;
  config["beta_constraint"] = *beta_constraint_;
  config["gamma_constraint"] = *gamma_constraint_;
  return config;
}

}  // namespace inlay::core
