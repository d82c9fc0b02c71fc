#include "layers/registry.hpp"

#include <algorithm>
#include <utility>

#include "graph/input_layer.hpp"
#include "layers/dense.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

using Factory = std::unique_ptr<Layer> (*)(Graph&, const Json&);

// One line per class; each class's from_config reads its own keyword arguments.
const std::vector<std::pair<std::string_view, Factory>>& factories() {
  static const std::vector<std::pair<std::string_view, Factory>> table = {
      {Dense::kClassName, &Dense::from_config},
  };
  return table;
}

}  // namespace

Layer& create_layer(Graph& graph, std::string_view class_name, const Json& config) {
  if (class_name == InputLayer::kClassName) {
    return InputLayer::create(graph, InputLayerArgs::from_config(config));
  }
  for (const auto& [name, factory] : factories()) {
    if (name == class_name) return graph.add_layer(factory(graph, config));
  }
  std::string known;
  for (const auto& name : registered_layer_classes()) known += (known.empty() ? "" : ", ") + name;
  throw Error(Status::Unsupported, "Unsupported layer class '" + std::string(class_name) + "'. Supported: " + known + ".");
}

std::vector<std::string> registered_layer_classes() {
  std::vector<std::string> names = {std::string(InputLayer::kClassName)};
  for (const auto& entry : factories()) names.emplace_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace inlay::core
