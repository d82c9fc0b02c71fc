#include "layers/concatenate.hpp"

#include <set>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// A Python index into a sequence of `size` items; nullopt when out of range.
std::optional<std::size_t> python_index(int64_t index, std::size_t size) {
  const auto n = static_cast<int64_t>(size);
  if (index >= n || index < -n) return std::nullopt;
  return static_cast<std::size_t>(index < 0 ? index + n : index);
}

}  // namespace

std::unique_ptr<Layer> Concatenate::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"axis"});
  std::unique_ptr<Concatenate> layer(new Concatenate(std::move(base)));
  layer->axis_ = args.take("axis", -1);
  return layer;
}

int64_t Concatenate::axis() const {
  if (axis_.is_boolean()) return axis_.get<bool>() ? 1 : 0;
  if (axis_.is_number_integer()) return axis_.get<int64_t>();
  return -1;
}

void Concatenate::check_int_axis() const {
  if (python::is_int(axis_)) return;
  if (axis_.is_number_float()) throw_invalid("list indices must be integers or slices, not float");
  if (axis_.is_string()) {
    // `self.axis % n` formats the string; then `len(shape) > self.axis` compares an int with it.
    if (axis_.get<std::string>().find('%') != std::string::npos) {
      throw_invalid("'>' not supported between instances of 'int' and 'str'");
    }
    throw_invalid("not all arguments converted during string formatting");
  }
  // Keras tracks list and dict attributes in its own containers.
  const char* type = axis_.is_array() ? "TrackedList" : axis_.is_object() ? "TrackedDict" : "NoneType";
  throw_invalid(std::string("unsupported operand type(s) for %: '") + type + "' and 'int'");
}

// Concatenate.build: used purely for shape validation.
void Concatenate::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.empty()) throw_invalid("object of type 'NoneType' has no len()");  // what Keras does with []
  const std::vector<std::vector<int64_t>> shapes = input_shapes(inputs);
  if (single_tensor(inputs)) {
    throw_invalid("A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=" +
                  Shape(shapes.front()).to_tuple_string());
  }
  if (!axis_.is_number_float()) check_int_axis();
  const int64_t concat_axis = axis();
  std::set<std::vector<int64_t>> shape_set;
  for (const auto& shape : shapes) {
    if (shape.empty()) throw_invalid(axis_.is_number_float() ? "float modulo" : "integer modulo by zero");
    std::vector<int64_t> reduced = shape;
    // A float axis only fails where it is used as an index.
    if (axis_.is_number_float()) {
      if (static_cast<double>(reduced.size()) > axis_.get<double>()) check_int_axis();
      shape_set.insert(std::move(reduced));
      continue;
    }
    // `if len(shape) > self.axis: del shape[self.axis]`: a positive axis past the end removes nothing.
    if (static_cast<int64_t>(reduced.size()) > concat_axis) {
      const auto index = python_index(concat_axis, reduced.size());
      if (!index) throw_invalid("list assignment index out of range");
      reduced.erase(reduced.begin() + static_cast<std::ptrdiff_t>(*index));
    }
    shape_set.insert(std::move(reduced));
  }
  if (shape_set.size() == 1) return;
  const std::string message =
      "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: "
      "input_shape=" + shapes_repr(shapes);
  std::set<std::size_t> ranks;
  for (const auto& shape : shape_set) ranks.insert(shape.size());
  if (ranks.size() != 1) throw_invalid(message);
  for (std::size_t i = 0; i < *ranks.begin(); ++i) {
    std::set<int64_t> unique_dims;
    for (const auto& shape : shape_set) {
      if (shape[i] != kNoneDim) unique_dims.insert(shape[i]);
    }
    if (unique_dims.size() > 1) throw_invalid(message);
  }
}

// Concatenate.compute_output_shape: the first input's shape, its concatenation axis summed over the
// inputs (None if any is None); then Merge's dtype and sparsity.
std::vector<TypeSpec> Concatenate::infer(const std::vector<const KerasTensor*>& inputs) const {
  check_list_call(inputs);
  const std::vector<std::vector<int64_t>> shapes = input_shapes(inputs);
  std::vector<int64_t> output = shapes.front();
  if (shapes.size() > 1) check_int_axis();
  for (std::size_t i = 1; i < shapes.size(); ++i) {
    const auto out_index = python_index(axis(), output.size());
    if (!out_index) throw_invalid("list index out of range");
    int64_t& out_dim = output[*out_index];
    if (out_dim == kNoneDim) break;
    const auto in_index = python_index(axis(), shapes[i].size());
    if (!in_index) throw_invalid("tuple index out of range");
    const int64_t in_dim = shapes[i][*in_index];
    if (in_dim == kNoneDim) {
      out_dim = kNoneDim;
      break;
    }
    out_dim += in_dim;
  }
  bool all_sparse = true;
  for (const KerasTensor* x : inputs) all_sparse = all_sparse && x->sparse();
  const Shape shape(std::move(output));
  if (all_sparse) return {TypeSpec::sparse(shape, base().compute_dtype())};
  return {TypeSpec::tensor(shape, base().compute_dtype())};
}

Json Concatenate::get_config() const {
  Json config = base().to_json();
  config["axis"] = axis_;
  return config;
}

}  // namespace inlay::core
