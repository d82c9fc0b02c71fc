#include "layers/numpy_shape_op.hpp"

#include <algorithm>

#include "layers/op_operands.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

ShapeOpKind shape_kind_of(std::string_view op_name) {
  if (op_name == "Reshape") return ShapeOpKind::Reshape;
  if (op_name == "ExpandDims") return ShapeOpKind::ExpandDims;
  if (op_name == "Squeeze") return ShapeOpKind::Squeeze;
  if (op_name == "Transpose") return ShapeOpKind::Transpose;
  throw Error(Status::InternalError, "no shape op " + std::string(op_name));
}

const char* key_of(ShapeOpKind kind) {
  switch (kind) {
    case ShapeOpKind::Reshape: return "newshape";
    case ShapeOpKind::Transpose: return "axes";
    default: return "axis";
  }
}

// An int or a list of ints (Keras's to_tuple_or_list); Unsupported for anything else.
std::vector<int64_t> int_list(const Json& value, const std::string& op) {
  std::vector<int64_t> out;
  if (value.is_number_integer()) return {value.get<int64_t>()};
  if (value.is_array()) {
    for (const Json& v : value) {
      if (!v.is_number_integer()) {
        throw Error(Status::Unsupported, "Op '" + op + "': " + python::repr_prefix(value, kMaxQuotedBytes) +
                                             " holds something other than integers");
      }
      out.push_back(v.get<int64_t>());
    }
    return out;
  }
  throw Error(Status::Unsupported, "Op '" + op + "': " + python::repr_prefix(value, kMaxQuotedBytes) +
                                       " is neither an int nor a list of ints");
}

}  // namespace

std::unique_ptr<Layer> NumpyShapeOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                    const Json& config) {
  const ShapeOpKind kind = shape_kind_of(op_name);
  const char* key = key_of(kind);
  std::string name = read_op_name(graph, op_name, config, {key});
  std::unique_ptr<NumpyShapeOp> op(new NumpyShapeOp(std::move(name), module, op_name, kind));
  op->key_ = key;
  const bool required = kind == ShapeOpKind::Reshape || kind == ShapeOpKind::ExpandDims;
  if (required && !(config.is_object() && config.contains(key))) {
    throw_invalid(std::string(op_name) + ".__init__() missing 1 required positional argument: '" + key + "'");
  }
  op->value_ = config.is_object() ? config.value(key, Json()) : Json();
  if (kind == ShapeOpKind::ExpandDims && !op->value_.is_number_integer() && !op->value_.is_array()) {
    throw_invalid("The `axis` argument to `expand_dims` should be an integer, tuple or list. Received axis=" +
                  python::str_prefix(op->value_, kMaxQuotedBytes));
  }
  if (!op->value_.is_null()) int_list(op->value_, op->name());  // Unsupported early for what inlay cannot read
  return op;
}

Json NumpyShapeOp::get_config() const {
  Json config = OpLayer::get_config();
  config[key_] = value_;
  return config;
}

std::vector<int64_t> NumpyShapeOp::permutation(std::size_t rank) const {
  const auto ndim = static_cast<int64_t>(rank);
  std::vector<int64_t> perm;
  if (value_.is_null()) {
    for (int64_t i = ndim; i-- > 0;) perm.push_back(i);
    return perm;
  }
  const std::vector<int64_t> axes = int_list(value_, name());
  if (static_cast<int64_t>(axes.size()) != ndim) {
    throw_invalid("axis must be a list of the same length as the input shape, expected " + std::to_string(ndim) +
                  ", but received " + std::to_string(axes.size()) + ".");
  }
  const std::string list = python::repr(Json(axes));
  for (int64_t a : axes) {
    if (a < -ndim || a >= ndim) {
      throw_invalid("Each axis in `axes` must be an integer in [-" + std::to_string(ndim) + ", " + std::to_string(ndim) +
                    "). Received: axes=" + list + ".");
    }
    perm.push_back(((a % ndim) + ndim) % ndim);
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  if (std::unique(sorted.begin(), sorted.end()) != sorted.end()) {
    throw_invalid("`axes` must be a valid permutation of the input dimensions (no duplicates). Received: axes=" + list +
                  " for input of rank " + std::to_string(ndim) + ".");
  }
  return perm;
}

std::vector<int64_t> NumpyShapeOp::reshape(const std::vector<int64_t>& in) const {
  // operation_utils.compute_reshape_output_shape.
  const std::vector<int64_t> newshape = int_list(value_, name());
  const bool unknown_in = std::find(in.begin(), in.end(), kNoneDim) != in.end();
  // validate_reshape_shape prints newshape as given (a list from a config).
  const std::string given = python::repr(value_);
  int unknown = 0;
  for (int64_t d : newshape) {
    if (d == -1) ++unknown;
    if (d < -1) {
      throw_invalid("Each dimension in `newshape` must be a non-negative integer, or `-1` for a single unknown "
                    "dimension. Received: newshape=" + given + ".");
    }
  }
  if (unknown > 1) {
    throw_invalid("There must be at most one unknown dimension (-1) in `newshape`. Received: newshape=" + given + ".");
  }
  if (unknown_in) return newshape;  // -1 stays unknown (kNoneDim == -1)
  int64_t size = 1, known = 1;
  for (int64_t d : in) size *= d;
  for (int64_t d : newshape) known *= d == -1 ? 1 : d;
  if (unknown == 0) {
    if (size != known) {
      throw_invalid("The total size of the tensor must be unchanged. Received: input_shape=" + python::tuple_text(in) +
                    ", newshape=" + python::tuple_text(newshape));
    }
    return newshape;
  }
  if (known == 0 || size % known != 0) {
    throw_invalid("The total size of the tensor must be unchanged, however, the input size cannot by divided by the "
                  "specified dimensions in newshape. Received: input_shape=" + python::tuple_text(in) +
                  ", newshape=" + python::tuple_text(newshape));
  }
  std::vector<int64_t> out = newshape;
  for (int64_t& d : out) {
    if (d == -1) d = size / known;
  }
  return out;
}

std::vector<int64_t> NumpyShapeOp::expand_dims(const std::vector<int64_t>& in) const {
  const std::vector<int64_t> axes = int_list(value_, name());
  const auto out_ndim = static_cast<int64_t>(in.size() + axes.size());
  std::vector<int64_t> canonical;
  for (int64_t a : axes) canonical.push_back(canonical_op_axis(a, out_ndim));
  std::vector<int64_t> out;
  std::size_t next = 0;
  for (int64_t ax = 0; ax < out_ndim; ++ax) {
    if (std::find(canonical.begin(), canonical.end(), ax) != canonical.end()) {
      out.push_back(1);
    } else if (next < in.size()) {
      out.push_back(in[next++]);
    } else {
      throw Error(Status::Unsupported, "Op '" + name() + "': repeated axes in expand_dims");
    }
  }
  return out;
}

std::vector<int64_t> NumpyShapeOp::squeeze(const std::vector<int64_t>& in) const {
  std::vector<int64_t> out;
  if (value_.is_null()) {
    for (int64_t d : in) {
      if (d != 1) out.push_back(d);
    }
    return out;
  }
  const auto rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> axes;
  for (int64_t a : int_list(value_, name())) {
    // Keras checks the size before it canonicalizes the axis (Python's negative indexing).
    const int64_t i = a < 0 ? a + rank : a;
    if (i < 0 || i >= rank) canonical_op_axis(a, rank);
    if (in[static_cast<std::size_t>(i)] != 1) {
      throw_invalid("Cannot squeeze axis " + std::to_string(a) + ", because the dimension is not 1.");
    }
    axes.push_back(i);
  }
  for (int64_t i = 0; i < rank; ++i) {
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) out.push_back(in[static_cast<std::size_t>(i)]);
  }
  return out;
}

std::vector<int64_t> NumpyShapeOp::output_dims(const std::vector<int64_t>& in) const {
  switch (kind_) {
    case ShapeOpKind::Reshape: return reshape(in);
    case ShapeOpKind::ExpandDims: return expand_dims(in);
    case ShapeOpKind::Squeeze: return squeeze(in);
    case ShapeOpKind::Transpose: break;
  }
  const std::vector<int64_t> perm = permutation(in.size());
  std::vector<int64_t> out;
  for (int64_t p : perm) out.push_back(in[static_cast<std::size_t>(p)]);
  return out;
}

std::vector<TypeSpec> NumpyShapeOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_op_errors(inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> NumpyShapeOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const KerasTensor& t = dense_tensor_operand(*this, operand(current_call(), 0, "x"), inputs);
  return {TypeSpec::tensor(Shape(output_dims(t.shape().dims())), t.dtype())};
}

}  // namespace inlay::core
