// inlay.hpp — header-only C++17 RAII wrapper over the C ABI in inlay.h (as dnnl.hpp is over dnnl.h).
//
// Every failing call throws inlay::error carrying the inlay_status and the library's message. Owned
// handles (spec, graph, model, array) free themselves, and copies share one handle (as dnnl::memory
// does); tensor and layer views are borrowed from their graph and stay valid while the graph lives.
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

namespace inlay {

class error : public std::runtime_error {
 public:
  error(inlay_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  inlay_status status() const noexcept { return status_; }

 private:
  inlay_status status_;
};

namespace detail {

inline void check(inlay_status status) {
  if (status != INLAY_OK) throw error(status, inlay_last_error());
}

// Takes ownership of a string the library made for the caller.
inline std::string take_string(char* text) {
  std::unique_ptr<char, void (*)(void*)> owned(text, inlay_free);
  return text != nullptr ? std::string(text) : std::string();
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

inline std::string version() { return inlay_version(); }

// The oneDNN runtime as JSON (creates the CPU engine).
inline std::string runtime_info() {
  char* json = nullptr;
  detail::check(inlay_runtime_info(&json));
  return detail::take_string(json);
}

inline inlay_dtype parse_dtype(const std::string& name) {
  inlay_dtype dtype{};
  detail::check(inlay_dtype_parse(name.c_str(), &dtype));
  return dtype;
}

inline std::string dtype_name(inlay_dtype dtype) { return inlay_dtype_name(dtype); }

// A read-only view of a spec; valid while its owner lives.
class spec_view {
 public:
  explicit spec_view(const inlay_spec* spec) : spec_(spec) {}

  inlay_spec_kind kind() const { return inlay_spec_kind_of(spec_); }
  int rank() const { return inlay_spec_rank(spec_); }  // -1: unknown rank
  std::vector<int64_t> dims() const { return detail::dims_of(rank(), inlay_spec_dims(spec_)); }
  inlay_dtype dtype() const { return inlay_spec_dtype(spec_); }
  int ragged_rank() const { return inlay_spec_ragged_rank(spec_); }
  bool has_name() const { return inlay_spec_name(spec_) != nullptr; }
  std::string name() const { return has_name() ? std::string(inlay_spec_name(spec_)) : std::string(); }
  bool is_compatible_with(spec_view other) const { return inlay_spec_is_compatible_with(spec_, other.spec_) != 0; }
  std::string to_json() const {
    char* json = nullptr;
    detail::check(inlay_spec_to_json(spec_, &json));
    return detail::take_string(json);
  }
  const inlay_spec* get() const { return spec_; }

 private:
  const inlay_spec* spec_;
};

// An owned TensorSpec / SparseTensorSpec / RaggedTensorSpec.
class spec : public spec_view {
 public:
  static spec from_json(const std::string& json) {
    inlay_spec* out = nullptr;
    detail::check(inlay_spec_from_json(json.c_str(), &out));
    return spec(out);
  }
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

// A symbolic tensor (KerasTensor), borrowed from its graph.
class tensor {
 public:
  explicit tensor(inlay_tensor* t) : t_(t) {}

  int rank() const { return inlay_tensor_rank(t_); }
  std::vector<int64_t> shape() const { return detail::dims_of(rank(), inlay_tensor_dims(t_)); }
  inlay_dtype dtype() const { return inlay_tensor_dtype(t_); }
  std::string name() const { return inlay_tensor_name(t_); }
  spec_view spec() const { return spec_view(inlay_tensor_spec(t_)); }
  bool sparse() const { return spec().kind() == INLAY_SPEC_SPARSE; }
  bool ragged() const { return spec().kind() == INLAY_SPEC_RAGGED; }
  inline class layer layer() const;
  inlay_tensor* get() const { return t_; }

 private:
  inlay_tensor* t_;
};

// A layer, borrowed from its graph.
class layer {
 public:
  explicit layer(inlay_layer* l) : l_(l) {}

  std::string name() const { return inlay_layer_name(l_); }
  std::string class_name() const { return inlay_layer_class_name(l_); }
  std::string get_config() const {
    char* json = nullptr;
    detail::check(inlay_layer_get_config(l_, &json));
    return detail::take_string(json);
  }
  std::vector<tensor> outputs() const {
    std::vector<tensor> out;
    for (size_t i = 0; i < inlay_layer_output_count(l_); ++i) out.emplace_back(inlay_layer_output(l_, i));
    return out;
  }
  tensor output() const {
    if (inlay_layer_output_count(l_) != 1) {
      throw error(INLAY_INVALID_ARGUMENT, "layer '" + name() + "' does not have exactly one output");
    }
    return tensor(inlay_layer_output(l_, 0));
  }
  // layer(inputs): Keras's __call__ on symbolic tensors of the layer's graph (builds it on the first call).
  std::vector<tensor> call(const std::vector<tensor>& inputs) const {
    std::vector<inlay_tensor*> ins;
    for (const tensor& t : inputs) ins.push_back(t.get());
    constexpr size_t kMaxOutputs = 64;
    inlay_tensor* outs[kMaxOutputs] = {};
    size_t n = 0;
    detail::check(inlay_layer_call(l_, ins.data(), ins.size(), outs, kMaxOutputs, &n));
    return std::vector<tensor>(outs, outs + n);
  }
  // y = layer(x) / layer([a, b]) for layers with one output.
  tensor operator()(const tensor& x) const { return single(call({x})); }
  tensor operator()(const std::vector<tensor>& xs) const { return single(call(xs)); }
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

// Owns its layers and tensors; copies share the same graph.
class graph {
 public:
  graph() {
    inlay_graph* g = nullptr;
    detail::check(inlay_graph_create(&g));
    g_.reset(g, inlay_graph_free);
  }

  // keras.Input(**kwargs): kwargs_json is a JSON object of Keras's keyword arguments.
  tensor input(const std::string& kwargs_json = "{}") { return input_impl(kwargs_json, nullptr, nullptr); }
  tensor input(const std::string& kwargs_json, spec_view type_spec) {
    return input_impl(kwargs_json, type_spec.get(), nullptr);
  }
  tensor input(const std::string& kwargs_json, tensor existing) {
    return input_impl(kwargs_json, nullptr, existing.get());
  }
  // Both at once is an error in Keras (kept so callers can forward whatever they were given).
  tensor input(const std::string& kwargs_json, spec_view type_spec, tensor existing) {
    return input_impl(kwargs_json, type_spec.get(), existing.get());
  }

  // Layer.from_config: ("InputLayer", {"batch_shape":[null,32]}).
  layer create_layer(const std::string& class_name, const std::string& config_json) {
    inlay_layer* out = nullptr;
    detail::check(inlay_layer_create(g_.get(), class_name.c_str(), config_json.c_str(), &out));
    return layer(out);
  }

  inlay_graph* get() const { return g_.get(); }

 private:
  tensor input_impl(const std::string& kwargs_json, const inlay_spec* type_spec, const inlay_tensor* existing) {
    inlay_tensor* out = nullptr;
    detail::check(inlay_input(g_.get(), kwargs_json.c_str(), type_spec, existing, &out));
    return tensor(out);
  }

  std::shared_ptr<inlay_graph> g_;
};

// A concrete array (inlay_array): dense, sparse (COO) or ragged (ragged_rank 1). Owned (create, load_npy,
// predict's outputs) or borrowing the caller's buffers (wrap*: they must outlive every copy). Copies share
// the same array; a default-constructed array is empty (no handle), which predict fills in place.
class array {
 public:
  array() = default;

  // An owned dense array, zero-filled.
  static array create(inlay_dtype dtype, const std::vector<int64_t>& dims) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_create(dtype, dims.data(), static_cast<int>(dims.size()), &out));
    return array(out);
  }
  // A dense array over data (C order, not copied).
  static array wrap(inlay_dtype dtype, const std::vector<int64_t>& dims, void* data) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_wrap(dtype, dims.data(), static_cast<int>(dims.size()), data, &out));
    return array(out);
  }
  // tf.SparseTensor's COO form: indices is nnz x rank (row-major), values nnz elements; both borrowed.
  static array wrap_sparse(inlay_dtype dtype, const std::vector<int64_t>& dense_dims, const int64_t* indices,
                           const void* values, size_t nnz) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_wrap_sparse(dtype, dense_dims.data(), static_cast<int>(dense_dims.size()), indices,
                                          values, nnz, &out));
    return array(out);
  }
  // A tf.RaggedTensor of ragged_rank 1: flat values of flat_dims plus row_splits; both buffers borrowed.
  static array wrap_ragged(inlay_dtype dtype, const void* flat_values, const std::vector<int64_t>& flat_dims,
                           const int64_t* row_splits, size_t n_row_splits) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_wrap_ragged(dtype, flat_values, flat_dims.data(), static_cast<int>(flat_dims.size()),
                                          row_splits, n_row_splits, &out));
    return array(out);
  }
  static array wrap_ragged(inlay_dtype dtype, const void* flat_values, const std::vector<int64_t>& flat_dims,
                           const std::vector<int64_t>& row_splits) {
    return wrap_ragged(dtype, flat_values, flat_dims, row_splits.data(), row_splits.size());
  }
  // The row splits are borrowed: a temporary vector would dangle.
  static array wrap_ragged(inlay_dtype, const void*, const std::vector<int64_t>&, std::vector<int64_t>&&) = delete;

  // numpy.load / numpy.save of a .npy file (an owned dense array; format 1.0 on save).
  static array load_npy(const std::string& path) {
    inlay_array* out = nullptr;
    detail::check(inlay_array_load_npy(path.c_str(), &out));
    return array(out);
  }
  void save_npy(const std::string& path) const { detail::check(inlay_array_save_npy(a_.get(), path.c_str())); }

  // The elements (dense), the nnz values (sparse) or the flat values (ragged).
  void* data() const { return inlay_array_data(a_.get()); }
  // Typed access; throws INLAY_INVALID_ARGUMENT when T cannot be this array's element type (see
  // detail::element_type_matches: float for float32, uint16_t for the bits of float16, ...).
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
  int rank() const { return inlay_array_rank(a_.get()); }
  // The logical dims: a sparse array's dense shape; a ragged array's (rows, INLAY_DIM_NONE, ...).
  std::vector<int64_t> dims() const { return detail::dims_of(rank(), inlay_array_dims(a_.get())); }
  inlay_dtype dtype() const { return inlay_array_dtype(a_.get()); }
  inlay_array_kind kind() const { return inlay_array_kind_of(a_.get()); }
  // Elements in data(): product of the dims (dense), nnz (sparse), product of the flat dims (ragged).
  size_t element_count() const { return inlay_array_element_count(a_.get()); }
  size_t byte_size() const { return a_ ? element_count() * inlay_dtype_size(dtype()) : 0; }
  // Ragged only (empty otherwise).
  std::vector<int64_t> row_splits() const {
    size_t n = 0;
    const int64_t* splits = inlay_array_row_splits(a_.get(), &n);
    return splits != nullptr ? std::vector<int64_t>(splits, splits + n) : std::vector<int64_t>();
  }
  std::vector<int64_t> flat_dims() const {
    int n = 0;
    const int64_t* dims = inlay_array_flat_dims(a_.get(), &n);
    return detail::dims_of(n, dims);
  }
  // Sparse only (empty otherwise): the nnz x rank indices, row-major.
  std::vector<int64_t> sparse_indices() const {
    size_t nnz = 0;
    const int64_t* indices = inlay_array_sparse_indices(a_.get(), &nnz);
    if (indices == nullptr) return {};
    return std::vector<int64_t>(indices, indices + nnz * static_cast<size_t>(rank() > 0 ? rank() : 0));
  }

  explicit operator bool() const { return a_ != nullptr; }
  inlay_array* get() const { return a_.get(); }
  // Takes ownership of an array the C ABI made (e.g. an output of inlay_model_predict); frees it if this
  // throws (std::bad_alloc).
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

// An owned model: Model(inputs, outputs), Sequential, or one read from JSON or a file.
class model {
 public:
  // Functional(inputs, outputs, name); name empty: auto-named.
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
  // keras.Sequential(layers, name): the first layer is an InputLayer (tensor.layer() of an Input) or has
  // input_shape / input_dim.
  static model sequential(const graph& g, const std::vector<layer>& layers, const std::string& name = "") {
    std::vector<inlay_layer*> ls;
    for (const layer& l : layers) ls.push_back(l.get());
    inlay_model* out = nullptr;
    detail::check(inlay_sequential_create(g.get(), ls.data(), ls.size(), name.empty() ? nullptr : name.c_str(), &out));
    return model(out);
  }
  // A .keras file, a TensorFlow.js model.json (or its directory), ...
  static model load(const std::string& path) {
    inlay_model* out = nullptr;
    detail::check(inlay_model_load(path.c_str(), &out));
    return model(out);
  }
  static model from_json(const std::string& json) {
    inlay_model* out = nullptr;
    detail::check(inlay_model_from_json(json.c_str(), &out));
    return model(out);
  }

  std::string name() const { return inlay_model_name(m_.get()); }
  std::string to_json() const {
    char* json = nullptr;
    detail::check(inlay_model_to_json(m_.get(), &json));
    return detail::take_string(json);
  }
  std::string summary() const {
    char* text = nullptr;
    detail::check(inlay_model_summary(m_.get(), &text));
    return detail::take_string(text);
  }
  size_t input_count() const { return inlay_model_input_count(m_.get()); }
  size_t output_count() const { return inlay_model_output_count(m_.get()); }
  // The model's symbolic inputs and outputs (borrowed from its graph, which the model keeps alive).
  tensor input(size_t i) const { return tensor(const_cast<inlay_tensor*>(checked(inlay_model_input(m_.get(), i), i))); }
  tensor output(size_t i) const {
    return tensor(const_cast<inlay_tensor*>(checked(inlay_model_output(m_.get(), i), i)));
  }
  std::vector<tensor> inputs() const {
    std::vector<tensor> out;
    for (size_t i = 0; i < input_count(); ++i) out.push_back(input(i));
    return out;
  }
  std::vector<tensor> outputs() const {
    std::vector<tensor> out;
    for (size_t i = 0; i < output_count(); ++i) out.push_back(output(i));
    return out;
  }

  // model.weights (Keras's order); values are float32.
  struct weight_info {
    std::string name;  // "dense/kernel"
    std::vector<int64_t> shape;
  };
  size_t weight_count() const { return inlay_model_weight_count(m_.get()); }
  weight_info weight(size_t i) const {
    const char* name = nullptr;
    int rank = 0;
    const int64_t* dims = nullptr;
    detail::check(inlay_model_weight_info(m_.get(), i, &name, &rank, &dims));
    return {name != nullptr ? name : "", detail::dims_of(rank, dims)};
  }
  void set_weight(size_t i, const std::vector<float>& values) {
    detail::check(inlay_model_set_weight(m_.get(), i, values.data(), values.size()));
  }
  std::vector<float> get_weight(size_t i) const {
    size_t n = 1;
    for (int64_t d : weight(i).shape) n *= static_cast<size_t>(d);
    std::vector<float> values(n);
    detail::check(inlay_model_get_weight(m_.get(), i, values.data(), values.size()));
    return values;
  }

  // model.predict on one batch: one array per input (inlay_model_input order); the outputs are allocated
  // by the library, one per model output.
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
  // In place: every outputs[i] must point to an array; one with a handle is written (it must have exactly
  // the output's dims and dtype), an empty one receives an array the library allocates.
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
  // Compiles (and caches) the execution plan for inputs of these arrays' dims without running it.
  void prepare(const std::vector<const array*>& inputs) const {
    const std::vector<const inlay_array*> ins = detail::handles(inputs);
    detail::check(inlay_model_prepare(m_.get(), ins.data(), ins.size()));
  }
  // 0: INLAY_NUM_THREADS if set, else every core. Not while another thread predicts on this model.
  void set_num_threads(int n) { detail::check(inlay_model_set_num_threads(m_.get(), n)); }
  int num_threads() const { return inlay_model_num_threads(m_.get()); }
  // INLAY_PRECISION_BFLOAT16: Dense and Conv in bfloat16 (throws INLAY_UNSUPPORTED without CPU support).
  void set_precision(inlay_precision precision) { detail::check(inlay_model_set_precision(m_.get(), precision)); }

  inlay_model* get() const { return m_.get(); }

 private:
  explicit model(inlay_model* owned) : m_(owned, inlay_model_free) {}
  static const inlay_tensor* checked(const inlay_tensor* t, size_t i) {
    if (t == nullptr) throw error(INLAY_NOT_FOUND, "model has no input/output " + std::to_string(i));
    return t;
  }
  std::shared_ptr<inlay_model> m_;
};

}  // namespace inlay

#endif  // INLAY_INLAY_HPP
