#include "layers/elementwise_op.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

struct NamedKind {
  std::string_view op;
  ElementwiseOpKind kind;
  Activation activation;  // for kind Activation
};

constexpr NamedKind kOps[] = {
    {"Negative", ElementwiseOpKind::Negative, Activation::Linear},
    {"Absolute", ElementwiseOpKind::Absolute, Activation::Linear},
    {"Abs", ElementwiseOpKind::Absolute, Activation::Linear},
    {"Square", ElementwiseOpKind::Square, Activation::Linear},
    {"Sqrt", ElementwiseOpKind::Sqrt, Activation::Linear},
    {"Exp", ElementwiseOpKind::Exp, Activation::Linear},
    {"Log", ElementwiseOpKind::Log, Activation::Linear},
    {"Tanh", ElementwiseOpKind::Tanh, Activation::Linear},
    {"Relu", ElementwiseOpKind::Activation, Activation::Relu},
    {"Relu6", ElementwiseOpKind::Activation, Activation::Relu6},
    {"Sigmoid", ElementwiseOpKind::Activation, Activation::Sigmoid},
    {"Silu", ElementwiseOpKind::Activation, Activation::Silu},
    {"HardSigmoid", ElementwiseOpKind::Activation, Activation::HardSigmoid},
    {"HardSilu", ElementwiseOpKind::Activation, Activation::HardSilu},
    {"Softplus", ElementwiseOpKind::Activation, Activation::Softplus},
    {"Softsign", ElementwiseOpKind::Activation, Activation::Softsign},
    {"Selu", ElementwiseOpKind::Activation, Activation::Selu},
    {"Gelu", ElementwiseOpKind::Activation, Activation::Gelu},
    {"Softmax", ElementwiseOpKind::Activation, Activation::Softmax},
};

}  // namespace

std::unique_ptr<Layer> ElementwiseOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                     const Json& config) {
  const NamedKind* named = nullptr;
  for (const NamedKind& k : kOps) {
    if (k.op == op_name) named = &k;
  }
  if (named == nullptr) throw Error(Status::InternalError, "no elementwise op " + std::string(op_name));
  const bool softmax = op_name == "Softmax", gelu = op_name == "Gelu";
  std::initializer_list<const char*> none = {}, axis = {"axis"}, approximate = {"approximate"};
  std::string name = read_op_name(graph, op_name, config, softmax ? axis : gelu ? approximate : none);
  std::unique_ptr<ElementwiseOp> op(new ElementwiseOp(std::move(name), module, op_name, named->kind));
  if (named->kind == ElementwiseOpKind::Activation) op->activation_ = named->activation;
  if (softmax) {
    op->axis_ = config.is_object() ? config.value("axis", Json(-1)) : Json(-1);
    // Keras's softmax activation is over the last axis; another axis is not one of its activations.
    if (!(op->axis_.is_number_integer() && op->axis_.get<int64_t>() == -1)) op->activation_.reset();
  }
  if (gelu) {
    const Json a = config.is_object() ? config.value("approximate", Json(true)) : Json(true);
    op->approximate_ = python::truthy(a);
    // keras.activations.gelu by name is the exact (erf) form; the op's default is the tanh approximation.
    if (*op->approximate_) op->activation_.reset();
  }
  return op;
}

Json ElementwiseOp::get_config() const {
  Json config = OpLayer::get_config();
  if (class_name() == "Softmax") config["axis"] = axis_;
  if (approximate_) config["approximate"] = *approximate_;
  return config;
}

std::vector<TypeSpec> ElementwiseOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> ElementwiseOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Operand x = operand(current_call(), 0, "x");
  if (!x.is_tensor()) {
    throw Error(Status::Unsupported, "Op '" + name() + "' on a constant is not supported (no tensor argument)");
  }
  const KerasTensor* t = inputs.at(static_cast<std::size_t>(x.tensor));
  if (t->sparse() || t->ragged()) {
    throw Error(Status::Unsupported, "Op '" + name() + "' on a sparse or ragged tensor is not supported yet");
  }
  if (class_name() == "Softmax" && t->shape().has_rank() && axis_.is_number_integer()) {
    const int64_t rank = t->shape().rank(), a = axis_.get<int64_t>();
    if (a < -rank || a >= rank) {
      throw_invalid("axis " + std::to_string(a) + " is out of bounds for array of dimension " + std::to_string(rank));
    }
  }
  return {TypeSpec::tensor(t->shape(), t->dtype())};
}

}  // namespace inlay::core
