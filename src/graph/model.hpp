// keras.Model(inputs, outputs) — the Functional model: the layers between some Input tensors and some
// output tensors, in Keras's topological order, with Keras's graph checks. A model shares ownership of
// the graph it was made from, so the graph may be released first.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.hpp"
#include "graph/keras_tensor.hpp"
#include "graph/layer.hpp"
#include "util/json.hpp"

namespace inlay::core {

// A node of the model: (layer, index of the node among the layer's inbound nodes).
struct NodeRef {
  Layer* layer = nullptr;
  int node_index = 0;
  const Node& node() const { return layer->inbound_nodes()[static_cast<std::size_t>(node_index)]; }
  bool operator==(const NodeRef& other) const { return layer == other.layer && node_index == other.node_index; }
};

class Model {
 public:
  // Functional(inputs, outputs, name): map_graph's checks and order. name null: auto "functional".
  static std::unique_ptr<Model> functional(std::shared_ptr<Graph> graph, std::vector<KerasTensor*> inputs,
                                           std::vector<KerasTensor*> outputs, const Json& name);

  const std::string& name() const { return name_; }
  std::string_view class_name() const { return class_name_; }
  const std::vector<KerasTensor*>& inputs() const { return inputs_; }
  const std::vector<KerasTensor*>& outputs() const { return outputs_; }
  // model.layers (Keras's order: by decreasing depth, then first traversal).
  const std::vector<Layer*>& layers() const { return layers_; }
  // The nodes to run, inputs first (every input of a node is computed by an earlier one).
  const std::vector<NodeRef>& execution_order() const { return execution_order_; }
  // model.weights: each layer's trainable then non-trainable weights, in layer order. Collected once:
  // every layer of a model is built, so its weights no longer change.
  const std::vector<Weight*>& weights() const { return weights_; }

  Graph& graph() const { return *graph_; }
  // model.to_json() of Keras 3 (a dict; dump() gives the text).
  virtual Json to_json() const;

  virtual ~Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

 protected:
  Model(std::shared_ptr<Graph> graph, std::string name, std::string class_name)
      : graph_(std::move(graph)), name_(std::move(name)), class_name_(std::move(class_name)) {}
  // Runs map_graph over inputs -> outputs and fills layers_ and execution_order_.
  void map_graph();
  [[noreturn]] void throw_disconnected(const KerasTensor& x, const NodeRef& at, std::size_t checked) const;
  void check_unique_names() const;
  void check_outputs_reachable() const;
  void collect_weights();
  Json functional_config() const;

  std::shared_ptr<Graph> graph_;
  std::string name_;
  std::string class_name_;
  std::vector<KerasTensor*> inputs_;
  std::vector<KerasTensor*> outputs_;
  std::vector<Layer*> layers_;
  std::vector<NodeRef> execution_order_;
  std::vector<Weight*> weights_;
};

// keras.Sequential(layers, name): a stack of single-input layers. The first is an InputLayer, or a layer
// given input_shape / input_dim (an InputLayer is then made for it). Layers the Sequential builds get
// weight paths under the model's name ("sequential/dense/kernel"), as in Keras. model.layers leaves the
// InputLayer out.
class Sequential final : public Model {
 public:
  static std::unique_ptr<Sequential> create(std::shared_ptr<Graph> graph, std::vector<Layer*> layers,
                                            const Json& name);
  Json to_json() const override;

 private:
  using Model::Model;
  std::vector<Layer*> stack_;  // InputLayer first
};

}  // namespace inlay::core
