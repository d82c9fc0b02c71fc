#include "layers/numpy_take_op.hpp"

#include "layers/op_operands.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Deeper constant indices than any tensor inlay runs: refused before the recursion goes on.
constexpr std::size_t kMaxIndexRank = 32;

// A nested list of ints (or one int) into dims and row-major values, as np.array(indices) would; a ragged
// list (which numpy refuses) or a non-int element is Unsupported.
void read_constant(const Json& value, std::size_t depth, NumpyTakeOp::Indices& out, const std::string& op) {
  auto bad = [&] {
    throw Error(Status::Unsupported, "Op '" + op + "' (Take): indices " + python::repr_prefix(value, kMaxQuotedBytes) +
                                         " are neither a tensor, an int nor a rectangular list of ints");
  };
  if (value.is_number_integer()) {
    if (depth != out.dims.size()) bad();
    out.values.push_back(value.get<int64_t>());
    return;
  }
  if (!value.is_array() || depth >= kMaxIndexRank) bad();
  if (depth == out.dims.size()) {
    if (!out.values.empty()) bad();  // a list where an earlier sibling held an int
    out.dims.push_back(static_cast<int64_t>(value.size()));
  } else if (depth > out.dims.size() || out.dims[depth] != static_cast<int64_t>(value.size())) {
    bad();
  }
  for (const Json& item : value) read_constant(item, depth + 1, out, op);
  if (value.empty() && depth + 1 < out.dims.size()) bad();
}

}  // namespace

std::unique_ptr<Layer> NumpyTakeOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                   const Json& config) {
  std::string name = read_op_name(graph, op_name, config, {"axis"});
  std::unique_ptr<NumpyTakeOp> op(new NumpyTakeOp(std::move(name), module, op_name));
  op->axis_ = config.is_object() ? config.value("axis", Json()) : Json();
  if (!op->axis_.is_null() && !op->axis_.is_number_integer()) {
    throw Error(Status::Unsupported, "Op '" + op->name() + "' (Take): axis " +
                                         python::repr_prefix(op->axis_, kMaxQuotedBytes) + " is neither an int nor None");
  }
  return op;
}

std::optional<int64_t> NumpyTakeOp::axis(int64_t rank) const {
  if (axis_.is_null()) return std::nullopt;
  return canonical_op_axis(axis_.get<int64_t>(), rank);
}

NumpyTakeOp::Indices NumpyTakeOp::indices_of(const Call& call) const {
  const Json* value = nullptr;
  if (call.args.size() > 1) value = &call.args[1];
  else if (call.kwargs.contains("indices")) value = &call.kwargs["indices"];
  else throw_invalid("Take.call() missing 1 required positional argument: 'indices'");
  Indices out;
  if (value->is_object() && value->size() == 1 && value->contains("__tensor__")) {
    out.tensor = (*value)["__tensor__"].get<int>();
    return out;
  }
  read_constant(*value, 0, out, name());
  return out;
}

std::vector<int64_t> NumpyTakeOp::output_dims(const std::vector<int64_t>& x, const std::vector<int64_t>& indices) const {
  const std::optional<int64_t> a = axis(static_cast<int64_t>(x.size()));
  if (!a) return indices;
  std::vector<int64_t> out(x.begin(), x.begin() + *a);
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), x.begin() + *a + 1, x.end());
  return out;
}

Json NumpyTakeOp::get_config() const {
  Json config = OpLayer::get_config();
  config["axis"] = axis_;
  return config;
}

std::vector<TypeSpec> NumpyTakeOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyTakeOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Call& call = current_call();
  const KerasTensor& x = dense_tensor_operand(*this, operand(call, 0, "x"), inputs);
  const Indices indices = indices_of(call);
  std::vector<int64_t> index_dims = indices.dims;
  if (indices.tensor >= 0) {
    const KerasTensor& t = dense_operand(*this, inputs.at(static_cast<std::size_t>(indices.tensor)));
    if (is_floating(t.dtype()) || t.dtype() == DType::Bool) {
      // Keras infers the output, but TensorFlow's gather refuses such indices when the model runs.
      throw Error(Status::Unsupported, "Op '" + name() + "' (Take): indices of dtype " +
                                           std::string(dtype_name(t.dtype())) + "; TensorFlow gathers with integer indices only");
    }
    index_dims = t.shape().dims();
  }
  return {TypeSpec::tensor(Shape(output_dims(x.shape().dims(), index_dims)), x.dtype())};
}

}  // namespace inlay::core
