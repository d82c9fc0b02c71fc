#include "layers/numpy_matmul_op.hpp"

#include "layers/numpy_binary_op.hpp"
#include "layers/op_operands.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

// Matmul's dtype (Matmul.compute_output_spec): int8 x int8 gives int32, else dtypes.result_type. inlay
// follows result_type where it is plain: equal dtypes, or one floating dtype with a non-floating one.
DType matmul_dtype(DType a, DType b, const std::string& op) {
  if (a == DType::Int8 && b == DType::Int8) return DType::Int32;
  if (a == b) return a;
  if (is_floating(a) != is_floating(b)) return is_floating(a) ? a : b;
  if (a == DType::Float32 || b == DType::Float32) {
    if (is_floating(a) && is_floating(b) && dtype_size(a) <= 4 && dtype_size(b) <= 4) return DType::Float32;
  }
  throw Error(Status::Unsupported, "Op '" + op + "' (Matmul) of " + std::string(dtype_name(a)) + " and " +
                                       std::string(dtype_name(b)) + " tensors is not supported");
}

}  // namespace

std::unique_ptr<Layer> NumpyMatmulOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                     const Json& config) {
  return std::unique_ptr<Layer>(new NumpyMatmulOp(read_op_name(graph, op_name, config), module, op_name));
}

std::vector<int64_t> NumpyMatmulOp::output_dims(const std::vector<int64_t>& x1, const std::vector<int64_t>& x2) {
  if (x1.empty() || x2.empty()) {
    // Keras indexes shape[-1] of a 0-D operand: Python's IndexError.
    throw_invalid("tuple index out of range");
  }
  const bool x1_1d = x1.size() == 1, x2_1d = x2.size() == 1;
  const std::vector<int64_t> s1 = x1_1d ? std::vector<int64_t>{1, x1[0]} : x1;
  const std::vector<int64_t> s2 = x2_1d ? std::vector<int64_t>{x2[0], 1} : x2;
  const int64_t inner1 = s1[s1.size() - 1], inner2 = s2[s2.size() - 2];
  if (inner1 != kNoneDim && inner2 != kNoneDim && inner1 != inner2) {
    // Keras prints the shapes after the 1-D promotion, as tuples.
    throw_invalid("Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received `x1.shape=" +
                  Shape(s1).to_tuple_string() + "` and `x2.shape=" + Shape(s2).to_tuple_string() + "`.");
  }
  std::vector<int64_t> out = broadcast_shapes(std::vector<int64_t>(s1.begin(), s1.end() - 2),
                                              std::vector<int64_t>(s2.begin(), s2.end() - 2));
  if (!x1_1d) out.push_back(s1[s1.size() - 2]);
  if (!x2_1d) out.push_back(s2.back());
  return out;
}

std::vector<TypeSpec> NumpyMatmulOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyMatmulOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Call& call = current_call();
  const KerasTensor& x1 = dense_tensor_operand(*this, operand(call, 0, "x1"), inputs);
  const KerasTensor& x2 = dense_tensor_operand(*this, operand(call, 1, "x2"), inputs);
  return {TypeSpec::tensor(Shape(output_dims(x1.shape().dims(), x2.shape().dims())),
                           matmul_dtype(x1.dtype(), x2.dtype(), name()))};
}

}  // namespace inlay::core
