// Models through the C ABI: Model(inputs, outputs), inspection, weights, JSON.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capi/errors.hpp"
#include "capi/handles.hpp"
#include "graph/model.hpp"
#include "graph/summary.hpp"
#include "io/keras_file.hpp"
#include "io/model_file.hpp"
#include "io/model_json.hpp"
#include "util/python_text.hpp"
#include "runtime/model_runner.hpp"
#include "util/error.hpp"

using namespace inlay;

namespace {

std::vector<core::KerasTensor*> tensor_list(inlay_tensor* const* tensors, size_t n, const char* argument) {
  if (n > 0) capi::require(tensors, "inlay_model_create", argument);
  std::vector<core::KerasTensor*> out;
  for (size_t i = 0; i < n; ++i) {
    if (tensors[i] == nullptr) {
      throw core::Error(core::Status::InvalidArgument, std::string("inlay_model_create: ") + argument + "[" +
                                                           std::to_string(i) + "] is NULL");
    }
    out.push_back(capi::unwrap(tensors[i]));
  }
  return out;
}

core::Weight& weight_at(const inlay_model* m, size_t i, const char* function) {
  capi::require(m, function, "m");
  const std::vector<core::Weight*>& weights = m->model->weights();
  if (i >= weights.size()) {
    throw core::Error(core::Status::NotFound, std::string(function) + ": weight index " + std::to_string(i) +
                                                  " is out of range (the model has " +
                                                  std::to_string(weights.size()) + " weights)");
  }
  return *weights[i];
}

void check_element_count(const core::Weight& w, size_t n_elements, const char* function) {
  if (n_elements != w.size()) {
    throw core::Error(core::Status::ShapeMismatch,
                      std::string(function) + ": weight '" + w.path + "' has shape " + w.shape.to_tuple_string() +
                          " (" + std::to_string(w.size()) + " elements), got " + std::to_string(n_elements) +
                          " elements");
  }
}

// The options of inlay_model_load_with_options: a JSON object of known keys (NULL: the defaults).
core::LoadOptions load_options(const char* options_json) {
  constexpr const char* kFunction = "inlay_model_load_with_options";
  core::LoadOptions options;
  if (options_json == nullptr) return options;
  const core::Json json = capi::parse_json(options_json, kFunction);
  if (!json.is_object()) {
    throw core::Error(core::Status::InvalidArgument,
                      std::string(kFunction) + ": options_json must be a JSON object, got " + json.dump());
  }
  for (const auto& [key, value] : json.items()) {
    if (key != "max_weight_bytes") {
      throw core::Error(core::Status::InvalidArgument,
                        std::string(kFunction) + ": unknown option " + core::python::quote(key) +
                            " in options_json (the options are: 'max_weight_bytes')");
    }
    if (value.is_null()) continue;  // the default budget, as when the key is absent
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
      throw core::Error(core::Status::InvalidArgument,
                        std::string(kFunction) + ": option 'max_weight_bytes' must be a number of bytes (an "
                                                 "integer from 0 to 2^64-1) or null, got " + value.dump());
    }
    options.max_weight_bytes = value.get<std::uint64_t>();
  }
  return options;
}

}  // namespace

extern "C" {

inlay_status inlay_model_create(inlay_graph* g, inlay_tensor* const* inputs, size_t n_inputs,
                                inlay_tensor* const* outputs, size_t n_outputs, const char* name,
                                inlay_model** out) {
  return capi::guarded("inlay_model_create", [&] {
    capi::require(g, "inlay_model_create", "g");
    capi::require(out, "inlay_model_create", "out");
    auto model = std::make_unique<inlay_model>();
    model->model = core::Model::functional(g->graph, tensor_list(inputs, n_inputs, "inputs"),
                                           tensor_list(outputs, n_outputs, "outputs"),
                                           name == nullptr ? core::Json() : core::Json(name));
    model->runner = std::make_unique<runtime::ModelRunner>(*model->model);
    *out = model.release();
  });
}

inlay_status inlay_sequential_create(inlay_graph* g, inlay_layer* const* layers, size_t n_layers, const char* name,
                                    inlay_model** out) {
  return capi::guarded("inlay_sequential_create", [&] {
    capi::require(g, "inlay_sequential_create", "g");
    capi::require(out, "inlay_sequential_create", "out");
    if (n_layers > 0) capi::require(layers, "inlay_sequential_create", "layers");
    std::vector<core::Layer*> stack;
    for (size_t i = 0; i < n_layers; ++i) {
      if (layers[i] == nullptr) {
        throw core::Error(core::Status::InvalidArgument,
                          "inlay_sequential_create: layers[" + std::to_string(i) + "] is NULL");
      }
      stack.push_back(capi::unwrap(layers[i]));
    }
    auto model = std::make_unique<inlay_model>();
    model->model = core::Sequential::create(g->graph, std::move(stack), name == nullptr ? core::Json() : core::Json(name));
    model->runner = std::make_unique<runtime::ModelRunner>(*model->model);
    *out = model.release();
  });
}

inlay_status inlay_model_from_json(const char* json, inlay_model** out) {
  return capi::guarded("inlay_model_from_json", [&] {
    capi::require(json, "inlay_model_from_json", "json");
    capi::require(out, "inlay_model_from_json", "out");
    auto model = std::make_unique<inlay_model>();
    model->model = core::model_from_json(capi::parse_json(json, "inlay_model_from_json"));
    model->runner = std::make_unique<runtime::ModelRunner>(*model->model);
    *out = model.release();
  });
}

void inlay_model_free(inlay_model* m) { delete m; }

size_t inlay_model_input_count(const inlay_model* m) { return m == nullptr ? 0 : m->model->inputs().size(); }
size_t inlay_model_output_count(const inlay_model* m) { return m == nullptr ? 0 : m->model->outputs().size(); }

const inlay_tensor* inlay_model_input(const inlay_model* m, size_t i) {
  if (m == nullptr || i >= m->model->inputs().size()) return nullptr;
  return capi::wrap(m->model->inputs()[i]);
}

const inlay_tensor* inlay_model_output(const inlay_model* m, size_t i) {
  if (m == nullptr || i >= m->model->outputs().size()) return nullptr;
  return capi::wrap(m->model->outputs()[i]);
}

const char* inlay_model_name(const inlay_model* m) { return m == nullptr ? nullptr : m->model->name().c_str(); }

size_t inlay_model_layer_count(const inlay_model* m) { return m == nullptr ? 0 : m->model->layers().size(); }

inlay_layer* inlay_model_layer(const inlay_model* m, size_t i) {
  if (m == nullptr || i >= m->model->layers().size()) return nullptr;
  return capi::wrap(m->model->layers()[i]);
}

size_t inlay_model_weight_count(const inlay_model* m) { return m == nullptr ? 0 : m->model->weights().size(); }

inlay_status inlay_model_weight_info(const inlay_model* m, size_t i, const char** name, int* rank,
                                     const int64_t** dims) {
  return capi::guarded("inlay_model_weight_info", [&] {
    const core::Weight& w = weight_at(m, i, "inlay_model_weight_info");
    if (name != nullptr) *name = w.path.c_str();
    if (rank != nullptr) *rank = w.shape.rank();
    if (dims != nullptr) *dims = w.shape.rank() > 0 ? w.shape.dims().data() : nullptr;
  });
}

inlay_status inlay_model_set_weight(inlay_model* m, size_t i, const float* data, size_t n_elements) {
  return capi::guarded("inlay_model_set_weight", [&] {
    core::Weight& w = weight_at(m, i, "inlay_model_set_weight");
    capi::require(data, "inlay_model_set_weight", "data");
    check_element_count(w, n_elements, "inlay_model_set_weight");
    std::copy(data, data + n_elements, w.mutable_data());
    m->model->graph().weights_changed();
  });
}

inlay_status inlay_model_load_weights(inlay_model* m, const char* path) {
  return capi::guarded("inlay_model_load_weights", [&] {
    capi::require(m, "inlay_model_load_weights", "m");
    capi::require(path, "inlay_model_load_weights", "path");
    core::load_weights_file(*m->model, path);
  });
}

inlay_status inlay_model_get_weight(const inlay_model* m, size_t i, float* data, size_t n_elements) {
  return capi::guarded("inlay_model_get_weight", [&] {
    const core::Weight& w = weight_at(m, i, "inlay_model_get_weight");
    capi::require(data, "inlay_model_get_weight", "data");
    check_element_count(w, n_elements, "inlay_model_get_weight");
    std::copy(w.values().begin(), w.values().end(), data);
  });
}

inlay_status inlay_model_to_json(const inlay_model* m, char** json_out) {
  return capi::guarded("inlay_model_to_json", [&] {
    capi::require(m, "inlay_model_to_json", "m");
    capi::require(json_out, "inlay_model_to_json", "json_out");
    *json_out = capi::copy_for_caller(core::python::json_dumps(m->model->to_json()));
  });
}

inlay_status inlay_model_summary(const inlay_model* m, char** text_out) {
  return capi::guarded("inlay_model_summary", [&] {
    capi::require(m, "inlay_model_summary", "m");
    capi::require(text_out, "inlay_model_summary", "text_out");
    *text_out = capi::copy_for_caller(core::model_summary(*m->model));
  });
}

inlay_status inlay_model_load(const char* path, inlay_model** out) {
  return capi::guarded("inlay_model_load", [&] {
    capi::require(path, "inlay_model_load", "path");
    capi::require(out, "inlay_model_load", "out");
    auto model = std::make_unique<inlay_model>();
    model->model = core::load_model_file(path);
    model->runner = std::make_unique<runtime::ModelRunner>(*model->model);
    *out = model.release();
  });
}

inlay_status inlay_model_load_with_options(const char* path, const char* options_json, inlay_model** out) {
  return capi::guarded("inlay_model_load_with_options", [&] {
    capi::require(path, "inlay_model_load_with_options", "path");
    capi::require(out, "inlay_model_load_with_options", "out");
    const core::LoadOptions options = load_options(options_json);
    auto model = std::make_unique<inlay_model>();
    model->model = core::load_model_file(path, options);
    model->runner = std::make_unique<runtime::ModelRunner>(*model->model);
    *out = model.release();
  });
}

}  // extern "C"
