#include "graph/input_spec.hpp"

#include "util/error.hpp"

namespace inlay::core {
namespace {

std::string prefix(std::size_t index, const std::string& layer_name) {
  // Keras prints the spec's name, which inlay's specs never have.
  return "Input " + std::to_string(index) + " with name 'None' of layer '" + layer_name +
         "' is incompatible with the layer: ";
}

void check_one(const InputSpec& spec, const KerasTensor& x, std::size_t index, const std::string& layer_name) {
  const Shape& shape = x.shape();
  if (!shape.has_rank()) throw_invalid("Undefined shapes are not supported.");
  const int ndim = shape.rank();
  if (spec.ndim && ndim != *spec.ndim) {
    throw_invalid(prefix(index, layer_name) + "expected ndim=" + std::to_string(*spec.ndim) +
                  ", found ndim=" + std::to_string(ndim) + ". Full shape received: " + shape.to_tuple_string());
  }
  if (spec.max_ndim && ndim > *spec.max_ndim) {
    throw_invalid(prefix(index, layer_name) + "expected max_ndim=" + std::to_string(*spec.max_ndim) +
                  ", found ndim=" + std::to_string(ndim));
  }
  if (spec.min_ndim && ndim < *spec.min_ndim) {
    throw_invalid(prefix(index, layer_name) + "expected min_ndim=" + std::to_string(*spec.min_ndim) +
                  ", found ndim=" + std::to_string(ndim) + ". Full shape received: " + shape.to_tuple_string());
  }
  if (spec.dtype && x.dtype() != *spec.dtype) {
    throw_invalid(prefix(index, layer_name) + "expected dtype=" + std::string(dtype_name(*spec.dtype)) +
                  ", found dtype=" + std::string(dtype_name(x.dtype())));
  }
  for (const auto& [axis, value] : spec.axes) {
    const int resolved = axis < 0 ? ndim + axis : axis;
    if (resolved < 0 || resolved >= ndim) continue;  // Python would raise IndexError; the ndim checks come first
    const int64_t dim = shape[static_cast<std::size_t>(resolved)];
    if (dim != kNoneDim && dim != value) {
      throw_invalid(prefix(index, layer_name) + "expected axis " + std::to_string(axis) +
                    " of input shape to have value " + std::to_string(value) + ", but received input with shape " +
                    shape.to_tuple_string());
    }
  }
}

}  // namespace

int64_t& AxisSizes::operator[](int axis) {
  for (std::size_t i = 0; i < size_; ++i) {
    if (items_[i].first == axis) return items_[i].second;
  }
  if (size_ == kCapacity) throw Error(Status::InternalError, "InputSpec: more than 4 axes pinned");
  items_[size_] = {axis, 0};
  return items_[size_++].second;
}

void assert_input_compatibility(const std::vector<InputSpec>& specs, const std::vector<const KerasTensor*>& inputs,
                                const std::string& layer_name) {
  if (specs.empty()) return;
  if (specs.size() != inputs.size()) {
    std::string received;
    for (const KerasTensor* x : inputs) received += (received.empty() ? "" : ", ") + keras_tensor_repr(*x);
    throw_invalid("Layer \"" + layer_name + "\" expects " + std::to_string(specs.size()) +
                  " input(s), but it received " + std::to_string(inputs.size()) +
                  " input tensors. Inputs received: [" + received + "]");
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) check_one(specs[i], *inputs[i], i, layer_name);
}

}  // namespace inlay::core
