#include "layers/registry.hpp"

#include <algorithm>
#include <utility>

#include "graph/input_layer.hpp"
#define INLAY_LAYER_CLASS_HEADERS
#include "layers/layer_classes.def"
#undef INLAY_LAYER_CLASS_HEADERS
#include "layers/layer_args.hpp"
#include "layers/op_layer.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

using Factory = std::unique_ptr<Layer> (*)(Graph&, const Json&);

// The rows of layers/layer_classes.def; each class's from_config reads its own keyword arguments.
const std::vector<std::pair<std::string_view, Factory>>& factories() {
  static const std::vector<std::pair<std::string_view, Factory>> table = {
#define INLAY_LAYER_CLASS(keras_name, cpp_class, lowering, positional) {#keras_name, &cpp_class::from_config},
#include "layers/layer_classes.def"
#undef INLAY_LAYER_CLASS
  };
  return table;
}

// Each row's Keras name is its class's own.
#define INLAY_LAYER_CLASS(keras_name, cpp_class, lowering, positional) \
  static_assert(cpp_class::kClassName == std::string_view(#keras_name), #cpp_class " is not named " #keras_name);
#include "layers/layer_classes.def"
#undef INLAY_LAYER_CLASS

}  // namespace

Layer& create_layer(Graph& graph, std::string_view class_name, const Json& config) {
  if (class_name == InputLayer::kClassName) {
    return InputLayer::create(graph, InputLayerArgs::from_config(config));
  }
  for (const auto& [name, factory] : factories()) {
    if (name == class_name) {
      Layer& layer = graph.add_layer(factory(graph, config));
      // Validated by the layer's from_config already; kept on the layer for Sequential.
      if (config.is_object()) {
        auto shape = input_shape_argument(config.value("input_dim", Json()), config.value("input_shape", Json()));
        if (shape) layer.set_input_shape_arg(std::move(*shape));
      }
      return layer;
    }
  }
  std::string known;
  for (const auto& name : registered_layer_classes()) known += (known.empty() ? "" : ", ") + name;
  throw Error(Status::Unsupported, "Unsupported layer class '" + std::string(class_name) + "'. Supported: " + known + ".");
}

bool is_op_module(std::string_view module) { return module.rfind("keras.src.ops.", 0) == 0; }

OpLayer& create_op_layer(Graph& graph, std::string_view module, std::string_view op_name, const Json& config) {
  using OpFactory = std::unique_ptr<Layer> (*)(Graph&, std::string_view, std::string_view, const Json&);
  struct OpRow {
    std::string_view module, op_name;
    OpFactory factory;
  };
  static const OpRow rows[] = {
#define INLAY_OP_LAYER(op_module, op, cpp_class, lowering) {op_module, #op, &cpp_class::from_op_config},
#include "layers/layer_classes.def"
#undef INLAY_OP_LAYER
  };
  for (const OpRow& row : rows) {
    if (row.module == module && row.op_name == op_name) {
      // The rows' strings are static: the layer keeps views of them.
      return static_cast<OpLayer&>(graph.add_layer(row.factory(graph, row.module, row.op_name, config)));
    }
  }
  throw Error(Status::Unsupported, "Unsupported op-layer " + std::string(module) + "." + std::string(op_name) +
                                       " (a Keras operation called in a functional model).");
}

std::vector<std::string> registered_layer_classes() {
  std::vector<std::string> names = {std::string(InputLayer::kClassName)};
  for (const auto& entry : factories()) names.emplace_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace inlay::core
