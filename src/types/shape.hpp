// A tensor shape as TensorFlow's TensorShape sees it: unknown rank, or a list of dims where kNoneDim is
// Keras's None.
#pragma once

#include <cstddef>
#include <cstdint>
#include "util/json.hpp"
#include "util/python_text.hpp"
#include <optional>
#include <string>
#include <vector>

namespace inlay::core {

inline constexpr int64_t kNoneDim = -1;

// The most dimensions a shape read from outside may have: TensorFlow's TensorShape::MaxDimensions(). Keras
// describes higher ranks symbolically, but TensorFlow cannot make (or run) such a tensor, and every layer
// output stores its shape: a chain of n layers on a rank-r input holds n * r dims, which a small file could
// make gigabytes of with an unbounded r.
inline constexpr std::size_t kMaxShapeRank = 254;

class Shape {
 public:
  Shape() = default;  // unknown rank
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)), known_(true) {}
  static Shape unknown() { return Shape(); }

  bool has_rank() const { return known_; }
  int rank() const { return known_ ? static_cast<int>(dims_.size()) : -1; }
  const std::vector<int64_t>& dims() const { return dims_; }  // empty when the rank is unknown
  int64_t operator[](std::size_t i) const { return dims_[i]; }
  bool is_fully_defined() const;

  // TensorShape.is_compatible_with: unknown rank or None dims match anything.
  bool is_compatible_with(const Shape& other) const;
  // TensorShape.merge_with: the most specific shape compatible with both; ValueError if incompatible.
  Shape merge_with(const Shape& other) const;
  // TensorShape.most_specific_compatible_shape: the most specific shape both are compatible with.
  Shape most_specific_compatible_shape(const Shape& other) const;
  // Product of the dims; nullopt if any is unknown. Throws InvalidArgument when it overflows int64.
  std::optional<int64_t> num_elements() const;

  bool operator==(const Shape& other) const { return known_ == other.known_ && dims_ == other.dims_; }
  bool operator!=(const Shape& other) const { return !(*this == other); }

  // Python tuple text, as Keras prints shapes: "(None, 32)", "(32,)", "()"; "None" for an unknown rank.
  std::string to_tuple_string() const;
  // str(tf.TensorShape): the tuple text, "<unknown>" for an unknown rank.
  std::string to_tf_string() const;
  // repr(tf.TensorShape): "TensorShape([None, 32])", "TensorShape(None)".
  std::string to_tf_repr() const;

  // JSON: [null, 32], or null for an unknown rank.
  Json to_json() const;
  // tf.TensorShape(value): null -> unknown rank, a list of int/null dims (TensorFlow's errors otherwise);
  // at most kMaxShapeRank of them.
  static Shape tf_from_json(const Json& value);

 private:
  std::vector<int64_t> dims_;
  bool known_ = false;
};

// keras.backend.standardize_shape (TensorFlow backend) on a JSON value: a list of ints >= 0 or None.
// Messages quote the value as Keras received it: `arrays` says whether that was a list (what a caller's JSON
// array is, e.g. Input(shape=[-1])) or a tuple (a shape Keras built itself, e.g. a kernel shape). Also refuses
// more than kMaxShapeRank dims (after Keras's own checks).
Shape standardize_shape(const Json& value, python::Sequence arrays = python::Sequence::Tuple);

// Throws InvalidArgument "<what> has N dimensions, more than the 254 ..." when rank > kMaxShapeRank.
void check_shape_rank(std::size_t rank, const std::string& what);

}  // namespace inlay::core
