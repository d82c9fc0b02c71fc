// Concrete arrays through the C ABI: create, wrap (dense, sparse, ragged), .npy files, accessors.
#include <string>
#include <vector>

#include "capi/enum_argument.hpp"
#include "capi/errors.hpp"
#include "capi/handles.hpp"
#include "io/npy.hpp"
#include "types/array.hpp"
#include "util/error.hpp"

using namespace inlay;

namespace {

// The dtype argument, never read as an inlay_dtype before it is known to be one (capi/enum_argument.hpp).
core::DType checked_dtype(const inlay_dtype& t, const char* function) {
  const int value = capi::enum_argument(t);
  if (!core::is_valid_dtype(value)) {
    throw core::Error(core::Status::InvalidArgument,
                      std::string(function) + ": invalid dtype value " + std::to_string(value));
  }
  return static_cast<core::DType>(value);
}

std::vector<int64_t> dims_argument(const int64_t* dims, int rank, const char* function, const char* argument) {
  if (rank < 0 || rank > core::kMaxRank) {
    throw core::Error(core::Status::InvalidArgument, std::string(function) + ": " + argument + " rank " +
                                                         std::to_string(rank) + " is outside 0.." +
                                                         std::to_string(core::kMaxRank));
  }
  if (rank > 0) capi::require(dims, function, argument);
  return std::vector<int64_t>(dims, dims + rank);
}

// Makes the array with the core and hands it to *out (checked by the caller). The core's messages name what
// was wrong; prefix the function as every C ABI error does (the argument checks above do it themselves).
template <typename Make>
void make_array(const char* function, inlay_array** out, Make&& make) {
  try {
    *out = capi::wrap(make().release());
  } catch (const core::Error& e) {
    throw core::Error(e.status(), std::string(function) + ": " + e.what());
  }
}

}  // namespace

extern "C" {

inlay_status inlay_array_create(inlay_dtype t, const int64_t* dims, int rank, inlay_array** out) {
  static constexpr const char* kFn = "inlay_array_create";
  return capi::guarded(kFn, [&] {
    capi::require(out, kFn, "out");
    const core::DType dtype = checked_dtype(t, kFn);
    std::vector<int64_t> shape = dims_argument(dims, rank, kFn, "dims");
    make_array(kFn, out, [&] { return core::Array::create(dtype, std::move(shape)); });
  });
}

inlay_status inlay_array_wrap(inlay_dtype t, const int64_t* dims, int rank, void* data, inlay_array** out) {
  static constexpr const char* kFn = "inlay_array_wrap";
  return capi::guarded(kFn, [&] {
    capi::require(out, kFn, "out");
    const core::DType dtype = checked_dtype(t, kFn);
    std::vector<int64_t> shape = dims_argument(dims, rank, kFn, "dims");
    make_array(kFn, out, [&] { return core::Array::wrap(dtype, std::move(shape), data); });
  });
}

inlay_status inlay_array_wrap_sparse(inlay_dtype t, const int64_t* dense_dims, int rank, const int64_t* indices,
                                     const void* values, size_t nnz, inlay_array** out) {
  static constexpr const char* kFn = "inlay_array_wrap_sparse";
  return capi::guarded(kFn, [&] {
    capi::require(out, kFn, "out");
    const core::DType dtype = checked_dtype(t, kFn);
    std::vector<int64_t> shape = dims_argument(dense_dims, rank, kFn, "dense_dims");
    make_array(kFn, out, [&] { return core::Array::wrap_sparse(dtype, std::move(shape), indices, values, nnz); });
  });
}

inlay_status inlay_array_wrap_ragged(inlay_dtype t, const void* flat_values, const int64_t* flat_dims, int flat_rank,
                                     const int64_t* row_splits, size_t n_row_splits, inlay_array** out) {
  static constexpr const char* kFn = "inlay_array_wrap_ragged";
  return capi::guarded(kFn, [&] {
    capi::require(out, kFn, "out");
    const core::DType dtype = checked_dtype(t, kFn);
    std::vector<int64_t> shape = dims_argument(flat_dims, flat_rank, kFn, "flat_dims");
    make_array(kFn, out, [&] {
      return core::Array::wrap_ragged(dtype, flat_values, std::move(shape), row_splits, n_row_splits);
    });
  });
}

inlay_status inlay_array_load_npy(const char* path, inlay_array** out) {
  static constexpr const char* kFn = "inlay_array_load_npy";
  return capi::guarded(kFn, [&] {
    capi::require(path, kFn, "path");
    capi::require(out, kFn, "out");
    make_array(kFn, out, [&] { return core::load_npy(path); });
  });
}

inlay_status inlay_array_save_npy(const inlay_array* a, const char* path) {
  static constexpr const char* kFn = "inlay_array_save_npy";
  return capi::guarded(kFn, [&] {
    capi::require(a, kFn, "a");
    capi::require(path, kFn, "path");
    if (capi::unwrap(a)->kind() != core::ArrayKind::Dense) {
      throw core::Error(core::Status::InvalidArgument, std::string(kFn) + ": only dense arrays can be saved as .npy");
    }
    core::save_npy(*capi::unwrap(a), path);
  });
}

void inlay_array_free(inlay_array* a) { delete capi::unwrap(a); }

void* inlay_array_data(const inlay_array* a) { return a == nullptr ? nullptr : capi::unwrap(a)->data(); }

inlay_array_kind inlay_array_kind_of(const inlay_array* a) {
  return a == nullptr ? static_cast<inlay_array_kind>(0) : static_cast<inlay_array_kind>(capi::unwrap(a)->kind());
}

int inlay_array_rank(const inlay_array* a) { return a == nullptr ? -1 : capi::unwrap(a)->rank(); }

const int64_t* inlay_array_dims(const inlay_array* a) {
  if (a == nullptr || capi::unwrap(a)->rank() == 0) return nullptr;
  return capi::unwrap(a)->dims().data();
}

inlay_dtype inlay_array_dtype(const inlay_array* a) {
  return a == nullptr ? static_cast<inlay_dtype>(0) : static_cast<inlay_dtype>(capi::unwrap(a)->dtype());
}

size_t inlay_array_element_count(const inlay_array* a) { return a == nullptr ? 0 : capi::unwrap(a)->element_count(); }

const int64_t* inlay_array_row_splits(const inlay_array* a, size_t* n_row_splits) {
  if (a == nullptr || capi::unwrap(a)->kind() != core::ArrayKind::Ragged) return nullptr;
  if (n_row_splits != nullptr) *n_row_splits = capi::unwrap(a)->row_split_count();
  return capi::unwrap(a)->row_splits();
}

const int64_t* inlay_array_flat_dims(const inlay_array* a, int* flat_rank) {
  if (a == nullptr || capi::unwrap(a)->kind() != core::ArrayKind::Ragged) return nullptr;
  if (flat_rank != nullptr) *flat_rank = static_cast<int>(capi::unwrap(a)->flat_dims().size());
  return capi::unwrap(a)->flat_dims().data();
}

const int64_t* inlay_array_sparse_indices(const inlay_array* a, size_t* nnz) {
  if (a == nullptr || capi::unwrap(a)->kind() != core::ArrayKind::Sparse) return nullptr;
  if (nnz != nullptr) *nnz = capi::unwrap(a)->nnz();
  return capi::unwrap(a)->sparse_indices();
}

}  // extern "C"
