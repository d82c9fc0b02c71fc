#include "layers/rms_normalization.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// input_shape[dim]'s TypeError for a non-int index.
[[noreturn]] void bad_index(const Json& value) {
  const std::string type = python::type_name(value);  // "<class 'float'>"
  throw_invalid("tuple indices must be integers or slices, not " + type.substr(8, type.size() - 10));
}

}  // namespace

std::unique_ptr<Layer> RMSNormalization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"axis", "epsilon"});
  std::unique_ptr<RMSNormalization> layer(new RMSNormalization(std::move(base)));
  layer->axis_ = args.take("axis", -1);
  layer->epsilon_ = args.take("epsilon", 1e-6);
  return layer;
}

double RMSNormalization::epsilon() const {
  if (!epsilon_.is_number() && !epsilon_.is_boolean()) {
    throw_invalid("RMSNormalization '" + name() + "': epsilon must be a number. Received: epsilon=" +
                  python::repr(epsilon_));
  }
  return epsilon_.is_boolean() ? (epsilon_.get<bool>() ? 1.0 : 0.0) : epsilon_.get<double>();
}

void RMSNormalization::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.size() != 1) throw_invalid("RMSNormalization takes one input. Received " + std::to_string(inputs.size()));
  if (!inputs.front()->shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
  const Shape& shape = inputs.front()->shape();
  const auto rank = static_cast<int64_t>(shape.rank());
  std::vector<int64_t> axes;
  if (axis_.is_array()) {
    for (const Json& a : axis_) {
      if (!python::is_int(a)) bad_index(a);
      axes.push_back(python::int_value(a));
    }
    std::sort(axes.begin(), axes.end());
  } else {
    if (!python::is_int(axis_)) bad_index(axis_);
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
  if (std::count(weight_shape.begin(), weight_shape.end(), kNoneDim) > 0) {
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: "
                  "shape=" + Shape(weight_shape).to_tuple_string() + " for variable path='" + name() + "/scale'");
  }
  add_weight("scale", Shape(weight_shape), true);
  axis_ = Json(axes);
  normalized_axes_ = std::move(normalized);
}

std::vector<TypeSpec> RMSNormalization::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> RMSNormalization::infer(const std::vector<const KerasTensor*>& inputs) const {
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

Json RMSNormalization::get_config() const {
  Json config = base_.to_json();
  config["axis"] = axis_;
  config["epsilon"] = epsilon_;
  return config;
}

}  // namespace inlay::core
