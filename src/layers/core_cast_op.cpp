#include "layers/core_cast_op.hpp"

#include "layers/op_operands.hpp"
#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> CoreCastOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                  const Json& config) {
  const bool convert = op_name == "ConvertToTensor";
  std::initializer_list<const char*> cast_keys = {"dtype"}, convert_keys = {"dtype", "sparse", "ragged"};
  std::string name = read_op_name(graph, op_name, config, convert ? convert_keys : cast_keys);
  if (!convert && !(config.is_object() && config.contains("dtype"))) {
    throw_invalid("Cast.__init__() missing 1 required positional argument: 'dtype'");
  }
  std::unique_ptr<CoreCastOp> op(new CoreCastOp(std::move(name), module, op_name, convert));
  if (config.is_object()) {
    op->dtype_ = config.value("dtype", Json());
    op->sparse_ = config.value("sparse", Json());
    op->ragged_ = config.value("ragged", Json());
  }
  return op;
}

std::optional<DType> CoreCastOp::target() const {
  // Cast(dtype=None) is floatx (standardize_dtype(None)); ConvertToTensor(dtype=None) keeps x's.
  if (convert_ && dtype_.is_null()) return std::nullopt;
  return standardize_dtype(dtype_);
}

Json CoreCastOp::get_config() const {
  Json config = OpLayer::get_config();
  config["dtype"] = dtype_;
  if (convert_) {
    config["sparse"] = sparse_;
    config["ragged"] = ragged_;
  }
  return config;
}

std::vector<TypeSpec> CoreCastOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] {
    const KerasTensor& x = dense_tensor_operand(*this, operand(current_call(), 0, "x"), inputs);
    return std::vector<TypeSpec>{TypeSpec::tensor(x.shape(), target().value_or(x.dtype()))};
  });
}

}  // namespace inlay::core
