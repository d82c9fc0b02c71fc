#include "layers/numpy_cumsum_op.hpp"

#include "layers/op_operands.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> NumpyCumsumOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                     const Json& config) {
  std::string name = read_op_name(graph, op_name, config, {"axis", "dtype"});
  std::unique_ptr<NumpyCumsumOp> op(new NumpyCumsumOp(std::move(name), module, op_name));
  if (config.is_object()) {
    op->axis_ = config.value("axis", Json());
    op->dtype_ = config.value("dtype", Json());
  }
  if (!op->axis_.is_number_integer()) {
    throw Error(Status::Unsupported, "Op '" + op->name() + "' (Cumsum): axis " +
                                         python::repr_prefix(op->axis_, kMaxQuotedBytes) +
                                         " is not supported (only an integer axis: no flattened cumulative sum)");
  }
  if (!op->dtype_.is_null()) {
    throw Error(Status::Unsupported, "Op '" + op->name() + "' (Cumsum) with a dtype is not supported");
  }
  return op;
}

int64_t NumpyCumsumOp::axis(int64_t rank) const {
  return canonical_op_axis(axis_.get<int64_t>(), rank);
}

Json NumpyCumsumOp::get_config() const {
  Json config = OpLayer::get_config();
  config["axis"] = axis_;
  config["dtype"] = dtype_;
  return config;
}

std::vector<TypeSpec> NumpyCumsumOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyCumsumOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const KerasTensor& t = dense_tensor_operand(*this, operand(current_call(), 0, "x"), inputs);
  (void)axis(static_cast<int64_t>(t.shape().dims().size()));
  return {TypeSpec::tensor(t.shape(), t.dtype())};
}

}  // namespace inlay::core
