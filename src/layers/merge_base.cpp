#include "layers/merge_base.hpp"

#include <set>

#include "layers/call_error.hpp"
#include "util/error.hpp"

namespace inlay::core {

std::vector<std::vector<int64_t>> Merge::input_shapes(const std::vector<const KerasTensor*>& inputs) {
  std::vector<std::vector<int64_t>> shapes;
  for (const KerasTensor* x : inputs) {
    if (!x->shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
    shapes.push_back(x->shape().dims());
  }
  return shapes;
}

std::string Merge::shapes_repr(const std::vector<std::vector<int64_t>>& shapes) {
  std::string out = "[";
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    if (i > 0) out += ", ";
    out += Shape(shapes[i]).to_tuple_string();
  }
  return out + "]";
}

std::vector<int64_t> Merge::elementwise_shape(const std::vector<int64_t>& shape1, const std::vector<int64_t>& shape2) {
  if (shape1.size() < shape2.size()) return elementwise_shape(shape2, shape1);
  if (shape2.empty()) return shape1;
  const std::size_t lead = shape1.size() - shape2.size();
  std::vector<int64_t> output(shape1.begin(), shape1.begin() + static_cast<std::ptrdiff_t>(lead));
  for (std::size_t k = 0; k < shape2.size(); ++k) {
    const int64_t i = shape1[lead + k];
    const int64_t j = shape2[k];
    if (i == kNoneDim || j == kNoneDim) {
      output.push_back(kNoneDim);
    } else if (i == 1) {
      output.push_back(j);
    } else if (j == 1) {
      output.push_back(i);
    } else {
      if (i != j) {
        throw_invalid("Inputs have incompatible shapes. Received shapes " + Shape(shape1).to_tuple_string() + " and " +
                      Shape(shape2).to_tuple_string());
      }
      output.push_back(i);
    }
  }
  return output;
}

namespace {

std::vector<int64_t> non_batch(const std::vector<int64_t>& shape) {
  return shape.empty() ? shape : std::vector<int64_t>(shape.begin() + 1, shape.end());
}

}  // namespace

void Merge::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.empty()) throw_invalid("'NoneType' object is not subscriptable");  // what Keras does with []
  const std::vector<std::vector<int64_t>> shapes = input_shapes(inputs);
  if (single_tensor(inputs)) {
    // input_shape is the tensor's own shape tuple; input_shape[0] is a dim, not a shape.
    if (shapes.front().empty()) throw_invalid("tuple index out of range");
    throw_invalid("A merge layer should be called on a list of inputs. Received: input_shape=" +
                  Shape(shapes.front()).to_tuple_string() + " (not a list of shapes)");
  }
  std::set<int64_t> batch_sizes;
  for (const auto& shape : shapes) {
    if (!shape.empty() && shape.front() != kNoneDim) batch_sizes.insert(shape.front());
  }
  if (batch_sizes.size() > 1) {
    throw_invalid("Cannot merge tensors with different batch sizes. Received tensors with shapes " + shapes_repr(shapes));
  }
  std::vector<int64_t> output = non_batch(shapes.front());
  for (std::size_t i = 1; i < shapes.size(); ++i) output = elementwise_shape(output, non_batch(shapes[i]));
}

std::vector<TypeSpec> Merge::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(class_name(), inputs, [&] { return infer(inputs); });
}

void Merge::check_list_call(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.empty()) throw_invalid("list index out of range");  // input_shape[0] of []
  // `[x.shape for x in inputs]` on a single tensor
  if (single_tensor(inputs)) throw_invalid("Iterating over a symbolic KerasTensor is not supported.");
}

std::vector<TypeSpec> Merge::infer(const std::vector<const KerasTensor*>& inputs) const {
  check_list_call(inputs);
  const std::vector<std::vector<int64_t>> shapes = input_shapes(inputs);
  std::vector<int64_t> output = non_batch(shapes.front());
  for (std::size_t i = 1; i < shapes.size(); ++i) output = elementwise_shape(output, non_batch(shapes[i]));
  std::set<int64_t> batch_sizes;
  bool all_sparse = true;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    if (shapes[i].empty()) throw_invalid("tuple index out of range");  // s[0] of a scalar's shape
    if (shapes[i].front() != kNoneDim) batch_sizes.insert(shapes[i].front());
    all_sparse = all_sparse && inputs[i]->sparse();
  }
  output.insert(output.begin(), batch_sizes.size() == 1 ? *batch_sizes.begin() : kNoneDim);
  const Shape shape(std::move(output));
  if (all_sparse) return {TypeSpec::sparse(shape, base_.compute_dtype())};
  return {TypeSpec::tensor(shape, base_.compute_dtype())};
}

}  // namespace inlay::core
