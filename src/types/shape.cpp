#include "types/shape.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

std::string dim_text(int64_t d) { return d == kNoneDim ? "None" : std::to_string(d); }

std::string join_dims(const std::vector<int64_t>& dims) {
  std::string out;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += dim_text(dims[i]);
  }
  return out;
}

// Keras's "Cannot convert '<shape>' to a shape. <why>", quoting a bounded prefix of the shape. Built only
// when raised: a shape of a million dims is checked dim by dim, and its text is megabytes.
[[noreturn]] void cannot_convert(const Json& shape, python::Sequence arrays, const std::string& why) {
  throw_invalid("Cannot convert '" + python::str_prefix(shape, kMaxQuotedBytes, arrays) +
                "' to a shape. " + why);
}

// One element of a shape through standardize_shape's loop: None, or int(d) >= 0.
int64_t standardize_dim(const Json& shape, python::Sequence arrays, const Json& d) {
  if (d.is_null()) return kNoneDim;
  if (d.is_string() || d.is_number_float() || d.is_array() || d.is_object()) {
    // str and float are rejected outright; int(list) / int(dict) raise, which Keras reports the same way.
    cannot_convert(shape, arrays, "Found invalid dimension '" + python::str_prefix(d, kMaxQuotedBytes) + "' of type '" +
                              python::type_name(d) + "'. ");
  }
  int64_t value = 0;
  if (d.is_boolean()) {
    value = d.get<bool>() ? 1 : 0;
  } else if (d.is_number_unsigned()) {
    if (d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      cannot_convert(shape, arrays, "Dimension " + d.dump() + " does not fit in int64.");
    }
    value = static_cast<int64_t>(d.get<uint64_t>());
  } else {
    value = d.get<int64_t>();
  }
  if (value < 0) cannot_convert(shape, arrays, "Negative dimensions are not allowed.");
  return value;
}

}  // namespace

void check_shape_rank(std::size_t rank, const std::string& what) {
  if (rank <= kMaxShapeRank) return;
  throw_invalid(what + " has " + std::to_string(rank) + " dimensions, more than the " + std::to_string(kMaxShapeRank) +
                " a TensorFlow tensor can have (inlay refuses such shapes: each layer output would hold them all).");
}

bool Shape::is_fully_defined() const {
  if (!known_) return false;
  for (int64_t d : dims_) {
    if (d == kNoneDim) return false;
  }
  return true;
}

bool Shape::is_compatible_with(const Shape& other) const {
  if (!known_ || !other.known_) return true;
  if (dims_.size() != other.dims_.size()) return false;
  for (std::size_t i = 0; i < dims_.size(); ++i) {
    if (dims_[i] != kNoneDim && other.dims_[i] != kNoneDim && dims_[i] != other.dims_[i]) return false;
  }
  return true;
}

Shape Shape::merge_with(const Shape& other) const {
  if (!known_) return other;
  if (!other.known_) return *this;
  if (!is_compatible_with(other)) {
    throw_invalid("Shapes " + to_tf_string() + " and " + other.to_tf_string() + " are not compatible");
  }
  std::vector<int64_t> merged = dims_;
  for (std::size_t i = 0; i < merged.size(); ++i) {
    if (merged[i] == kNoneDim) merged[i] = other.dims_[i];
  }
  return Shape(std::move(merged));
}

Shape Shape::most_specific_compatible_shape(const Shape& other) const {
  if (!known_ || !other.known_ || dims_.size() != other.dims_.size()) return Shape::unknown();
  std::vector<int64_t> common = dims_;
  for (std::size_t i = 0; i < common.size(); ++i) {
    if (common[i] != other.dims_[i]) common[i] = kNoneDim;
  }
  return Shape(std::move(common));
}

std::optional<int64_t> Shape::num_elements() const {
  if (!is_fully_defined()) return std::nullopt;
  int64_t count = 1;
  for (int64_t d : dims_) {
    if (d != 0 && count > INT64_MAX / d) {
      throw_invalid("The number of elements of shape " + to_tuple_string() + " overflows int64.");
    }
    count *= d;
  }
  return count;
}

std::string Shape::to_tuple_string() const {
  if (!known_) return "None";
  // Appended piecewise: GCC 12 misreports "(" + std::string as overlapping memcpy (-Wrestrict).
  std::string out(1, '(');
  out += join_dims(dims_);
  if (dims_.size() == 1) out += ',';
  out += ')';
  return out;
}

std::string Shape::to_tf_string() const { return known_ ? to_tuple_string() : "<unknown>"; }

std::string Shape::to_tf_repr() const {
  return known_ ? "TensorShape([" + join_dims(dims_) + "])" : "TensorShape(None)";
}

Json Shape::to_json() const {
  if (!known_) return nullptr;
  Json out = Json::array();
  for (int64_t d : dims_) out.push_back(d == kNoneDim ? Json(nullptr) : Json(d));
  return out;
}

Shape Shape::tf_from_json(const Json& value) {
  if (value.is_null()) return Shape::unknown();
  if (!value.is_array()) {
    throw_invalid("Shapes must be a list of dimensions or None, got " + python::repr_prefix(value, kMaxQuotedBytes));
  }
  std::vector<int64_t> dims;
  dims.reserve(value.size());
  for (const auto& d : value) {
    if (d.is_null()) {
      dims.push_back(kNoneDim);
    } else if (d.is_number_integer() || d.is_boolean()) {
      // TensorShape keeps a Python bool as it is; inlay's dims are int64, so True is 1.
      const int64_t v = d.is_boolean() ? int64_t{d.get<bool>()} : d.get<int64_t>();
      if (v < 0) throw_invalid("Dimension " + std::to_string(v) + " must be >= 0");
      dims.push_back(v);
    } else {
      throw_invalid("Dimension value must be integer or None or have an __index__ method, got value '" +
                    python::repr_prefix(d, kMaxQuotedBytes) + "' with type '" + python::type_name(d) + "'");
    }
  }
  if (dims.size() > kMaxShapeRank) check_shape_rank(dims.size(), "Shape " + python::repr_prefix(value, 64));
  return Shape(std::move(dims));
}

Shape standardize_shape(const Json& value, python::Sequence arrays) {
  if (value.is_null()) throw_invalid("Undefined shapes are not supported.");
  std::vector<int64_t> dims;
  if (value.is_array()) {
    dims.reserve(value.size());
    for (const auto& d : value) dims.push_back(standardize_dim(value, arrays, d));
  } else if (value.is_string()) {
    // A str is iterable: each character is a str dimension (so the first one is refused).
    for (char c : value.get<std::string>()) dims.push_back(standardize_dim(value, arrays, std::string(1, c)));
  } else if (value.is_object()) {
    // Iterating a dict yields its keys.
    for (const auto& item : value.items()) dims.push_back(standardize_dim(value, arrays, item.key()));
  } else {
    throw_invalid("Cannot convert '" + python::str_prefix(value, kMaxQuotedBytes) + "' to a shape.");
  }
  if (dims.size() > kMaxShapeRank) {
    check_shape_rank(dims.size(), "Cannot convert '" + python::str_prefix(value, 64, arrays) +
                                      "' to a shape: it");
  }
  return Shape(std::move(dims));
}

}  // namespace inlay::core
