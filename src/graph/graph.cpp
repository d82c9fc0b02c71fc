#include "graph/graph.hpp"

#include <algorithm>
#include <utility>

namespace inlay::core {

std::string Graph::auto_name(std::string_view class_name) {
  auto known = std::find_if(snake_cases_.begin(), snake_cases_.end(),
                            [&](const SnakeCase& entry) { return entry.class_name == class_name; });
  if (known == snake_cases_.end()) {
    std::string prefix = to_snake_case(class_name);
    int& uses = name_uids_[prefix];  // unordered_map elements stay put: the entry keeps a pointer
    snake_cases_.push_back({std::string(class_name), std::move(prefix), &uses});
    known = snake_cases_.end() - 1;
  }
  int& uses = *known->uses;
  std::string name = uses == 0 ? known->prefix : known->prefix + "_" + std::to_string(uses);
  ++uses;
  return name;
}

KerasTensor& Graph::add_tensor(TypeSpec spec, std::string name) {
  const int id = static_cast<int>(tensors_.size());
  tensors_.push_back(std::make_unique<KerasTensor>(*this, id, std::move(spec), std::move(name)));
  return *tensors_.back();
}

Layer& Graph::add_layer(std::unique_ptr<Layer> layer) {
  layer->graph_ = this;
  layer->graph_index_ = static_cast<int>(layers_.size());
  layers_.push_back(std::move(layer));
  return *layers_.back();
}

}  // namespace inlay::core
