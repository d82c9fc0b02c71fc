// The base of every layer: a name, a Keras class name, a config, and the nodes recording each call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/keras_tensor.hpp"
#include "util/json.hpp"

namespace inlay::core {

// One call of a layer: the tensors it consumed and produced.
struct Node {
  std::vector<KerasTensor*> inputs;
  std::vector<KerasTensor*> outputs;
};

class Layer {
 public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string_view class_name() const = 0;
  // layer.get_config(), Keras 3's form.
  virtual Json get_config() const = 0;

  const std::vector<Node>& inbound_nodes() const { return nodes_; }
  // layer.output: the outputs of the first node (empty before the layer is called).
  const std::vector<KerasTensor*>& outputs() const;

  // Records a call and points each output's history at it.
  void add_node(std::vector<KerasTensor*> inputs, std::vector<KerasTensor*> outputs);

 private:
  std::string name_;
  std::vector<Node> nodes_;
};

// Operation.__init__'s check on explicit names; returns the name.
std::string validate_layer_name(const Json& name);

}  // namespace inlay::core
