// The TypeSpec family Keras inputs are described by: tf.TensorSpec, tf.SparseTensorSpec and
// tf.RaggedTensorSpec, with TensorFlow's constructor validation, compatibility rules and reprs.
#pragma once

#include <memory>
#include "util/json.hpp"
#include <optional>
#include <string>

#include "types/dtype.hpp"
#include "types/shape.hpp"

namespace inlay::core {

// Same numeric values as inlay_spec_kind in include/inlay/inlay.h.
enum class SpecKind { Tensor = 1, Sparse, Ragged };

class TypeSpec {
 public:
  // tf.TensorSpec(shape, dtype, name)
  static TypeSpec tensor(Shape shape, DType dtype, std::optional<std::string> name = std::nullopt);
  // tf.SparseTensorSpec(shape, dtype)
  static TypeSpec sparse(Shape shape, DType dtype);
  // tf.RaggedTensorSpec(shape, dtype, ragged_rank, row_splits_dtype, flat_values_spec): ragged_rank
  // defaults to rank - 1; dtype may be left out only when flat_values_spec gives it.
  static TypeSpec ragged(Shape shape, std::optional<DType> dtype, std::optional<int> ragged_rank,
                         DType row_splits_dtype = DType::Int64,
                         std::optional<TypeSpec> flat_values_spec = std::nullopt);

  // The JSON form of include/inlay/inlay.h (inlay_spec_from_json), or Keras's serialized forms.
  static TypeSpec from_json(const Json& value);
  Json to_json() const;

  SpecKind kind() const { return kind_; }
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  const std::optional<std::string>& name() const { return name_; }
  int ragged_rank() const { return ragged_rank_; }  // -1 unless ragged
  DType row_splits_dtype() const { return row_splits_dtype_; }
  const TypeSpec* flat_values_spec() const { return flat_values_spec_.get(); }

  // TypeSpec.is_compatible_with (names are ignored).
  bool is_compatible_with(const TypeSpec& other) const;
  // TypeSpec.most_specific_compatible_type; ValueError "No TypeSpec is compatible with both ..." if none.
  TypeSpec most_specific_compatible_type(const TypeSpec& other) const;

  // repr() as TensorFlow prints it: "TensorSpec(shape=(None, 4), dtype=tf.float32, name=None)", ...
  std::string repr() const;

  bool operator==(const TypeSpec& other) const;
  bool operator!=(const TypeSpec& other) const { return !(*this == other); }

 private:
  TypeSpec(SpecKind kind, Shape shape, DType dtype) : kind_(kind), shape_(std::move(shape)), dtype_(dtype) {}

  SpecKind kind_;
  Shape shape_;
  DType dtype_;
  std::optional<std::string> name_;  // TensorSpec only
  int ragged_rank_ = -1;             // RaggedTensorSpec only
  DType row_splits_dtype_ = DType::Int64;
  std::shared_ptr<const TypeSpec> flat_values_spec_;  // immutable, so sharing is a copy
};

}  // namespace inlay::core
