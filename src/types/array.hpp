// A concrete array handed to or returned by predict: dense (row-major), sparse (tf.SparseTensor's COO) or
// ragged (tf.RaggedTensor of ragged_rank 1). Data is owned (a zeroed, 64-byte aligned buffer) or
// borrowed from the caller (zero-copy wrap). Every constructor validates, so an Array that exists is
// consistent: sizes fit in memory, sparse indices are in range, row_splits describe the flat values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "types/dtype.hpp"

namespace inlay::core {

enum class ArrayKind { Dense = 1, Sparse, Ragged };

inline constexpr int kMaxRank = 8;

class Array {
 public:
  // Owned, zero-filled dense array.
  static std::unique_ptr<Array> create(DType dtype, std::vector<int64_t> dims);
  // Dense array over the caller's buffer.
  static std::unique_ptr<Array> wrap(DType dtype, std::vector<int64_t> dims, void* data);
  // Sparse COO: indices is nnz x rank, values nnz elements (both borrowed).
  static std::unique_ptr<Array> wrap_sparse(DType dtype, std::vector<int64_t> dense_dims, const int64_t* indices,
                                            const void* values, std::size_t nnz);
  // Ragged of ragged_rank 1 (both buffers borrowed).
  static std::unique_ptr<Array> wrap_ragged(DType dtype, const void* flat_values, std::vector<int64_t> flat_dims,
                                            const int64_t* row_splits, std::size_t n_row_splits);
  // An owned ragged array with a copy of row_splits and zeroed flat values (predict's ragged outputs).
  static std::unique_ptr<Array> create_ragged(DType dtype, std::vector<int64_t> flat_dims,
                                              std::vector<int64_t> row_splits);

  ArrayKind kind() const { return kind_; }
  DType dtype() const { return dtype_; }
  // Logical dims: dense dims, a sparse array's dense_dims, or (rows, -1, flat_dims[1:]...) when ragged.
  const std::vector<int64_t>& dims() const { return dims_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  void* data() const { return data_; }
  std::size_t element_count() const { return element_count_; }
  std::size_t byte_size() const { return element_count_ * dtype_size(dtype_); }

  // Ragged only.
  const std::vector<int64_t>& flat_dims() const { return flat_dims_; }
  const int64_t* row_splits() const { return row_splits_; }
  std::size_t row_split_count() const { return n_row_splits_; }
  // Sparse only.
  const int64_t* sparse_indices() const { return indices_; }
  std::size_t nnz() const { return kind_ == ArrayKind::Sparse ? element_count_ : 0; }

  // "(2, 32)" as Python prints a shape tuple (None for the ragged dimension).
  std::string shape_string() const;

  ~Array();
  Array(const Array&) = delete;
  Array& operator=(const Array&) = delete;

 private:
  Array() = default;
  static std::unique_ptr<Array> ragged_shape(DType dtype, std::vector<int64_t> flat_dims, const int64_t* row_splits,
                                             std::size_t n_row_splits);
  void allocate();  // owned, zeroed storage for element_count_ elements

  ArrayKind kind_ = ArrayKind::Dense;
  DType dtype_ = DType::Float32;
  std::vector<int64_t> dims_;
  std::vector<int64_t> flat_dims_;
  void* data_ = nullptr;
  bool owned_ = false;
  std::size_t element_count_ = 0;
  const int64_t* indices_ = nullptr;
  const int64_t* row_splits_ = nullptr;
  std::size_t n_row_splits_ = 0;
  std::vector<int64_t> owned_row_splits_;
};

// The element count of dims, checked: every dim >= 0, rank <= kMaxRank, the byte size fits in size_t.
// `what` names the argument in the message.
std::size_t checked_element_count(const std::vector<int64_t>& dims, DType dtype, const std::string& what);

}  // namespace inlay::core
