#include "layers/normalization.hpp"

#include <algorithm>
#include <string>

#include "layers/activation_args.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Normalization.__init__'s axis: None -> (), an int -> (axis,), else tuple(axis).
std::vector<int64_t> read_axis(const Json& axis) {
  if (axis.is_null()) return {};
  if (axis.is_number_integer()) return {axis.get<int64_t>()};
  if (axis.is_boolean()) return {axis.get<bool>() ? 1 : 0};
  if (!axis.is_array()) throw_invalid("'" + python_type_short_name(axis) + "' object is not iterable");
  std::vector<int64_t> out;
  for (const Json& item : axis) {
    if (item.is_boolean()) {
      out.push_back(item.get<bool>() ? 1 : 0);
    } else if (item.is_number_integer()) {
      out.push_back(item.get<int64_t>());
    } else {
      // Keras would fail later comparing it with ints; inlay refuses it at once.
      throw_invalid("Normalization `axis` must hold integers. Received: axis=" + python::str(axis));
    }
  }
  return out;
}

NumericArray numeric(const Json& value, const char* argument) {
  NumericArray array;
  std::string why;
  if (!read_numeric_array(value, array, why)) {
    throw_invalid(std::string("Normalization `") + argument + "` must be a number or an array of numbers; got " + why);
  }
  return array;
}

}  // namespace

std::unique_ptr<Layer> Normalization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"axis", "mean", "variance", "invert"});
  std::unique_ptr<Normalization> layer(new Normalization(std::move(base)));
  layer->axis_ = read_axis(args.take("axis", -1));
  layer->mean_json_ = args.take("mean");
  layer->variance_json_ = args.take("variance");
  layer->invert_json_ = args.take("invert", false);
  layer->invert_ = python::truthy(layer->invert_json_);
  const Json& mean = layer->mean_json_;
  const Json& variance = layer->variance_json_;
  if (mean.is_null() != variance.is_null()) {
    throw_invalid("When setting values directly, both `mean` and `variance` must be set. Received: mean=" +
                  python::str(mean) + " and variance=" + python::str(variance));
  }
  if (!mean.is_null()) {
    layer->mean_ = numeric(mean, "mean");
    layer->variance_ = numeric(variance, "variance");
    if (layer->mean_.shape != layer->variance_.shape) {
      throw_invalid("When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape " +
                    python::tuple_text(layer->mean_.shape) + " and variance shape " + python::tuple_text(layer->variance_.shape));
    }
    if (layer->mean_.shape.size() > layer->axis_.size()) {
      throw_invalid("The rank of `mean` must be less than or equal to the number of axes (" +
                    std::to_string(layer->axis_.size()) + "). Received: mean shape " + python::tuple_text(layer->mean_.shape) +
                    " for axis " + python::tuple_text(layer->axis_));
    }
  }
  return layer;
}

void Normalization::build(const std::vector<const KerasTensor*>& inputs) {
  const Shape& shape = inputs.front()->shape();
  if (!shape.has_rank()) throw_invalid("Normalization needs an input of known rank");
  const int ndim = shape.rank();
  for (int64_t a : axis_) {
    if (a < -ndim || a >= ndim) {
      throw_invalid("All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=" +
                    std::to_string(ndim) + ", while axis=" + python::tuple_text(axis_));
    }
  }
  std::vector<int> keep;
  for (int64_t a : axis_) keep.push_back(static_cast<int>(a < 0 ? a + ndim : a));
  std::sort(keep.begin(), keep.end());
  for (int d : keep) {
    if (shape[static_cast<std::size_t>(d)] == kNoneDim) {
      throw_invalid("All `axis` values to be kept must have a known shape. Received axis=" + python::tuple_text(axis_) +
                    ", inputs.shape=" + shape.to_tuple_string() + ", with unknown axis at index " + std::to_string(d));
    }
  }
  std::vector<int64_t> broadcast(static_cast<std::size_t>(ndim), 1), kept_dims;
  for (int d : keep) {
    broadcast[static_cast<std::size_t>(d)] = shape[static_cast<std::size_t>(d)];
    kept_dims.push_back(shape[static_cast<std::size_t>(d)]);
  }
  if (mean_json_.is_null()) {
    add_weight("mean", Shape(kept_dims), false);
    add_weight("variance", Shape(kept_dims), false);
    add_weight("count", Shape(std::vector<int64_t>{}), false).keras_bits = 64;  // Keras's dtype "int" (int64)
  } else if (!mean_.shape.empty()) {
    // ops.reshape(mean, expanded) then broadcast_to(broadcast shape): the mean's axes align with the last
    // kept axes and must each be 1 or the kept size.
    for (std::size_t i = 1; i <= mean_.shape.size(); ++i) {
      const int64_t m = mean_.shape[mean_.shape.size() - i];
      const int64_t want = broadcast[static_cast<std::size_t>(keep[keep.size() - i])];
      if (m != 1 && m != want) {
        throw_invalid("Normalization `mean` of shape " + python::tuple_text(mean_.shape) +
                      " cannot be broadcast to the kept axes of the input, of shape " + python::tuple_text(broadcast));
      }
    }
  }
  keep_axes_ = std::move(keep);
  input_rank_ = ndim;
  broadcast_shape_ = std::move(broadcast);
}

std::vector<TypeSpec> Normalization::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // compute_output_shape is the identity; the output takes the layer's compute dtype.
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json Normalization::get_config() const {
  Json config = base_.to_json();
  Json axis = Json::array();
  for (int64_t a : axis_) axis.push_back(a);
  config["axis"] = axis;
  config["invert"] = invert_json_;
  config["mean"] = mean_json_;
  config["variance"] = variance_json_;
  return config;
}

}  // namespace inlay::core
