// The placeholder graph: owns every layer and symbolic tensor made in it, and the auto-name counters
// (Keras keeps these per session; inlay keeps them per graph, so graphs are independent).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/keras_tensor.hpp"
#include "graph/layer.hpp"
#include "util/naming.hpp"  // to_snake_case, which auto_name uses

namespace inlay::core {

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // keras.src.utils.naming.auto_name: snake_case of the class name, then uniquified
  // ("input_layer", "input_layer_1", ...). Explicit names never enter the counters, as in Keras.
  std::string auto_name(std::string_view class_name);

  KerasTensor& add_tensor(TypeSpec spec, std::string name);
  Layer& add_layer(std::unique_ptr<Layer> layer);

  bool owns(const KerasTensor* tensor) const { return tensor != nullptr && &tensor->graph() == this; }
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
  // Layers, tensors and nodes are numbered densely per graph (Layer::graph_index, KerasTensor::id,
  // Node::id), so that graph algorithms (Model's map_graph) use arrays, not hash maps.
  std::size_t tensor_count() const { return tensors_.size(); }
  std::size_t node_count() const { return static_cast<std::size_t>(node_count_); }
  int next_node_id() { return node_count_++; }

  // Bumped whenever a weight of a layer of this graph changes, so compiled plans (which hold reordered
  // copies of the weights) know to recompile. Several models may share the graph's layers.
  uint64_t weights_version() const { return weights_version_.load(std::memory_order_acquire); }
  void weights_changed() { weights_version_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<uint64_t> weights_version_{0};
  std::unordered_map<std::string, int> name_uids_;
  // to_snake_case of the few class names this graph has named things after, with their counters (a graph
  // of 10,000 Dense layers asks for "Dense" and "KerasTensor" 10,000 times each).
  struct SnakeCase {
    std::string class_name;
    std::string prefix;
    int* uses;  // name_uids_[prefix]
  };
  std::vector<SnakeCase> snake_cases_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::unique_ptr<KerasTensor>> tensors_;
  int node_count_ = 0;
};

}  // namespace inlay::core
