// How the C handles map onto core objects. A spec, tensor or layer handle is the core object's own
// address (the C struct is never defined); a graph handle is a real struct, because models (a later
// addition) share the graph they were made from.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/keras_tensor.hpp"
#include "graph/model.hpp"
#include "graph/layer.hpp"
#include "runtime/model_runner.hpp"
#include "types/array.hpp"
#include "inlay/inlay.h"
#include "types/type_spec.hpp"

struct inlay_graph {
  std::shared_ptr<inlay::core::Graph> graph = std::make_shared<inlay::core::Graph>();
};

struct inlay_model {
  std::unique_ptr<inlay::core::Model> model;         // the model shares its graph
  std::unique_ptr<inlay::runtime::ModelRunner> runner;    // made with the model; runs it (declared after: freed first)
};

namespace inlay::capi {

inline const core::TypeSpec* unwrap(const inlay_spec* s) { return reinterpret_cast<const core::TypeSpec*>(s); }
inline inlay_spec* wrap(core::TypeSpec* s) { return reinterpret_cast<inlay_spec*>(s); }
inline const inlay_spec* wrap(const core::TypeSpec* s) { return reinterpret_cast<const inlay_spec*>(s); }

inline core::KerasTensor* unwrap(const inlay_tensor* t) {
  // Tensors are handed out non-const; the C API takes const where it only reads.
  return reinterpret_cast<core::KerasTensor*>(const_cast<inlay_tensor*>(t));
}
inline inlay_tensor* wrap(core::KerasTensor* t) { return reinterpret_cast<inlay_tensor*>(t); }

// An array handle is the core Array's own address.
inline core::Array* unwrap(const inlay_array* a) { return reinterpret_cast<core::Array*>(const_cast<inlay_array*>(a)); }
inline inlay_array* wrap(core::Array* a) { return reinterpret_cast<inlay_array*>(a); }

inline core::Layer* unwrap(const inlay_layer* l) {
  return reinterpret_cast<core::Layer*>(const_cast<inlay_layer*>(l));
}
inline inlay_layer* wrap(core::Layer* l) { return reinterpret_cast<inlay_layer*>(l); }

}  // namespace inlay::capi
