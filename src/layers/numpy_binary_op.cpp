#include "layers/numpy_binary_op.hpp"

#include <algorithm>

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

BinaryOpKind binary_kind_of(std::string_view op_name) {
  if (op_name == "Add") return BinaryOpKind::Add;
  if (op_name == "Subtract") return BinaryOpKind::Subtract;
  if (op_name == "Multiply") return BinaryOpKind::Multiply;
  if (op_name == "Divide" || op_name == "TrueDivide") return BinaryOpKind::Divide;
  if (op_name == "Maximum") return BinaryOpKind::Maximum;
  if (op_name == "Minimum") return BinaryOpKind::Minimum;
  if (op_name == "Power") return BinaryOpKind::Power;
  throw Error(Status::InternalError, "no binary op " + std::string(op_name));
}

std::string python_list(const std::vector<int64_t>& dims) {
  Json list = Json::array();
  for (int64_t d : dims) list.push_back(d == kNoneDim ? Json() : Json(d));
  return python::repr(list);
}

}  // namespace

std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> s1 = a, s2 = b;
  if (s1.size() > s2.size()) s2.insert(s2.begin(), s1.size() - s2.size(), 1);
  if (s2.size() > s1.size()) s1.insert(s1.begin(), s2.size() - s1.size(), 1);
  std::vector<int64_t> out = s1;
  for (std::size_t i = 0; i < s1.size(); ++i) {
    if (s1[i] == 1) {
      out[i] = s2[i];
    } else if (s1[i] == kNoneDim) {
      out[i] = s2[i] == 1 ? kNoneDim : s2[i];
    } else if (!(s2[i] == 1 || s2[i] == kNoneDim || s2[i] == s1[i])) {
      throw_invalid("Cannot broadcast shape, the failure dim has value " + std::to_string(s1[i]) +
                    ", which cannot be broadcasted to " + (s2[i] == kNoneDim ? "None" : std::to_string(s2[i])) +
                    ". Input shapes are: " + python_list(a) + " and " + python_list(b) + ".");
    }
  }
  return out;
}

std::unique_ptr<Layer> NumpyBinaryOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                     const Json& config) {
  const BinaryOpKind kind = binary_kind_of(op_name);
  return std::unique_ptr<Layer>(new NumpyBinaryOp(read_op_name(graph, op_name, config), module, op_name, kind));
}

bool NumpyBinaryOp::commutative() const {
  return kind_ == BinaryOpKind::Add || kind_ == BinaryOpKind::Multiply || kind_ == BinaryOpKind::Maximum ||
         kind_ == BinaryOpKind::Minimum;
}

std::vector<TypeSpec> NumpyBinaryOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyBinaryOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Call& call = current_call();
  const Operand x1 = operand(call, 0, "x1");
  const Operand x2 = operand(call, 1, "x2");
  auto dims = [&](const Operand& x) {
    if (!x.is_tensor()) return std::vector<int64_t>{};
    const KerasTensor* t = inputs.at(static_cast<std::size_t>(x.tensor));
    if (!t->shape().has_rank()) throw Error(Status::Unsupported, "Op '" + name() + "' on a tensor of unknown rank");
    if (t->sparse() || t->ragged()) {
      throw Error(Status::Unsupported, "Op '" + name() + "' on a sparse or ragged tensor is not supported yet");
    }
    return t->shape().dims();
  };
  if (!x1.is_tensor() && !x2.is_tensor()) {
    throw Error(Status::Unsupported, "Op '" + name() + "' on two constants is not supported (no tensor argument)");
  }
  const std::vector<int64_t> shape = broadcast_shapes(dims(x1), dims(x2));
  // float32 tensors with Python numbers stay float32 (dtypes.result_type: weak Python scalars).
  DType dtype = DType::Float32;
  for (const KerasTensor* t : inputs) dtype = t->dtype();
  return {TypeSpec::tensor(Shape(shape), dtype)};
}

}  // namespace inlay::core
