// A symbolic tensor (Keras's KerasTensor): a type spec, a name, and the history that says which layer's
// node produced it. Owned by its Graph; everything else holds plain pointers to it.
#pragma once

#include <string>

#include "types/type_spec.hpp"

namespace inlay::core {

class Graph;
class Layer;

// keras_history: (operation, node_index, tensor_index).
struct KerasHistory {
  Layer* layer = nullptr;
  int node_index = 0;
  int tensor_index = 0;
};

class KerasTensor {
 public:
  KerasTensor(Graph& graph, int id, TypeSpec spec, std::string name)
      : graph_(&graph), id_(id), spec_(std::move(spec)), name_(std::move(name)) {}
  KerasTensor(const KerasTensor&) = delete;
  KerasTensor& operator=(const KerasTensor&) = delete;

  // Shape, dtype, sparse and ragged are all read off the spec, so they can never disagree with it.
  const TypeSpec& spec() const { return spec_; }
  const Shape& shape() const { return spec_.shape(); }
  DType dtype() const { return spec_.dtype(); }
  bool sparse() const { return spec_.kind() == SpecKind::Sparse; }
  bool ragged() const { return spec_.kind() == SpecKind::Ragged; }
  const std::string& name() const { return name_; }

  Graph& graph() const { return *graph_; }
  // Its number in the graph (0, 1, ... in creation order): graph algorithms index arrays with it.
  int id() const { return id_; }
  const KerasHistory& history() const { return history_; }
  void set_history(const KerasHistory& history) { history_ = history; }

 private:
  Graph* graph_;
  int id_;
  TypeSpec spec_;
  std::string name_;
  KerasHistory history_;
};

// repr(KerasTensor) as Keras prints it in messages:
// "<KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, name=keras_tensor>".
std::string keras_tensor_repr(const KerasTensor& x);

}  // namespace inlay::core
