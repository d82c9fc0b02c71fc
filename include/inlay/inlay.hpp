/**
 * @file inlay.hpp
 * @brief Header-only C++17 RAII wrapper over the C ABI in inlay.h (as dnnl.hpp is over dnnl.h).
 *
 * Every failing call throws inlay::error carrying the ::inlay_status and the library's message (what
 * inlay_last_error() returned). Owned handles (spec, graph, model, array) free themselves, and copies
 * share one handle (as dnnl::memory does); tensor and layer views are borrowed from their graph and stay
 * valid while the graph lives (a model keeps its graph alive). Thread-safety is the C ABI's (see inlay.h):
 * copying and destroying wrapper objects is thread-safe, and what a method may run concurrently with is
 * what the C function it calls may.
 */
#ifndef INLAY_INLAY_HPP
#define INLAY_INLAY_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "inlay/inlay.h"

/** The C++ wrapper: RAII handles over the C ABI. */
namespace inlay {

/**
 * @defgroup inlay_cpp C++ wrapper (inlay.hpp)
 * @brief Header-only RAII classes over the C ABI; failures throw inlay::error.
 * @{
 */

/** What every failing call throws: the C ABI's status and its message. */
class error : public std::runtime_error {
 public:
  /** @param status   The C ABI's status (never ::INLAY_OK).
   *  @param message  The message, what() returns. */
  error(inlay_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  /** @return The status of the failed call. */
  inlay_status status() const noexcept { return status_; }

 private:
  inlay_status status_;
};

namespace detail {

inline void check(inlay_status status) {
  if (status != INLAY_OK) throw error(status, inlay_last_error());
}

// A borrowed string of the library; "" for NULL (what the accessors return for a NULL handle, e.g. a
// moved-from model), never std::string(nullptr).
inline std::string copy_string(const char* text) { return text != nullptr ? std::string(text) : std::string(); }

// Takes ownership of a string the library made for the caller.
inline std::string take_string(char* text) {
  std::unique_ptr<char, void (*)(void*)> owned(text, inlay_free);
  return copy_string(text);
}

inline std::vector<int64_t> dims_of(int rank, const int64_t* dims) {
  if (rank <= 0 || dims == nullptr) return {};
  return std::vector<int64_t>(dims, dims + rank);
}

// Whether elements of type T can be the elements of an array of dtype t: same size, and the same kind
// for C++ arithmetic types (bool: bool; floating: float32/64; signed: int8..64; unsigned: uint8..64, or
// the bits of float16 / bfloat16 / float8). Other types (std::complex<float>, a user's half type) are
// checked by size only.
template <typename T>
bool element_type_matches(inlay_dtype t) {
  using U = std::remove_cv_t<T>;
  if (sizeof(U) != inlay_dtype_size(t)) return false;
  if constexpr (std::is_same_v<U, bool>) {
    return t == INLAY_BOOL;
  } else if constexpr (std::is_floating_point_v<U>) {
    return t == INLAY_FLOAT32 || t == INLAY_FLOAT64;
  } else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
    return t == INLAY_INT8 || t == INLAY_INT16 || t == INLAY_INT32 || t == INLAY_INT64;
  } else if constexpr (std::is_integral_v<U>) {
    return t == INLAY_UINT8 || t == INLAY_UINT16 || t == INLAY_UINT32 || t == INLAY_UINT64 || t == INLAY_FLOAT16 ||
           t == INLAY_BFLOAT16 || t == INLAY_FLOAT8_E4M3FN || t == INLAY_FLOAT8_E5M2;
  } else {
    return t != INLAY_STRING;
  }
}

}  // namespace detail

/** @return The library's version, "MAJOR.MINOR.PATCH" (inlay_version()). */
inline std::string version() { return inlay_version(); }

/** The oneDNN runtime as JSON (creates the CPU engine); see inlay_runtime_info().
 *  @return The JSON object's text.
 *  @throws error ::INLAY_INTERNAL_ERROR when the engine cannot be created. */
inline std::string runtime_info() {
  char* json = nullptr;
  detail::check(inlay_runtime_info(&json));
  return detail::take_string(json);
}

/** inlay_dtype_parse(): a Keras dtype name or alias.
 *  @param name  "float32", "int", ...
 *  @return The dtype.
 *  @throws error ::INLAY_INVALID_ARGUMENT for an unknown name. */
inline inlay_dtype parse_dtype(const std::string& name) {
  inlay_dtype dtype{};
  detail::check(inlay_dtype_parse(name.c_str(), &dtype));
  return dtype;
}

/** @param dtype  Any value.
 *  @return The canonical Keras name; "unknown" outside the enum (inlay_dtype_name()). */
inline std::string dtype_name(inlay_dtype dtype) { return inlay_dtype_name(dtype); }

/** A read-only view of a spec (see @ref inlay_specs); valid while its owner lives. Thread-safe: specs
 *  are immutable. */
class spec_view {
 public:
  /** @param spec  The spec viewed, borrowed (NULL gives the accessors' neutral values). */
  explicit spec_view(const inlay_spec* spec) : spec_(spec) {}

  /** @return The spec's kind (inlay_spec_kind_of()). */
  inlay_spec_kind kind() const { return inlay_spec_kind_of(spec_); }
  /** @return The rank; -1 for an unknown rank. */
  int rank() const { return inlay_spec_rank(spec_); }  // -1: unknown rank
  /** @return The dims, ::INLAY_DIM_NONE for unknown ones; empty for rank 0 or an unknown rank. */
  std::vector<int64_t> dims() const { return detail::dims_of(rank(), inlay_spec_dims(spec_)); }
  /** @return The dtype. */
  inlay_dtype dtype() const { return inlay_spec_dtype(spec_); }
  /** @return A RaggedTensorSpec's ragged_rank; -1 for other kinds. */
  int ragged_rank() const { return inlay_spec_ragged_rank(spec_); }
  /** @return Whether the spec has a name (only TensorSpecs can). */
  bool has_name() const { return inlay_spec_name(spec_) != nullptr; }
  /** @return The name; empty when it has none. */
  std::string name() const { return has_name() ? std::string(inlay_spec_name(spec_)) : std::string(); }
  /** @param other  Another spec.
   *  @return `this.is_compatible_with(other)` as TensorFlow decides it (inlay_spec_is_compatible_with()). */
  bool is_compatible_with(spec_view other) const { return inlay_spec_is_compatible_with(spec_, other.spec_) != 0; }
  /** @return The spec as JSON (inlay_spec_to_json()).
   *  @throws error ::INLAY_INVALID_ARGUMENT for a NULL view. */
  std::string to_json() const {
    char* json = nullptr;
    detail::check(inlay_spec_to_json(spec_, &json));
    return detail::take_string(json);
  }
  /** @return The C handle, borrowed. */
  const inlay_spec* get() const { return spec_; }

 private:
  const inlay_spec* spec_;
};

/** An owned TensorSpec / SparseTensorSpec / RaggedTensorSpec; copies share it. */
class spec : public spec_view {
 public:
  /** inlay_spec_from_json().
   *  @param json  The spec's JSON.
   *  @return The new spec.
   *  @throws error ::INLAY_PARSE_ERROR or ::INLAY_INVALID_ARGUMENT, as inlay_spec_from_json(). */
  static spec from_json(const std::string& json) {
    inlay_spec* out = nullptr;
    detail::check(inlay_spec_from_json(json.c_str(), &out));
    return spec(out);
  }
  /** TypeSpec.most_specific_compatible_type (inlay_spec_most_specific_compatible()).
   *  @param other  Another spec.
   *  @return The most specific spec both are compatible with.
   *  @throws error ::INLAY_INVALID_ARGUMENT when there is none. */
  spec most_specific_compatible(spec_view other) const {
    inlay_spec* out = nullptr;
    detail::check(inlay_spec_most_specific_compatible(get(), other.get(), &out));
    return spec(out);
  }

 private:
  explicit spec(inlay_spec* owned) : spec_view(owned), owned_(owned, inlay_spec_free) {}
  std::shared_ptr<inlay_spec> owned_;
};

class layer;

/** A symbolic tensor (KerasTensor), borrowed from its graph (see @ref inlay_tensors): a cheap view,
 *  valid while the graph lives. */
class tensor {
 public:
  /** @param t  The tensor viewed, borrowed; not NULL. */
  explicit tensor(inlay_tensor* t) : t_(t) {}

  /** @return The rank; -1 for an unknown rank. */
  int rank() const { return inlay_tensor_rank(t_); }
  /** @return The dims, ::INLAY_DIM_NONE for unknown ones; empty for rank 0 or an unknown rank. */
  std::vector<int64_t> shape() const { return detail::dims_of(rank(), inlay_tensor_dims(t_)); }
  /** @return The dtype. */
  inlay_dtype dtype() const { return inlay_tensor_dtype(t_); }
  /** @return KerasTensor.name. */
  std::string name() const { return detail::copy_string(inlay_tensor_name(t_)); }
  /** @return Its TensorSpec / SparseTensorSpec / RaggedTensorSpec, valid while the graph lives. */
  spec_view spec() const { return spec_view(inlay_tensor_spec(t_)); }
  /** @return Whether it is a sparse tensor. */
  bool sparse() const { return spec().kind() == INLAY_SPEC_SPARSE; }
  /** @return Whether it is a ragged tensor. */
  bool ragged() const { return spec().kind() == INLAY_SPEC_RAGGED; }
  /** @return The layer that produced it (the InputLayer for an Input() tensor). */
  inline class layer layer() const;
  /** @return The C handle, borrowed from the graph. */
  inlay_tensor* get() const { return t_; }

 private:
  inlay_tensor* t_;
};

/** A layer, borrowed from its graph (see @ref inlay_layers): a cheap view, valid while the graph lives.
 *  Calling it mutates the graph. */
class layer {
 public:
  /** @param l  The layer viewed, borrowed; not NULL. */
  explicit layer(inlay_layer* l) : l_(l) {}

  /** @return layer.name. */
  std::string name() const { return detail::copy_string(inlay_layer_name(l_)); }
  /** @return The Keras class name ("Dense", ...). */
  std::string class_name() const { return detail::copy_string(inlay_layer_class_name(l_)); }
  /** @return layer.get_config() as JSON (Keras 3's form). */
  std::string get_config() const {
    char* json = nullptr;
    detail::check(inlay_layer_get_config(l_, &json));
    return detail::take_string(json);
  }
  /** @return layer.output: the tensors of its first node; empty before it is first called. */
  std::vector<tensor> outputs() const {
    std::vector<tensor> out;
    for (size_t i = 0; i < inlay_layer_output_count(l_); ++i) out.emplace_back(inlay_layer_output(l_, i));
    return out;
  }
  /** @return The only tensor of layer.output.
   *  @throws error ::INLAY_INVALID_ARGUMENT when the layer does not have exactly one output. */
  tensor output() const {
    if (inlay_layer_output_count(l_) != 1) {
      throw error(INLAY_INVALID_ARGUMENT, "layer '" + name() + "' does not have exactly one output");
    }
    return tensor(inlay_layer_output(l_, 0));
  }
  /** `layer(inputs)`: Keras's __call__ on symbolic tensors of the layer's graph (builds it on the first
   *  call); see inlay_layer_call(). Mutates the graph.
   *  @param inputs  Tensors of the layer's graph.
   *  @return The output tensors (at most 64).
   *  @throws error ::INLAY_INVALID_ARGUMENT with Keras's message for incompatible inputs. */
  std::vector<tensor> call(const std::vector<tensor>& inputs) const {
    std::vector<inlay_tensor*> ins;
    for (const tensor& t : inputs) ins.push_back(t.get());
    constexpr size_t kMaxOutputs = 64;
    inlay_tensor* outs[kMaxOutputs] = {};
    size_t n = 0;
    detail::check(inlay_layer_call(l_, ins.data(), ins.size(), outs, kMaxOutputs, &n));
    return std::vector<tensor>(outs, outs + n);
  }
  /** `y = layer(x)` for layers with one output.
   *  @param x  A tensor of the layer's graph.
   *  @return The output.
   *  @throws error as call(), or ::INLAY_INVALID_ARGUMENT when the layer has several outputs. */
  tensor operator()(const tensor& x) const { return single(call({x})); }
  /** `y = layer([a, b])` for layers with one output.
   *  @param xs  Tensors of the layer's graph.
   *  @return The output.
   *  @throws error as call(), or ::INLAY_INVALID_ARGUMENT when the layer has several outputs. */
  tensor operator()(const std::vector<tensor>& xs) const { return single(call(xs)); }
  /** @return The C handle, borrowed from the graph. */
  inlay_layer* get() const { return l_; }

 private:
  tensor single(const std::vector<tensor>& outs) const {
    if (outs.size() != 1) {
      throw error(INLAY_INVALID_ARGUMENT, "layer '" + name() + "' does not have exactly one output");
    }
    return outs[0];
  }
  inlay_layer* l_;
};

inline layer tensor::layer() const { return inlay::layer(inlay_tensor_layer(t_)); }

/** The placeholder graph (see @ref inlay_graph): owns its layers and tensors; copies share the same
 *  graph, and models made from it keep it alive. */
class graph {
 public:
  /** An empty graph (inlay_graph_create()).
   *  @throws error ::INLAY_OUT_OF_MEMORY. */
  graph() {
    inlay_graph* g = nullptr;
    detail::check(inlay_graph_create(&g));
    g_.reset(g, inlay_graph_free);
  }

  /** keras.Input(**kwargs) (inlay_input()). Mutates the graph.
   *  @param kwargs_json  A JSON object of Keras's keyword arguments.
   *  @return The Input tensor.
   *  @throws error ::INLAY_INVALID_ARGUMENT (Keras's errors) or ::INLAY_PARSE_ERROR (malformed JSON). */
  tensor input(const std::string& kwargs_json = "{}") { return input_impl(kwargs_json, nullptr, nullptr); }
  /** keras.Input(type_spec=..., **kwargs), as tf.keras. Mutates the graph.
   *  @param kwargs_json  A JSON object of Keras's keyword arguments.
   *  @param type_spec    The spec (copied).
   *  @return The Input tensor.
   *  @throws error as input(const std::string&). */
  tensor input(const std::string& kwargs_json, spec_view type_spec) {
    return input_impl(kwargs_json, type_spec.get(), nullptr);
  }
  /** keras.Input(tensor=..., **kwargs): wraps a tensor of this graph. Mutates the graph.
   *  @param kwargs_json  A JSON object of Keras's keyword arguments.
   *  @param existing     A tensor of this graph; it becomes the new InputLayer's output.
   *  @return The Input tensor (@p existing).
   *  @throws error as input(const std::string&). */
  tensor input(const std::string& kwargs_json, tensor existing) {
    return input_impl(kwargs_json, nullptr, existing.get());
  }
  /** Both type_spec and tensor: tf.keras rejects the combination, so this throws (kept so callers can
   *  forward whatever they were given).
   *  @param kwargs_json  A JSON object of Keras's keyword arguments.
   *  @param type_spec    The spec.
   *  @param existing     A tensor of this graph.
   *  @return Never returns normally.
   *  @throws error ::INLAY_INVALID_ARGUMENT ("When `type_spec` is not None, all other args except `name`
   *          must be None, ..."), or as input(const std::string&). */
  tensor input(const std::string& kwargs_json, spec_view type_spec, tensor existing) {
    return input_impl(kwargs_json, type_spec.get(), existing.get());
  }

  /** Layer.from_config: ("InputLayer", `{"batch_shape":[null,32]}`) (inlay_layer_create()). Mutates the
   *  graph.
   *  @param class_name   The Keras class name.
   *  @param config_json  A JSON object; "" means {}.
   *  @return The layer, borrowed from this graph.
   *  @throws error ::INLAY_UNSUPPORTED (unknown class), ::INLAY_INVALID_ARGUMENT (Keras's config errors),
   *          ::INLAY_PARSE_ERROR (malformed JSON). */
  layer create_layer(const std::string& class_name, const std::string& config_json) {
    inlay_layer* out = nullptr;
    detail::check(inlay_layer_create(g_.get(), class_name.c_str(), config_json.c_str(), &out));
    return layer(out);
  }

  /** @return The C handle, borrowed (the object keeps owning it). */
  inlay_graph* get() const { return g_.get(); }

 private:
  tensor input_impl(const std::string& kwargs_json, const inlay_spec* type_spec, const inlay_tensor* existing) {
    inlay_tensor* out = nullptr;
    detail::check(inlay_input(g_.get(), kwargs_json.c_str(), type_spec, existing, &out));
    return tensor(out);
  }

  std::shared_ptr<inlay_graph> g_;
};

/** A concrete array (see @ref inlay_arrays): dense, sparse (COO) or ragged (ragged_rank 1). Owned (create,
 *  load_npy, predict's outputs) or borrowing the caller's buffers (wrap*: they must outlive every copy).
 *  Copies share the same array; a default-constructed array is empty (no handle), which predict fills in
 *  place. The accessors of an empty array return the C accessors' neutral values. */
class array {
 public:
  /** An empty array (no handle). */
  array() = default;

  /** An owned dense array, zero-filled (inlay_array_create()).
   *  @param dtype  Its dtype.
   *  @param dims   Its dims (rank 0 .. ::INLAY_MAX_RANK).
   *  @return The array.
   *  @throws error ::INLAY_INVALID_ARGUMENT, ::INLAY_UNSUPPORTED, ::INLAY_OUT_OF_MEMORY as
   *          inlay_array_create(). */
  static array create(inlay_dtype dtype, const std::vector<int64_t>& dims) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_create(dtype, dims.data(), static_cast<int>(dims.size()), &out));
    return array(out);
  }
  /** A dense array over @p data (C order, not copied; inlay_array_wrap()).
   *  @param dtype  Its dtype.
   *  @param dims   Its dims (copied).
   *  @param data   The elements; borrowed, must outlive every copy of the array.
   *  @return The array.
   *  @throws error as inlay_array_wrap(). */
  static array wrap(inlay_dtype dtype, const std::vector<int64_t>& dims, void* data) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_wrap(dtype, dims.data(), static_cast<int>(dims.size()), data, &out));
    return array(out);
  }
  /** tf.SparseTensor's COO form (inlay_array_wrap_sparse()).
   *  @param dtype       Its dtype.
   *  @param dense_dims  The dense shape (copied).
   *  @param indices     nnz x rank indices, row-major; borrowed, must outlive every copy.
   *  @param values      nnz values; borrowed, must outlive every copy.
   *  @param nnz         The number of values.
   *  @return The array.
   *  @throws error ::INLAY_INVALID_ARGUMENT for an index out of range, as inlay_array_wrap_sparse(). */
  static array wrap_sparse(inlay_dtype dtype, const std::vector<int64_t>& dense_dims, const int64_t* indices,
                           const void* values, size_t nnz) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_wrap_sparse(dtype, dense_dims.data(), static_cast<int>(dense_dims.size()), indices,
                                          values, nnz, &out));
    return array(out);
  }
  /** A tf.RaggedTensor of ragged_rank 1: flat values plus row_splits (inlay_array_wrap_ragged()).
   *  @param dtype         Its dtype.
   *  @param flat_values   The flat values; borrowed, must outlive every copy.
   *  @param flat_dims     The flat values' dims (copied).
   *  @param row_splits    The row splits; borrowed, must outlive every copy.
   *  @param n_row_splits  Their count (rows + 1).
   *  @return The array.
   *  @throws error ::INLAY_INVALID_ARGUMENT for bad row_splits, as inlay_array_wrap_ragged(). */
  static array wrap_ragged(inlay_dtype dtype, const void* flat_values, const std::vector<int64_t>& flat_dims,
                           const int64_t* row_splits, size_t n_row_splits) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_wrap_ragged(dtype, flat_values, flat_dims.data(), static_cast<int>(flat_dims.size()),
                                          row_splits, n_row_splits, &out));
    return array(out);
  }
  /** As above, with the row splits in a vector.
   *  @param dtype        Its dtype.
   *  @param flat_values  The flat values; borrowed, must outlive every copy.
   *  @param flat_dims    The flat values' dims (copied).
   *  @param row_splits   The row splits; borrowed (the vector's buffer), must outlive every copy.
   *  @return The array.
   *  @throws error as inlay_array_wrap_ragged(). */
  static array wrap_ragged(inlay_dtype dtype, const void* flat_values, const std::vector<int64_t>& flat_dims,
                           const std::vector<int64_t>& row_splits) {
    return wrap_ragged(dtype, flat_values, flat_dims, row_splits.data(), row_splits.size());
  }
  /** Deleted: the row splits are borrowed, so a temporary vector would dangle. */
  static array wrap_ragged(inlay_dtype, const void*, const std::vector<int64_t>&, std::vector<int64_t>&&) = delete;

  /** numpy.load of a .npy file (inlay_array_load_npy()).
   *  @param path  The file.
   *  @return An owned dense array.
   *  @throws error ::INLAY_IO_ERROR, ::INLAY_PARSE_ERROR, ::INLAY_UNSUPPORTED as inlay_array_load_npy(). */
  static array load_npy(const std::string& path) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_load_npy(path.c_str(), &out));
    return array(out);
  }
  /** numpy.save of a dense array (format 1.0; inlay_array_save_npy()).
   *  @param path  The file (replaced).
   *  @throws error ::INLAY_IO_ERROR, ::INLAY_UNSUPPORTED, ::INLAY_INVALID_ARGUMENT (not dense, or empty)
   *          as inlay_array_save_npy(). */
  void save_npy(const std::string& path) const { detail::check(inlay_array_save_npy(a_.get(), path.c_str())); }

  /** @return The elements (dense), the nnz values (sparse) or the flat values (ragged); see
   *          inlay_array_data(). */
  void* data() const { return inlay_array_data(a_.get()); }
  /** Typed access to data().
   *  @tparam T  The element type: of the dtype's size and, for C++ arithmetic types, of its kind (bool for
   *             bool; float / double for float32 / float64; signed integers for int8..int64; unsigned
   *             integers for uint8..uint64 and for the bits of float16, bfloat16 and float8). Other types
   *             (std::complex<float>, a user's half type) are checked by size only.
   *  @return data() as T*.
   *  @throws error ::INLAY_INVALID_ARGUMENT when T cannot be this array's element type, or the array is
   *          empty. */
  template <typename T>
  T* data() const {
    static_assert(!std::is_void_v<T>, "use data() for untyped access");
    if (!detail::element_type_matches<T>(dtype())) {
      throw error(INLAY_INVALID_ARGUMENT, std::string("inlay::array::data<T>(): an element type of ") +
                                              std::to_string(sizeof(T)) + " bytes does not fit an array of dtype " +
                                              (a_ ? inlay_dtype_name(dtype()) : "<empty array>"));
    }
    return static_cast<T*>(data());
  }
  /** @return The logical rank; -1 for an empty array. */
  int rank() const { return inlay_array_rank(a_.get()); }
  /** @return The logical dims: a sparse array's dense shape; a ragged array's (rows, ::INLAY_DIM_NONE,
   *          ...). */
  std::vector<int64_t> dims() const { return detail::dims_of(rank(), inlay_array_dims(a_.get())); }
  /** @return The dtype; 0 for an empty array. */
  inlay_dtype dtype() const { return inlay_array_dtype(a_.get()); }
  /** @return The kind; 0 for an empty array. */
  inlay_array_kind kind() const { return inlay_array_kind_of(a_.get()); }
  /** @return Elements in data(): product of the dims (dense), nnz (sparse), product of the flat dims
   *          (ragged). */
  size_t element_count() const { return inlay_array_element_count(a_.get()); }
  /** @return Bytes in data(); 0 for an empty array. */
  size_t byte_size() const { return a_ ? element_count() * inlay_dtype_size(dtype()) : 0; }
  /** @return A ragged array's row_splits (empty for other kinds). */
  std::vector<int64_t> row_splits() const {
    size_t n = 0;
    const int64_t* splits = inlay_array_row_splits(a_.get(), &n);
    return splits != nullptr ? std::vector<int64_t>(splits, splits + n) : std::vector<int64_t>();
  }
  /** @return A ragged array's flat values' dims (empty for other kinds). */
  std::vector<int64_t> flat_dims() const {
    int n = 0;
    const int64_t* dims = inlay_array_flat_dims(a_.get(), &n);
    return detail::dims_of(n, dims);
  }
  /** @return A sparse array's nnz x rank indices, row-major (empty for other kinds). */
  std::vector<int64_t> sparse_indices() const {
    size_t nnz = 0;
    const int64_t* indices = inlay_array_sparse_indices(a_.get(), &nnz);
    if (indices == nullptr) return {};
    return std::vector<int64_t>(indices, indices + nnz * static_cast<size_t>(rank() > 0 ? rank() : 0));
  }

  /** @return Whether the array has a handle (is not empty). */
  explicit operator bool() const { return a_ != nullptr; }
  /** @return The C handle, borrowed (NULL when empty); the object keeps owning it. */
  inlay_array* get() const { return a_.get(); }
  /** Takes ownership of an array the C ABI made (e.g. an output of inlay_model_predict()).
   *  @param owned  The array; freed if this throws (std::bad_alloc).
   *  @return The owning wrapper. */
  static array adopt(inlay_array* owned) { return array(owned); }

 private:
  explicit array(inlay_array* owned) : a_(owned, inlay_array_free) {}
  std::shared_ptr<inlay_array> a_;
};

namespace detail {

using array_ptr = std::unique_ptr<inlay_array, void (*)(inlay_array*)>;

inline std::vector<const inlay_array*> handles(const std::vector<const array*>& arrays) {
  std::vector<const inlay_array*> out;
  out.reserve(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    if (arrays[i] == nullptr) throw error(INLAY_INVALID_ARGUMENT, "inputs[" + std::to_string(i) + "] is null");
    out.push_back(arrays[i]->get());
  }
  return out;
}

}  // namespace detail

/** An owned model (see @ref inlay_models): Model(inputs, outputs), Sequential, or one read from JSON or a
 *  file. Copies share the model. */
class model {
 public:
  /** keras.Model(inputs, outputs, name) (inlay_model_create()). Mutates the graph.
   *  @param g        The graph of the tensors.
   *  @param inputs   Input() tensors of @p g.
   *  @param outputs  Tensors of @p g.
   *  @param name     The name; empty: auto-named.
   *  @return The model.
   *  @throws error ::INLAY_INVALID_ARGUMENT with Keras's checks. */
  static model functional(const graph& g, const std::vector<tensor>& inputs, const std::vector<tensor>& outputs,
                          const std::string& name = "") {
    std::vector<inlay_tensor*> ins, outs;
    for (const tensor& t : inputs) ins.push_back(t.get());
    for (const tensor& t : outputs) outs.push_back(t.get());
    inlay_model* out = nullptr;
    detail::check(inlay_model_create(g.get(), ins.data(), ins.size(), outs.data(), outs.size(),
                                     name.empty() ? nullptr : name.c_str(), &out));
    return model(out);
  }
  /** keras.Sequential(layers, name): the first layer is an InputLayer (tensor.layer() of an Input) or has
   *  input_shape / input_dim (inlay_sequential_create()). Mutates the graph.
   *  @param g       The graph of the layers.
   *  @param layers  Layers of @p g, in order.
   *  @param name    The name; empty: auto-named.
   *  @return The model.
   *  @throws error ::INLAY_UNSUPPORTED or ::INLAY_INVALID_ARGUMENT as inlay_sequential_create(). */
  static model sequential(const graph& g, const std::vector<layer>& layers, const std::string& name = "") {
    std::vector<inlay_layer*> ls;
    for (const layer& l : layers) ls.push_back(l.get());
    inlay_model* out = nullptr;
    detail::check(inlay_sequential_create(g.get(), ls.data(), ls.size(), name.empty() ? nullptr : name.c_str(), &out));
    return model(out);
  }
  /** A model and its weights from a .keras file, a TensorFlow.js model.json (or its directory), ...
   *  (inlay_model_load()).
   *  @param path  The file.
   *  @return The model.
   *  @throws error ::INLAY_IO_ERROR, ::INLAY_PARSE_ERROR, ::INLAY_SHAPE_MISMATCH, ::INLAY_UNSUPPORTED as
   *          inlay_model_load(). */
  static model load(const std::string& path) {
    inlay_model* out = nullptr;
    detail::check(inlay_model_load(path.c_str(), &out));
    return model(out);
  }
  /** inlay_model_load() with options for the load (inlay_model_load_with_options()).
   *  @param path          The file.
   *  @param options_json  A JSON object, e.g. R"({"max_weight_bytes": 1000000000})".
   *  @return The model.
   *  @throws error ::INLAY_OUT_OF_MEMORY (weights beyond max_weight_bytes), ::INLAY_INVALID_ARGUMENT (an
   *          unknown option) and the others as inlay_model_load_with_options(). */
  static model load(const std::string& path, const std::string& options_json) {
    inlay_model* out = nullptr;
    detail::check(inlay_model_load_with_options(path.c_str(), options_json.c_str(), &out));
    return model(out);
  }
  /** A model from model.to_json() text, zero weights (inlay_model_from_json()).
   *  @param json  The JSON text.
   *  @return The model.
   *  @throws error ::INLAY_PARSE_ERROR, ::INLAY_UNSUPPORTED, ::INLAY_INVALID_ARGUMENT as
   *          inlay_model_from_json(). */
  static model from_json(const std::string& json) {
    inlay_model* out = nullptr;
    detail::check(inlay_model_from_json(json.c_str(), &out));
    return model(out);
  }

  /** @return model.name. */
  std::string name() const { return detail::copy_string(inlay_model_name(m_.get())); }
  /** @return model.to_json() in Keras 3's form. */
  std::string to_json() const {
    char* json = nullptr;
    detail::check(inlay_model_to_json(m_.get(), &json));
    return detail::take_string(json);
  }
  /** @return model.summary() as Keras 3 prints it (inlay_model_summary()). */
  std::string summary() const {
    char* text = nullptr;
    detail::check(inlay_model_summary(m_.get(), &text));
    return detail::take_string(text);
  }
  /** @return The number of inputs. */
  size_t input_count() const { return inlay_model_input_count(m_.get()); }
  /** @return The number of outputs. */
  size_t output_count() const { return inlay_model_output_count(m_.get()); }
  /** @param i  Index, below input_count().
   *  @return The i-th symbolic input (borrowed from the model's graph, which the model keeps alive).
   *  @throws error ::INLAY_NOT_FOUND when @p i is out of range. */
  tensor input(size_t i) const { return tensor(const_cast<inlay_tensor*>(checked(inlay_model_input(m_.get(), i), i))); }
  /** @param i  Index, below output_count().
   *  @return The i-th symbolic output (borrowed from the model's graph, which the model keeps alive).
   *  @throws error ::INLAY_NOT_FOUND when @p i is out of range. */
  tensor output(size_t i) const {
    return tensor(const_cast<inlay_tensor*>(checked(inlay_model_output(m_.get(), i), i)));
  }
  /** @return Every symbolic input, in predict's order. */
  std::vector<tensor> inputs() const {
    std::vector<tensor> out;
    for (size_t i = 0; i < input_count(); ++i) out.push_back(input(i));
    return out;
  }
  /** @return Every symbolic output, in predict's order. */
  std::vector<tensor> outputs() const {
    std::vector<tensor> out;
    for (size_t i = 0; i < output_count(); ++i) out.push_back(output(i));
    return out;
  }

  /** One of model.weights (see @ref inlay_weights). */
  struct weight_info {
    std::string name;            ///< Its path, "dense/kernel".
    std::vector<int64_t> shape;  ///< Its dims.
  };
  /** @return The size of model.weights (Keras's order; values are float32). */
  size_t weight_count() const { return inlay_model_weight_count(m_.get()); }
  /** @param i  Index, below weight_count().
   *  @return The weight's path and shape.
   *  @throws error ::INLAY_NOT_FOUND when @p i is out of range. */
  weight_info weight(size_t i) const {
    const char* name = nullptr;
    int rank = 0;
    const int64_t* dims = nullptr;
    detail::check(inlay_model_weight_info(m_.get(), i, &name, &rank, &dims));
    return {name != nullptr ? name : "", detail::dims_of(rank, dims)};
  }
  /** Sets a weight (inlay_model_set_weight()). Mutates the model and its graph.
   *  @param i       Index, below weight_count().
   *  @param values  Exactly the weight's element count, C order.
   *  @throws error ::INLAY_NOT_FOUND, ::INLAY_SHAPE_MISMATCH as inlay_model_set_weight(). */
  void set_weight(size_t i, const std::vector<float>& values) {
    detail::check(inlay_model_set_weight(m_.get(), i, values.data(), values.size()));
  }
  /** Sets every weight from a Keras weights file (inlay_model_load_weights()): all or nothing.
   *  @param path  The weights file: Keras 3's save_weights("x.weights.h5"), tf.keras 2's save_weights("x.h5")
   *               or a legacy .h5 model file.
   *  @throws error ::INLAY_IO_ERROR, ::INLAY_PARSE_ERROR, ::INLAY_SHAPE_MISMATCH as inlay_model_load_weights(). */
  void load_weights(const std::string& path) { detail::check(inlay_model_load_weights(m_.get(), path.c_str())); }
  /** @param i  Index, below weight_count().
   *  @return The weight's values, C order.
   *  @throws error ::INLAY_NOT_FOUND when @p i is out of range. */
  std::vector<float> get_weight(size_t i) const {
    size_t n = 1;
    for (int64_t d : weight(i).shape) n *= static_cast<size_t>(d);
    std::vector<float> values(n);
    detail::check(inlay_model_get_weight(m_.get(), i, values.data(), values.size()));
    return values;
  }

  /** model.predict on one batch (inlay_model_predict()); the outputs are allocated by the library.
   *  Thread-safe on one model.
   *  @param inputs  One array per input, in input() order.
   *  @return One owned array per model output.
   *  @throws error as inlay_model_predict() (::INLAY_INVALID_ARGUMENT for a null entry). */
  std::vector<array> predict(const std::vector<const array*>& inputs) const {
    const std::vector<const inlay_array*> ins = detail::handles(inputs);
    std::vector<inlay_array*> outs(output_count(), nullptr);
    std::vector<detail::array_ptr> owned;
    owned.reserve(outs.size());
    detail::check(inlay_model_predict(m_.get(), ins.data(), ins.size(), outs.data(), outs.size()));
    for (inlay_array* out : outs) owned.emplace_back(out, inlay_array_free);  // reserved: cannot throw
    std::vector<array> result;
    result.reserve(owned.size());
    for (detail::array_ptr& out : owned) result.push_back(array::adopt(out.release()));
    return result;
  }
  /** model.predict on one batch, in place. Thread-safe on one model, each call with its own outputs.
   *  @param inputs   One array per input, in input() order.
   *  @param outputs  One non-null pointer per model output: an array with a handle is written (it must
   *                  have exactly the output's dims and dtype); an empty one receives an array the library
   *                  allocates. Untouched when this throws.
   *  @throws error as inlay_model_predict() (::INLAY_INVALID_ARGUMENT for a null entry). */
  void predict(const std::vector<const array*>& inputs, std::vector<array*>& outputs) const {
    const std::vector<const inlay_array*> ins = detail::handles(inputs);
    std::vector<inlay_array*> outs(outputs.size(), nullptr);
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i] == nullptr) throw error(INLAY_INVALID_ARGUMENT, "outputs[" + std::to_string(i) + "] is null");
      outs[i] = outputs[i]->get();
    }
    std::vector<detail::array_ptr> owned;
    owned.reserve(outs.size());
    detail::check(inlay_model_predict(m_.get(), ins.data(), ins.size(), outs.data(), outs.size()));
    for (size_t i = 0; i < outputs.size(); ++i) {  // the arrays the library allocated, owned at once
      owned.emplace_back(outputs[i]->get() == nullptr ? outs[i] : nullptr, inlay_array_free);
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (owned[i]) *outputs[i] = array::adopt(owned[i].release());
    }
  }
  /** Compiles (and caches) the execution plan for inputs of these arrays' dims without running it
   *  (inlay_model_prepare()). Thread-safe on one model.
   *  @param inputs  One array per input, in input() order.
   *  @throws error as inlay_model_prepare(). */
  void prepare(const std::vector<const array*>& inputs) const {
    const std::vector<const inlay_array*> ins = detail::handles(inputs);
    detail::check(inlay_model_prepare(m_.get(), ins.data(), ins.size()));
  }
  /** Threads per predict call (inlay_model_set_num_threads()). Not while another thread predicts on this
   *  model.
   *  @param n  1 .. 4096, or 0: INLAY_NUM_THREADS if set, else OMP_NUM_THREADS, else the usable CPUs
   *           (affinity mask capped by the cgroup CPU quota). */
  void set_num_threads(int n) { detail::check(inlay_model_set_num_threads(m_.get(), n)); }
  /** @return The effective thread count of predict calls. */
  int num_threads() const { return inlay_model_num_threads(m_.get()); }
  /** The arithmetic of Dense and Conv (inlay_model_set_precision()): ::INLAY_PRECISION_FLOAT32 (default),
   *  ::INLAY_PRECISION_FLOAT32_STRICT (no Winograd convolutions) or ::INLAY_PRECISION_BFLOAT16. Not while
   *  another thread predicts on this model.
   *  @param precision  The precision.
   *  @throws error ::INLAY_UNSUPPORTED without CPU support for bfloat16. */
  void set_precision(inlay_precision precision) { detail::check(inlay_model_set_precision(m_.get(), precision)); }

  /** @return The C handle, borrowed; the object keeps owning it. */
  inlay_model* get() const { return m_.get(); }

 private:
  explicit model(inlay_model* owned) : m_(owned, inlay_model_free) {}
  static const inlay_tensor* checked(const inlay_tensor* t, size_t i) {
    if (t == nullptr) throw error(INLAY_NOT_FOUND, "model has no input/output " + std::to_string(i));
    return t;
  }
  std::shared_ptr<inlay_model> m_;
};

/** @} */

}  // namespace inlay

#endif  // INLAY_INLAY_HPP
