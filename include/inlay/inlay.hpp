// inlay.hpp — header-only C++17 RAII wrapper over the C ABI in inlay.h (as dnnl.hpp is over dnnl.h).
//
// Every failing call throws inlay::error carrying the inlay_status and the library's message. Owned
// handles (spec, graph) free themselves; tensor and layer views are borrowed from their graph and stay
// valid while the graph lives.
#ifndef INLAY_INLAY_HPP
#define INLAY_INLAY_HPP

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
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
  inlay_layer* get() const { return l_; }

 private:
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
  size_t weight_count() const { return inlay_model_weight_count(m_.get()); }
  inlay_model* get() const { return m_.get(); }

 private:
  explicit model(inlay_model* owned) : m_(owned, inlay_model_free) {}
  std::shared_ptr<inlay_model> m_;
};

}  // namespace inlay

#endif  // INLAY_INLAY_HPP
