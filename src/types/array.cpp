#include "types/array.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "util/error.hpp"

namespace inlay::core {





namespace {

constexpr std::size_t kAlignment = 64;  // a cache line; what oneDNN prefers for its buffers

std::string tuple_string(const std::vector<int64_t>& dims) {
  std::string out = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(dims[i]);  // concrete dims: a negative one is printed as given, it is the error
  }
  if (dims.size() == 1) out += ",";
  return out + ")";
}

void check_dtype(DType dtype) {
  if (!is_valid_dtype(static_cast<int>(dtype))) {
    throw_invalid("invalid dtype value " + std::to_string(static_cast<int>(dtype)));
  }
  if (dtype == DType::String) throw Error(Status::Unsupported, "arrays of dtype string are not supported");
}

}  // namespace

std::size_t checked_element_count(const std::vector<int64_t>& dims, DType dtype, const std::string& what) {
  if (dims.size() > static_cast<std::size_t>(kMaxRank)) {
    throw_invalid(what + " has rank " + std::to_string(dims.size()) + "; at most " + std::to_string(kMaxRank) +
                  " is supported");
  }
  const std::size_t limit = std::numeric_limits<std::size_t>::max() / 2 / std::max<std::size_t>(dtype_size(dtype), 1);
  // An array with a 0 dim is empty whatever its other dims, in any order (no element, no byte: nothing to
  // address); otherwise the byte size must be addressable. Dims are checked in order (negative, too large).
  const bool empty = std::find(dims.begin(), dims.end(), 0) != dims.end();
  std::size_t count = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 0) {
      throw_invalid(what + " " + tuple_string(dims) + ": dimension " + std::to_string(i) + " is negative");
    }
    if (empty) continue;
    const auto d = static_cast<std::size_t>(dims[i]);
    if (count > limit / d) throw_invalid(what + " " + tuple_string(dims) + " is too large to address");
    count *= d;
  }
  return empty ? 0 : count;
}

std::unique_ptr<Array> Array::create(DType dtype, std::vector<int64_t> dims) {
  check_dtype(dtype);
  std::unique_ptr<Array> a(new Array());
  a->element_count_ = checked_element_count(dims, dtype, "array shape");
  a->dtype_ = dtype;
  a->dims_ = std::move(dims);
  a->allocate();
  return a;
}

std::unique_ptr<Array> Array::wrap(DType dtype, std::vector<int64_t> dims, void* data) {
  check_dtype(dtype);
  std::unique_ptr<Array> a(new Array());
  a->element_count_ = checked_element_count(dims, dtype, "array shape");
  if (data == nullptr && a->element_count_ > 0) throw_invalid("data is NULL for an array with elements");
  a->dtype_ = dtype;
  a->dims_ = std::move(dims);
  a->data_ = data;
  return a;
}

std::unique_ptr<Array> Array::wrap_sparse(DType dtype, std::vector<int64_t> dense_dims, const int64_t* indices,
                                          const void* values, std::size_t nnz) {
  check_dtype(dtype);
  checked_element_count(dense_dims, dtype, "dense_dims");
  if (dense_dims.empty()) throw_invalid("a sparse array needs rank >= 1");
  if (nnz > 0 && indices == nullptr) throw_invalid("indices is NULL with nnz " + std::to_string(nnz) + " > 0");
  if (nnz > 0 && values == nullptr) throw_invalid("values is NULL with nnz " + std::to_string(nnz) + " > 0");
  const std::size_t rank = dense_dims.size();
  // nnz x rank int64 indices and nnz values must be addressable (the caller's buffers hold them).
  const std::size_t per_entry = std::max<std::size_t>(rank * sizeof(int64_t), dtype_size(dtype));
  if (nnz > std::numeric_limits<std::size_t>::max() / 2 / per_entry) {
    throw_invalid("nnz " + std::to_string(nnz) + " is too large: its indices and values cannot be addressed");
  }
  for (std::size_t k = 0; k < nnz; ++k) {
    for (std::size_t j = 0; j < rank; ++j) {
      const int64_t v = indices[k * rank + j];
      if (v < 0 || v >= dense_dims[j]) {
        throw_invalid("indices[" + std::to_string(k) + "] = [" + [&] {
          std::string s;
          for (std::size_t t = 0; t < rank; ++t) s += (t ? ", " : "") + std::to_string(indices[k * rank + t]);
          return s;
        }() + "] is out of bounds for dense shape " + tuple_string(dense_dims));
      }
    }
  }
  std::unique_ptr<Array> a(new Array());
  a->kind_ = ArrayKind::Sparse;
  a->dtype_ = dtype;
  a->dims_ = std::move(dense_dims);
  a->data_ = const_cast<void*>(values);  // never written through: predict only reads its inputs
  a->element_count_ = nnz;
  a->indices_ = indices;
  return a;
}

namespace {

void check_row_splits(const int64_t* row_splits, std::size_t n, int64_t n_values) {
  if (n == 0) throw_invalid("row_splits must have at least one entry");
  if (row_splits == nullptr) throw_invalid("row_splits is NULL");
  if (row_splits[0] != 0) throw_invalid("row_splits[0] must be 0, got " + std::to_string(row_splits[0]));
  for (std::size_t i = 1; i < n; ++i) {
    if (row_splits[i] < row_splits[i - 1]) {
      throw_invalid("row_splits must be non-decreasing; row_splits[" + std::to_string(i) + "] = " +
                    std::to_string(row_splits[i]) + " < row_splits[" + std::to_string(i - 1) + "] = " +
                    std::to_string(row_splits[i - 1]));
    }
  }
  if (row_splits[n - 1] != n_values) {
    throw_invalid("row_splits[-1] must equal the number of flat values (" + std::to_string(n_values) + "), got " +
                  std::to_string(row_splits[n - 1]));
  }
}

}  // namespace

// The checks and shape every ragged array shares; the data is set by the caller.
std::unique_ptr<Array> Array::ragged_shape(DType dtype, std::vector<int64_t> flat_dims, const int64_t* row_splits,
                                           std::size_t n_row_splits) {
  check_dtype(dtype);
  if (flat_dims.empty()) throw_invalid("flat_values must have rank >= 1");
  if (flat_dims.size() + 1 > static_cast<std::size_t>(kMaxRank)) throw_invalid("ragged array rank is too large");
  std::unique_ptr<Array> a(new Array());
  a->element_count_ = checked_element_count(flat_dims, dtype, "flat_dims");
  check_row_splits(row_splits, n_row_splits, flat_dims[0]);
  a->kind_ = ArrayKind::Ragged;
  a->dtype_ = dtype;
  a->dims_ = {static_cast<int64_t>(n_row_splits - 1), -1};
  a->dims_.insert(a->dims_.end(), flat_dims.begin() + 1, flat_dims.end());
  a->flat_dims_ = std::move(flat_dims);
  a->row_splits_ = row_splits;
  a->n_row_splits_ = n_row_splits;
  return a;
}

std::unique_ptr<Array> Array::wrap_ragged(DType dtype, const void* flat_values, std::vector<int64_t> flat_dims,
                                          const int64_t* row_splits, std::size_t n_row_splits) {
  std::unique_ptr<Array> a = ragged_shape(dtype, std::move(flat_dims), row_splits, n_row_splits);
  if (flat_values == nullptr && a->element_count_ > 0) throw_invalid("flat_values is NULL");
  a->data_ = const_cast<void*>(flat_values);  // never written through: predict only reads its inputs
  return a;
}

std::unique_ptr<Array> Array::create_ragged(DType dtype, std::vector<int64_t> flat_dims,
                                            std::vector<int64_t> row_splits) {
  std::unique_ptr<Array> a = ragged_shape(dtype, std::move(flat_dims), row_splits.data(), row_splits.size());
  a->owned_row_splits_ = std::move(row_splits);  // moving a vector keeps its buffer: row_splits_ stays valid
  a->allocate();
  return a;
}

void Array::allocate() {
  const std::size_t bytes = byte_size();
  // No allocator hands out more than PTRDIFF_MAX bytes; asking for it is refused here, before the rounding
  // below could pass 2^63 (which memory checkers report as a negative size).
  if (bytes > static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) - kAlignment) {
    throw Error(Status::OutOfMemory, "cannot allocate " + std::to_string(bytes) + " bytes for an array");
  }
  const std::size_t rounded = (std::max<std::size_t>(bytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded);
  if (data_ == nullptr) {
    throw Error(Status::OutOfMemory, "cannot allocate " + std::to_string(bytes) + " bytes for an array");
  }
  owned_ = true;
  std::memset(data_, 0, bytes);
}

Array::~Array() {
  if (owned_) std::free(data_);
}

std::string Array::shape_string() const { return tuple_string(dims_); }

}  // namespace inlay::core
