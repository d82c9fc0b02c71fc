#include "layers/numpy_reduce_op.hpp"

#include <algorithm>

#include "layers/op_operands.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

ReduceOpKind reduce_kind_of(std::string_view op_name) {
  if (op_name == "Mean") return ReduceOpKind::Mean;
  if (op_name == "Sum") return ReduceOpKind::Sum;
  if (op_name == "Max") return ReduceOpKind::Max;
  if (op_name == "Min") return ReduceOpKind::Min;
  throw Error(Status::InternalError, "no reduction op " + std::string(op_name));
}

// backend_utils.canonicalize_axis.
int64_t canonical_axis(const Json& axis, int64_t rank) {
  if (!axis.is_number_integer()) {
    throw Error(Status::Unsupported, "a reduction axis that is not an integer: " + python::repr_prefix(axis, kMaxQuotedBytes));
  }
  return canonical_op_axis(axis.get<int64_t>(), rank);
}

}  // namespace

std::unique_ptr<Layer> NumpyReduceOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                     const Json& config) {
  const ReduceOpKind kind = reduce_kind_of(op_name);
  const bool extremum = kind == ReduceOpKind::Max || kind == ReduceOpKind::Min;
  std::initializer_list<const char*> plain = {"axis", "keepdims"}, with_initial = {"axis", "keepdims", "initial"};
  std::string name = read_op_name(graph, op_name, config, extremum ? with_initial : plain);
  std::unique_ptr<NumpyReduceOp> op(new NumpyReduceOp(std::move(name), module, op_name, kind));
  if (config.is_object()) {
    op->axis_ = config.value("axis", Json());
    op->keepdims_arg_ = config.value("keepdims", Json(false));
    if (extremum) op->initial_ = config.value("initial", Json());
  }
  op->keepdims_ = python::truthy(op->keepdims_arg_);
  if (!op->axis_.is_null() && !op->axis_.is_number_integer() && !op->axis_.is_array()) {
    throw Error(Status::Unsupported, "Op '" + op->name() + "': axis " + python::repr_prefix(op->axis_, kMaxQuotedBytes) +
                                         " is neither an int, a list of ints nor None");
  }
  if (!op->initial_.is_null()) {
    throw Error(Status::Unsupported, "Op '" + op->name() + "' (" + std::string(op_name) +
                                         ") with an `initial` value is not supported yet");
  }
  return op;
}

std::vector<int64_t> NumpyReduceOp::axes(int64_t rank) const {
  std::vector<int64_t> out;
  if (axis_.is_null()) {
    for (int64_t a = 0; a < rank; ++a) out.push_back(a);
    return out;
  }
  if (axis_.is_array()) {
    for (const Json& a : axis_) out.push_back(canonical_axis(a, rank));
  } else {
    out.push_back(canonical_axis(axis_, rank));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Json NumpyReduceOp::get_config() const {
  Json config = OpLayer::get_config();
  config["axis"] = axis_;
  config["keepdims"] = keepdims_arg_;
  if (kind_ == ReduceOpKind::Max || kind_ == ReduceOpKind::Min) config["initial"] = initial_;
  return config;
}

std::vector<TypeSpec> NumpyReduceOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyReduceOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const KerasTensor* t = &dense_tensor_operand(*this, operand(current_call(), 0, "x"), inputs);
  const std::vector<int64_t>& dims = t->shape().dims();
  const std::vector<int64_t> reduced = axes(static_cast<int64_t>(dims.size()));
  std::vector<int64_t> out;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const bool r = std::binary_search(reduced.begin(), reduced.end(), static_cast<int64_t>(i));
    if (!r) out.push_back(dims[i]);
    else if (keepdims_) out.push_back(1);
  }
  // Mean of integers is float32 (dtypes.result_type(x, "float32")); the others keep the input's dtype.
  DType dtype = t->dtype();
  if (kind_ == ReduceOpKind::Mean && dtype != DType::Float16 && dtype != DType::Float32 && dtype != DType::Float64 &&
      dtype != DType::BFloat16) {
    dtype = DType::Float32;
  }
  return {TypeSpec::tensor(Shape(std::move(out)), dtype)};
}

}  // namespace inlay::core
