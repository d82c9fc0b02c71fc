#include "types/type_spec.hpp"

#include <set>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

const Json& field(const Json& object, const char* key) {
  static const Json null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

void reject_unknown_keys(const Json& object, const std::set<std::string>& known, const std::string& what) {
  for (const auto& item : object.items()) {
    if (known.count(item.key()) == 0) {
      throw_invalid(what + "() got an unexpected keyword argument '" + item.key() + "'");
    }
  }
}

std::optional<std::string> parse_name(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_string()) {
    throw_invalid("TensorSpec name must be a string or None, got " + python::repr_prefix(value, kMaxQuotedBytes));
  }
  // TensorFlow takes any str; inlay_spec_name returns a C string, which would end at a NUL.
  if (value.get_ref<const std::string&>().find('\0') != std::string::npos) {
    throw_invalid("TensorSpec name must not contain a NUL character (names are C strings at inlay's C ABI), got " +
                  python::repr_prefix(value, kMaxQuotedBytes));
  }
  return value.get<std::string>();
}

std::optional<int> parse_ragged_rank(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_number_integer() || value.is_boolean()) {
    throw_invalid("Argument `ragged_rank` must be an int. Received " + python::str_prefix(value, kMaxQuotedBytes) +
                  ".");
  }
  return value.get<int>();
}

// The dtype keyword: float32 when left out (the constructors' default); an explicit null is Python's None,
// which tf.as_dtype rejects and RaggedTensorSpec reads as "take it from flat_values_spec".
std::optional<DType> dtype_argument(const Json& args) {
  if (!args.contains("dtype")) return DType::Float32;
  const Json& dtype = args["dtype"];
  if (dtype.is_null()) return std::nullopt;
  return tf_as_dtype(dtype);
}

DType required_dtype(const Json& args) {
  if (auto dtype = dtype_argument(args)) return *dtype;
  return tf_as_dtype(Json());  // raises TensorFlow's "Cannot convert ... None ..."
}

TypeSpec spec_from_kwargs(const std::string& kind, const Json& args) {
  if (kind == "tensor") {
    reject_unknown_keys(args, {"kind", "shape", "dtype", "name"}, "TensorSpec");
    return TypeSpec::tensor(Shape::tf_from_json(field(args, "shape")), required_dtype(args),
                            parse_name(field(args, "name")));
  }
  if (kind == "sparse") {
    reject_unknown_keys(args, {"kind", "shape", "dtype"}, "SparseTensorSpec");
    return TypeSpec::sparse(Shape::tf_from_json(field(args, "shape")), required_dtype(args));
  }
  if (kind == "ragged") {
    reject_unknown_keys(args, {"kind", "shape", "dtype", "ragged_rank", "row_splits_dtype", "flat_values_spec"},
                        "RaggedTensorSpec");
    const Json& row_splits = field(args, "row_splits_dtype");
    const Json& flat_values = field(args, "flat_values_spec");
    std::optional<TypeSpec> flat;
    if (!flat_values.is_null()) flat = TypeSpec::from_json(flat_values);
    return TypeSpec::ragged(Shape::tf_from_json(field(args, "shape")), dtype_argument(args), parse_ragged_rank(field(args, "ragged_rank")),
                            row_splits.is_null() ? DType::Int64 : tf_as_dtype(row_splits), flat);
  }
  throw_invalid("Unknown type spec kind " + python::quote_prefix(kind, kMaxQuotedBytes) +
                ": expected 'tensor', 'sparse' or 'ragged'.");
}

// tf_keras's json_utils form: {"class_name":"TypeSpec","type_spec":"tf.TensorSpec",
// "serialized":{"class_name":"__tuple__","items":[...]}} where items are the spec's _serialize() tuple.
TypeSpec spec_from_tf_keras_json(const Json& value) {
  const Json& type_name = field(value, "type_spec");
  const Json& serialized = field(value, "serialized");
  const Json& items = serialized.is_object() ? field(serialized, "items") : serialized;
  if (!type_name.is_string() || !items.is_array()) {
    throw_invalid("Malformed serialized TypeSpec: " + dump_prefix(value, kMaxQuotedBytes));
  }
  const std::string name = type_name.get<std::string>();
  auto item = [&](std::size_t i) -> const Json& {
    static const Json null_value;
    return i < items.size() ? items[i] : null_value;
  };
  if (name == "tf.TensorSpec") {
    return spec_from_kwargs("tensor", {{"shape", item(0)}, {"dtype", item(1)}, {"name", item(2)}});
  }
  if (name == "tf.SparseTensorSpec") return spec_from_kwargs("sparse", {{"shape", item(0)}, {"dtype", item(1)}});
  if (name == "tf.RaggedTensorSpec") {
    return spec_from_kwargs("ragged", {{"shape", item(0)},
                                       {"dtype", item(1)},
                                       {"ragged_rank", item(2)},
                                       {"row_splits_dtype", item(3)},
                                       {"flat_values_spec", item(4)}});
  }
  throw_invalid("Unsupported TypeSpec " + python::quote_prefix(name, kMaxQuotedBytes) +
                ": expected tf.TensorSpec, tf.SparseTensorSpec or tf.RaggedTensorSpec.");
}

}  // namespace

TypeSpec TypeSpec::tensor(Shape shape, DType dtype, std::optional<std::string> name) {
  TypeSpec spec(SpecKind::Tensor, std::move(shape), dtype);
  spec.name_ = std::move(name);
  return spec;
}

TypeSpec TypeSpec::sparse(Shape shape, DType dtype) { return TypeSpec(SpecKind::Sparse, std::move(shape), dtype); }

TypeSpec TypeSpec::ragged(Shape shape, std::optional<DType> dtype, std::optional<int> ragged_rank,
                          DType row_splits_dtype, std::optional<TypeSpec> flat_values_spec) {
  // Checks in tf.RaggedTensorSpec.__init__'s order (it does not check row_splits_dtype).
  if (flat_values_spec) {
    if (!dtype) {
      dtype = flat_values_spec->dtype();
    } else if (*dtype != flat_values_spec->dtype()) {
      throw_invalid("dtype must be the same as flat_values_spec.dtype");
    }
  } else if (!dtype) {
    throw_invalid("At least one of dtype or flat_values_spec must be provided");
  }
  const int rank = shape.rank();
  if (!ragged_rank) {
    if (rank < 0) throw_invalid("Must specify ragged_rank or a shape with a known rank.");
    ragged_rank = rank - 1;
  }
  if (rank >= 0 && *ragged_rank >= rank) {
    throw_invalid("Argument `ragged_rank` (" + std::to_string(*ragged_rank) + ") must be less than rank (" +
                  std::to_string(rank) + ").");
  }
  TypeSpec spec(SpecKind::Ragged, std::move(shape), *dtype);
  spec.ragged_rank_ = *ragged_rank;
  spec.row_splits_dtype_ = row_splits_dtype;
  if (flat_values_spec) spec.flat_values_spec_ = std::make_shared<const TypeSpec>(std::move(*flat_values_spec));
  return spec;
}

TypeSpec TypeSpec::from_json(const Json& value) {
  if (!value.is_object()) {
    throw Error(Status::ParseError, "A type spec must be a JSON object, got " + dump_prefix(value, kMaxQuotedBytes));
  }
  if (value.contains("kind")) {
    const Json& kind = value["kind"];
    if (!kind.is_string()) {
      throw_invalid("Type spec \"kind\" must be a string, got " + dump_prefix(kind, kMaxQuotedBytes));
    }
    return spec_from_kwargs(kind.get<std::string>(), value);
  }
  const Json& class_name = field(value, "class_name");
  if (class_name == "TypeSpec") return spec_from_tf_keras_json(value);
  const Json& config = field(value, "config");
  if (class_name.is_string() && config.is_object()) {
    static const std::pair<const char*, const char*> kClassKinds[] = {
        {"TensorSpec", "tensor"}, {"SparseTensorSpec", "sparse"}, {"RaggedTensorSpec", "ragged"}};
    for (const auto& [cls, kind] : kClassKinds) {
      if (class_name == cls) return spec_from_kwargs(kind, config);
    }
  }
  throw_invalid("A type spec needs a \"kind\" ('tensor', 'sparse' or 'ragged'), got " +
                dump_prefix(value, kMaxQuotedBytes));
}

Json TypeSpec::to_json() const {
  Json out;
  switch (kind_) {
    case SpecKind::Tensor:
      out = {{"kind", "tensor"}, {"shape", shape_.to_json()}, {"dtype", dtype_name(dtype_)}};
      out["name"] = name_ ? Json(*name_) : Json(nullptr);
      break;
    case SpecKind::Sparse:
      out = {{"kind", "sparse"}, {"shape", shape_.to_json()}, {"dtype", dtype_name(dtype_)}};
      break;
    case SpecKind::Ragged:
      out = {{"kind", "ragged"},
             {"shape", shape_.to_json()},
             {"dtype", dtype_name(dtype_)},
             {"ragged_rank", ragged_rank_},
             {"row_splits_dtype", dtype_name(row_splits_dtype_)}};
      out["flat_values_spec"] = flat_values_spec_ ? flat_values_spec_->to_json() : Json(nullptr);
      break;
  }
  return out;
}

bool TypeSpec::is_compatible_with(const TypeSpec& other) const {
  // TensorFlow: a RaggedTensorSpec of ragged_rank 0 describes a dense tensor, so it accepts a TensorSpec
  // (one way only: TensorSpec.is_compatible_with does not look at ragged specs).
  if (kind_ == SpecKind::Ragged && ragged_rank_ == 0 && other.kind_ == SpecKind::Tensor) {
    if (flat_values_spec_) return flat_values_spec_->is_compatible_with(other);
    return dtype_ == other.dtype_ && shape_.is_compatible_with(other.shape_);
  }
  if (kind_ != other.kind_ || dtype_ != other.dtype_ || !shape_.is_compatible_with(other.shape_)) return false;
  if (kind_ != SpecKind::Ragged) return true;
  if (ragged_rank_ != other.ragged_rank_ || row_splits_dtype_ != other.row_splits_dtype_) return false;
  if (!flat_values_spec_ || !other.flat_values_spec_) return !flat_values_spec_ && !other.flat_values_spec_;
  return flat_values_spec_->is_compatible_with(*other.flat_values_spec_);
}

TypeSpec TypeSpec::most_specific_compatible_type(const TypeSpec& other) const {
  // Everything but the shape must be equal, names included.
  const bool same_structure = kind_ == other.kind_ && dtype_ == other.dtype_ && name_ == other.name_ &&
                              (kind_ != SpecKind::Ragged ||
                               (ragged_rank_ == other.ragged_rank_ && row_splits_dtype_ == other.row_splits_dtype_ &&
                                !flat_values_spec_ == !other.flat_values_spec_));
  if (!same_structure) {
    throw_invalid("No TypeSpec is compatible with both " + repr() + " and " + other.repr());
  }
  TypeSpec result = *this;
  result.shape_ = shape_.most_specific_compatible_shape(other.shape_);
  if (flat_values_spec_) {
    result.flat_values_spec_ =
        std::make_shared<const TypeSpec>(flat_values_spec_->most_specific_compatible_type(*other.flat_values_spec_));
  }
  return result;
}

std::string TypeSpec::repr() const {
  switch (kind_) {
    case SpecKind::Tensor:
      return "TensorSpec(shape=" + shape_.to_tf_string() + ", dtype=" + tf_dtype_repr(dtype_) +
             ", name=" + (name_ ? python::quote(*name_) : std::string("None")) + ")";
    case SpecKind::Sparse:
      return "SparseTensorSpec(" + shape_.to_tf_repr() + ", " + tf_dtype_repr(dtype_) + ")";
    case SpecKind::Ragged: {
      std::string out = "RaggedTensorSpec(" + shape_.to_tf_repr() + ", " + tf_dtype_repr(dtype_) + ", " +
                        std::to_string(ragged_rank_) + ", " + tf_dtype_repr(row_splits_dtype_);
      if (flat_values_spec_) out += ", " + flat_values_spec_->repr();
      return out + ")";
    }
  }
  return "TypeSpec()";
}

bool TypeSpec::operator==(const TypeSpec& other) const {
  if (kind_ != other.kind_ || shape_ != other.shape_ || dtype_ != other.dtype_ || name_ != other.name_ ||
      ragged_rank_ != other.ragged_rank_ || row_splits_dtype_ != other.row_splits_dtype_) {
    return false;
  }
  if (!flat_values_spec_ || !other.flat_values_spec_) return !flat_values_spec_ && !other.flat_values_spec_;
  return *flat_values_spec_ == *other.flat_values_spec_;
}

}  // namespace inlay::core
