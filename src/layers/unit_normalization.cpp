#include "layers/unit_normalization.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

}  // namespace

std::unique_ptr<Layer> UnitNormalization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"axis"});
  std::unique_ptr<UnitNormalization> layer(new UnitNormalization(std::move(base)));
  const Json axis = args.take("axis", -1);
  if (!axis.is_array() && !python::is_int(axis)) {
    throw_invalid("Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis=" +
                  python::str(axis));
  }
  layer->axis_ = axis;
  return layer;
}

std::vector<int> UnitNormalization::normalized_axes(int rank) const {
  std::vector<int> axes;
  const Json list = axis_.is_array() ? axis_ : Json::array({axis_});
  for (const Json& a : list) {
    if (!python::is_int(a)) throw_invalid("UnitNormalization '" + name() + "': axis entries must be integers");
    const int64_t axis = python::int_value(a);
    if (axis >= rank || axis < -rank) throw_invalid("UnitNormalization '" + name() + "': axis out of range");
    axes.push_back(static_cast<int>(axis < 0 ? axis + rank : axis));
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

std::vector<TypeSpec> UnitNormalization::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> UnitNormalization::infer(const std::vector<const KerasTensor*>& inputs) const {
  if (inputs.size() != 1) throw_invalid("UnitNormalization takes one input. Received " + std::to_string(inputs.size()));
  const Shape& shape = inputs.front()->shape();
  if (!shape.has_rank()) throw_invalid("Undefined shapes are not supported.");
  const int64_t rank = shape.rank();
  const Json list = axis_.is_array() ? axis_ : Json::array({axis_});
  for (const Json& a : list) {
    if (!python::is_int(a)) {
      const std::string type = python::type_name(a);  // "<class 'float'>"
      throw_invalid("'>=' not supported between instances of '" + type.substr(8, type.size() - 10) + "' and 'int'");
    }
    const int64_t axis = python::int_value(a);
    if (axis >= rank || axis < -rank) {
      throw_invalid("Axis " + python::str(axis_) + " is out of bounds for input shape " + shape.to_tuple_string() + ".");
    }
  }
  return {TypeSpec::tensor(shape, base_.compute_dtype())};
}

Json UnitNormalization::get_config() const {
  Json config = base_.to_json();
  config["axis"] = axis_;
  return config;
}

}  // namespace inlay::core
