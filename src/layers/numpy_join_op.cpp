#include "layers/numpy_join_op.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

int64_t join_axis(int64_t a, int64_t rank) {
  if (a < -rank || a >= rank) {
    throw_invalid("axis " + std::to_string(a) + " is out of bounds for an array with dimension " +
                  std::to_string(rank) + ".");
  }
  return a < 0 ? a + rank : a;
}

// shape_equal(a, b, axis=[skip], allow_none=True).
bool same_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b, int64_t skip) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (static_cast<int64_t>(i) == skip || a[i] == kNoneDim || b[i] == kNoneDim) continue;
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Layer> NumpyJoinOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                   const Json& config) {
  std::string name = read_op_name(graph, op_name, config, {"axis"});
  std::unique_ptr<NumpyJoinOp> op(new NumpyJoinOp(std::move(name), module, op_name));
  op->axis_arg_ = config.is_object() ? config.value("axis", Json(0)) : Json(0);
  if (op->axis_arg_.is_null() && !op->stack_) throw_invalid("`axis` cannot be None for `concatenate`.");
  if (!op->axis_arg_.is_number_integer()) {
    throw Error(Status::Unsupported, "Op '" + op->name() + "': axis " + python::repr_prefix(op->axis_arg_, kMaxQuotedBytes) +
                                         " is not an integer");
  }
  op->axis_ = op->axis_arg_.get<int64_t>();
  return op;
}

Json NumpyJoinOp::get_config() const {
  Json config = OpLayer::get_config();
  config["axis"] = axis_arg_;
  return config;
}

std::vector<std::size_t> NumpyJoinOp::operands(const Call& call) const {
  const char* keyword = stack_ ? "x" : "xs";
  const Json* list = call.args.empty() ? (call.kwargs.contains(keyword) ? &call.kwargs[keyword] : nullptr) : &call.args[0];
  if (list == nullptr) throw_invalid(std::string(class_name()) + ".call() missing required argument: '" + keyword + "'");
  std::vector<std::size_t> out;
  if (list->is_array()) {
    for (const Json& item : *list) {
      if (!item.is_object() || !item.contains("__tensor__")) {
        throw Error(Status::Unsupported, "Op '" + name() + "': a constant among the joined tensors is not supported");
      }
      out.push_back(item["__tensor__"].get<std::size_t>());
    }
  }
  if (out.empty()) throw Error(Status::Unsupported, "Op '" + name() + "': no list of tensors to join");
  return out;
}

std::vector<TypeSpec> NumpyJoinOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyJoinOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  std::vector<const KerasTensor*> xs;
  for (std::size_t i : operands(current_call())) {
    const KerasTensor* t = inputs.at(i);
    if (!t->shape().has_rank()) throw Error(Status::Unsupported, "Op '" + name() + "' on a tensor of unknown rank");
    if (t->sparse() || t->ragged()) {
      throw Error(Status::Unsupported, "Op '" + name() + "' on a sparse or ragged tensor is not supported yet");
    }
    xs.push_back(t);
  }
  const Shape& first = xs.front()->shape();
  const auto rank = static_cast<int64_t>(first.rank());
  std::vector<int64_t> out = first.dims();
  if (stack_) {
    const int64_t axis = join_axis(axis_, rank + 1);
    for (const KerasTensor* t : xs) {
      if (!same_shape(t->shape().dims(), first.dims(), -1)) {
        throw_invalid("Every value in `x` must have the same shape. But found element of shape " +
                      t->shape().to_tuple_string() + ",  which is different from the first element's shape " +
                      first.to_tuple_string() + ".");
      }
    }
    out.insert(out.begin() + axis, static_cast<int64_t>(xs.size()));
    return {TypeSpec::tensor(Shape(out), xs.front()->dtype())};
  }
  const int64_t axis = join_axis(axis_, rank);
  int64_t total = 0;
  for (const KerasTensor* t : xs) {
    if (!same_shape(t->shape().dims(), first.dims(), axis)) {
      throw_invalid("Every value in `xs` must have the same shape except on the `axis` dim. But found element of shape " +
                    t->shape().to_tuple_string() + ", which is different from the first element's shape " +
                    first.to_tuple_string() + ".");
    }
    const int64_t d = t->shape().dims()[static_cast<std::size_t>(axis)];
    total = (total == kNoneDim || d == kNoneDim) ? kNoneDim : total + d;
  }
  out[static_cast<std::size_t>(axis)] = total;
  return {TypeSpec::tensor(Shape(out), xs.front()->dtype())};
}

}  // namespace inlay::core
