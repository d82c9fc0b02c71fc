// The placeholder graph, Input(), tensors and layers through the C ABI.
#include <memory>
#include <string>

#include "capi/errors.hpp"
#include "capi/handles.hpp"
#include "graph/input.hpp"
#include "graph/input_layer.hpp"
#include "layers/registry.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

using namespace inlay;

namespace {

// NULL or "" is an empty object, as Python's f() with no keywords.
core::Json parse_object(const char* json, const char* function) {
  if (json == nullptr || *json == '\0') return core::Json::object();
  core::Json value = capi::parse_json(json, function);
  if (!value.is_object()) {
    throw core::Error(core::Status::ParseError, "expected a JSON object, got " + value.dump());
  }
  return value;
}

}  // namespace

extern "C" {

inlay_status inlay_graph_create(inlay_graph** out) {
  return capi::guarded("inlay_graph_create", [&] {
    capi::require(out, "inlay_graph_create", "out");
    *out = new inlay_graph();
  });
}

void inlay_graph_free(inlay_graph* g) { delete g; }

inlay_status inlay_input(inlay_graph* g, const char* kwargs_json, const inlay_spec* type_spec,
                         const inlay_tensor* tensor, inlay_tensor** out) {
  return capi::guarded("inlay_input", [&] {
    capi::require(g, "inlay_input", "g");
    capi::require(out, "inlay_input", "out");
    const core::Json kwargs = parse_object(kwargs_json, "inlay_input");
    *out = capi::wrap(&core::Input(*g->graph, kwargs, capi::unwrap(type_spec), capi::unwrap(tensor)));
  });
}

int inlay_tensor_rank(const inlay_tensor* t) { return t == nullptr ? -1 : capi::unwrap(t)->shape().rank(); }

const int64_t* inlay_tensor_dims(const inlay_tensor* t) {
  if (t == nullptr || capi::unwrap(t)->shape().rank() <= 0) return nullptr;
  return capi::unwrap(t)->shape().dims().data();
}

inlay_dtype inlay_tensor_dtype(const inlay_tensor* t) {
  return t == nullptr ? static_cast<inlay_dtype>(0) : static_cast<inlay_dtype>(capi::unwrap(t)->dtype());
}

const char* inlay_tensor_name(const inlay_tensor* t) {
  return t == nullptr ? nullptr : capi::unwrap(t)->name().c_str();
}

const inlay_spec* inlay_tensor_spec(const inlay_tensor* t) {
  return t == nullptr ? nullptr : capi::wrap(&capi::unwrap(t)->spec());
}

inlay_layer* inlay_tensor_layer(const inlay_tensor* t) {
  return t == nullptr ? nullptr : capi::wrap(capi::unwrap(t)->history().layer);
}

inlay_status inlay_layer_create(inlay_graph* g, const char* class_name, const char* config_json,
                                inlay_layer** out) {
  return capi::guarded("inlay_layer_create", [&] {
    capi::require(g, "inlay_layer_create", "g");
    capi::require(class_name, "inlay_layer_create", "class_name");
    capi::require(out, "inlay_layer_create", "out");
    const core::Json config = parse_object(config_json, "inlay_layer_create");
    *out = capi::wrap(&core::create_layer(*g->graph, class_name, config));
  });
}

inlay_status inlay_layer_call(inlay_layer* l, inlay_tensor* const* inputs, size_t n_inputs, inlay_tensor** outputs,
                              size_t outputs_capacity, size_t* n_outputs) {
  return capi::guarded("inlay_layer_call", [&] {
    capi::require(l, "inlay_layer_call", "l");
    if (n_inputs > 0) capi::require(inputs, "inlay_layer_call", "inputs");
    capi::require(outputs, "inlay_layer_call", "outputs");
    capi::require(n_outputs, "inlay_layer_call", "n_outputs");
    core::Layer& layer = *capi::unwrap(l);
    if (outputs_capacity < layer.output_count()) {
      throw core::Error(core::Status::InvalidArgument,
                        "inlay_layer_call: layer '" + layer.name() + "' returns " +
                            std::to_string(layer.output_count()) + " tensor(s), outputs_capacity is " +
                            std::to_string(outputs_capacity));
    }
    std::vector<core::KerasTensor*> args;
    for (size_t i = 0; i < n_inputs; ++i) {
      if (inputs[i] == nullptr) {
        throw core::Error(core::Status::InvalidArgument,
                          "inlay_layer_call: inputs[" + std::to_string(i) + "] is NULL");
      }
      args.push_back(capi::unwrap(inputs[i]));
    }
    const std::vector<core::KerasTensor*> results = layer.call(args);
    for (size_t i = 0; i < results.size(); ++i) outputs[i] = capi::wrap(results[i]);
    *n_outputs = results.size();
  });
}

const char* inlay_layer_name(const inlay_layer* l) { return l == nullptr ? nullptr : capi::unwrap(l)->name().c_str(); }

const char* inlay_layer_class_name(const inlay_layer* l) {
  return l == nullptr ? nullptr : capi::unwrap(l)->class_name().data();  // static string literals
}

inlay_status inlay_layer_get_config(const inlay_layer* l, char** json_out) {
  return capi::guarded("inlay_layer_get_config", [&] {
    capi::require(l, "inlay_layer_get_config", "l");
    capi::require(json_out, "inlay_layer_get_config", "json_out");
    *json_out = capi::copy_for_caller(capi::unwrap(l)->get_config().dump());
  });
}

size_t inlay_layer_output_count(const inlay_layer* l) { return l == nullptr ? 0 : capi::unwrap(l)->outputs().size(); }

inlay_tensor* inlay_layer_output(const inlay_layer* l, size_t i) {
  if (l == nullptr || i >= capi::unwrap(l)->outputs().size()) return nullptr;
  return capi::wrap(capi::unwrap(l)->outputs()[i]);
}

}  // extern "C"
