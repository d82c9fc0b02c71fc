// The placeholder graph: owns every layer and symbolic tensor made in it, and the auto-name counters
// (Keras keeps these per session; inlay keeps them per graph, so graphs are independent).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/keras_tensor.hpp"
#include "graph/layer.hpp"

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

 private:
  std::unordered_map<std::string, int> name_uids_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::unique_ptr<KerasTensor>> tensors_;
};

// keras.src.utils.naming.to_snake_case
std::string to_snake_case(std::string_view name);

}  // namespace inlay::core
