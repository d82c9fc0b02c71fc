#include "layers/dot.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Python's a % n for n > 0.
int64_t modulo(int64_t a, int64_t n) { return ((a % n) + n) % n; }

// Python's shape[i] on a tuple of `rank` dims: IndexError when out of range.
int64_t python_index(int64_t i, int64_t rank, const char* message) {
  if (i >= rank || i < -rank) throw_invalid(message);
  return i < 0 ? i + rank : i;
}

}  // namespace

std::unique_ptr<Layer> Dot::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"axes", "normalize"});
  const Json axes = args.require("axes");
  if (!python::is_int(axes)) {
    if (!axes.is_array()) {
      throw_invalid("Invalid type for argument `axes`: it should be a list or an int. Received: axes=" +
                    python::str(axes));
    }
    if (axes.size() != 2) {
      throw_invalid("Invalid format for argument `axes`: it should contain two elements. Received: axes=" +
                    python::str(axes));
    }
    if (!python::is_int(axes[0]) || !python::is_int(axes[1])) {
      throw_invalid("Invalid format for argument `axes`: list elements should be integers. Received: axes=" +
                    python::str(axes));
    }
  }
  std::unique_ptr<Dot> layer(new Dot(std::move(base)));
  layer->axes_json_ = axes;
  layer->normalize_json_ = args.take("normalize", false);
  layer->normalize_ = python::truthy(layer->normalize_json_);
  return layer;
}

std::array<int64_t, 2> Dot::shape_axes(int64_t rank1, int64_t rank2) const {
  if (axes_json_.is_array()) return {python::int_value(axes_json_[0]), python::int_value(axes_json_[1])};
  const int64_t axes = python::int_value(axes_json_);
  if (axes < 0) return {modulo(axes, rank1), modulo(axes, rank2)};
  return {axes, axes};
}

std::array<int64_t, 2> Dot::resolved_axes(int64_t rank1, int64_t rank2) const {
  std::array<int64_t, 2> axes = shape_axes(rank1, rank2);
  if (axes[0] < 0) axes[0] = modulo(axes[0], rank1);
  if (axes[1] < 0) axes[1] = modulo(axes[1], rank2);
  return axes;
}

void Dot::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.empty()) throw_invalid("'NoneType' object is not subscriptable");  // what Keras does with []
  const std::vector<std::vector<int64_t>> shapes = input_shapes(inputs);
  if (single_tensor(inputs)) {
    if (shapes.front().empty()) throw_invalid("tuple index out of range");
    throw_invalid("A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=" +
                  Shape(shapes.front()).to_tuple_string());
  }
  if (inputs.size() != 2) {
    throw_invalid("A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=" + shapes_repr(shapes));
  }
  const auto rank1 = static_cast<int64_t>(shapes[0].size());
  const auto rank2 = static_cast<int64_t>(shapes[1].size());
  const std::array<int64_t, 2> axes = shape_axes(rank1, rank2);
  const int64_t d1 = shapes[0][static_cast<std::size_t>(python_index(axes[0], rank1, "tuple index out of range"))];
  const int64_t d2 = shapes[1][static_cast<std::size_t>(python_index(axes[1], rank2, "tuple index out of range"))];
  if (d1 != d2) {
    const auto dim = [](int64_t d) { return d == kNoneDim ? std::string("None") : std::to_string(d); };
    throw_invalid("Incompatible input shapes: axis values " + dim(d1) + " (at axis " + std::to_string(axes[0]) +
                  ") != " + dim(d2) + " (at axis " + std::to_string(axes[1]) +
                  "). Full input shapes: " + Shape(shapes[0]).to_tuple_string() + ", " +
                  Shape(shapes[1]).to_tuple_string());
  }
}

std::vector<TypeSpec> Dot::infer(const std::vector<const KerasTensor*>& inputs) const {
  check_list_call(inputs);
  const std::vector<std::vector<int64_t>> shapes = input_shapes(inputs);
  if (shapes.size() != 2) {
    throw_invalid("A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=" + shapes_repr(shapes));
  }
  std::vector<int64_t> shape1 = shapes[0], shape2 = shapes[1];
  const std::array<int64_t, 2> axes =
      shape_axes(static_cast<int64_t>(shape1.size()), static_cast<int64_t>(shape2.size()));
  const int64_t a0 = python_index(axes[0], static_cast<int64_t>(shape1.size()), "pop index out of range");
  shape1.erase(shape1.begin() + a0);
  const int64_t a1 = python_index(axes[1], static_cast<int64_t>(shape2.size()), "pop index out of range");
  shape2.erase(shape2.begin() + a1);
  if (shape2.empty()) throw_invalid("pop from empty list");
  shape2.erase(shape2.begin());
  std::vector<int64_t> output = shape1;
  output.insert(output.end(), shape2.begin(), shape2.end());
  if (output.size() == 1) output.push_back(1);
  bool all_sparse = true;
  for (const KerasTensor* x : inputs) all_sparse = all_sparse && x->sparse();
  const Shape shape(std::move(output));
  if (all_sparse) return {TypeSpec::sparse(shape, base().compute_dtype())};
  return {TypeSpec::tensor(shape, base().compute_dtype())};
}

Json Dot::get_config() const {
  Json config = base().to_json();
  config["axes"] = axes_json_;
  config["normalize"] = normalize_json_;
  return config;
}

}  // namespace inlay::core
