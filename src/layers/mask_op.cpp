#include "layers/mask_op.hpp"

#include "layers/numpy_binary_op.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

MaskOpKind mask_kind_of(std::string_view op_name) {
  if (op_name == "NotEqual") return MaskOpKind::NotEqual;
  if (op_name == "LogicalOr") return MaskOpKind::LogicalOr;
  if (op_name == "LogicalAnd") return MaskOpKind::LogicalAnd;
  if (op_name == "Any") return MaskOpKind::Any;
  if (op_name == "All") return MaskOpKind::All;
  if (op_name == "ZerosLike") return MaskOpKind::ZerosLike;
  if (op_name == "OnesLike") return MaskOpKind::OnesLike;
  throw Error(Status::InternalError, "no mask op " + std::string(op_name));
}

bool is_reduction(MaskOpKind kind) { return kind == MaskOpKind::Any || kind == MaskOpKind::All; }
bool is_fill(MaskOpKind kind) { return kind == MaskOpKind::ZerosLike || kind == MaskOpKind::OnesLike; }

}  // namespace

std::unique_ptr<Layer> MaskOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                              const Json& config) {
  const MaskOpKind kind = mask_kind_of(op_name);
  std::initializer_list<const char*> none = {}, reduce = {"axis", "keepdims"}, fill = {"dtype"};
  std::string name = read_op_name(graph, op_name, config, is_reduction(kind) ? reduce : is_fill(kind) ? fill : none);
  std::unique_ptr<MaskOp> op(new MaskOp(std::move(name), module, op_name, kind));
  if (is_reduction(kind)) {
    op->axis_arg_ = config.is_object() ? config.value("axis", Json()) : Json();
    if (op->axis_arg_.is_number_integer()) {
      op->axis_ = op->axis_arg_.get<int64_t>();
    } else if (!op->axis_arg_.is_null()) {
      throw Error(Status::Unsupported, "Op-layer '" + op->name() + "' (" + std::string(op_name) +
                                           "): axis=" + python::str_prefix(op->axis_arg_, 200) +
                                           " (only one axis or None is supported)");
    }
    op->keepdims_ = config.is_object() && python::truthy(config.value("keepdims", Json(false)));
  }
  if (is_fill(kind)) op->dtype_ = config.is_object() ? config.value("dtype", Json()) : Json();
  return op;
}

Json MaskOp::get_config() const {
  Json config = OpLayer::get_config();
  if (is_reduction(kind_)) {
    config["axis"] = axis_arg_;
    config["keepdims"] = keepdims_;
  }
  if (is_fill(kind_)) config["dtype"] = dtype_;
  return config;
}

std::vector<TypeSpec> MaskOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> MaskOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Call& call = current_call();
  auto dims_of = [&](const Operand& x) {
    if (!x.is_tensor()) return std::vector<int64_t>{};
    const KerasTensor* t = inputs.at(static_cast<std::size_t>(x.tensor));
    if (!t->shape().has_rank()) throw Error(Status::Unsupported, "Op '" + name() + "' on a tensor of unknown rank");
    if (t->sparse() || t->ragged()) {
      throw Error(Status::Unsupported, "Op '" + name() + "' on a sparse or ragged tensor is not supported yet");
    }
    return t->shape().dims();
  };
  if (kind_ == MaskOpKind::NotEqual || kind_ == MaskOpKind::LogicalOr || kind_ == MaskOpKind::LogicalAnd) {
    const Operand x1 = operand(call, 0, "x1"), x2 = operand(call, 1, "x2");
    if (!x1.is_tensor() && !x2.is_tensor()) {
      throw Error(Status::Unsupported, "Op '" + name() + "' on two constants is not supported (no tensor argument)");
    }
    return {TypeSpec::tensor(Shape(broadcast_shapes(dims_of(x1), dims_of(x2))), DType::Bool)};
  }
  const Operand x = operand(call, 0, "x");
  if (!x.is_tensor()) throw Error(Status::Unsupported, "Op '" + name() + "' on a constant is not supported");
  std::vector<int64_t> dims = dims_of(x);
  if (is_fill(kind_)) {
    const KerasTensor* t = inputs.at(static_cast<std::size_t>(x.tensor));
    std::optional<DType> dtype = dtype_.is_string() ? dtype_from_name(dtype_.get<std::string>()) : t->dtype();
    if (!dtype) throw Error(Status::Unsupported, "Op '" + name() + "': dtype " + python::str_prefix(dtype_, 200));
    return {TypeSpec::tensor(Shape(std::move(dims)), *dtype)};
  }
  const auto rank = static_cast<int64_t>(dims.size());
  if (!axis_) {
    return {TypeSpec::tensor(Shape(keepdims_ ? std::vector<int64_t>(dims.size(), 1) : std::vector<int64_t>{}),
                             DType::Bool)};
  }
  const int64_t a = *axis_;
  if (a < -rank || a >= rank) {
    throw_invalid("axis " + std::to_string(a) + " is out of bounds for array of dimension " + std::to_string(rank));
  }
  const auto at = static_cast<std::size_t>(a < 0 ? a + rank : a);
  if (keepdims_) {
    dims[at] = 1;
  } else {
    dims.erase(dims.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return {TypeSpec::tensor(Shape(std::move(dims)), DType::Bool)};
}

}  // namespace inlay::core
