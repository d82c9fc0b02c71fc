#include "layers/registry.hpp"

#include <algorithm>
#include <utility>

#include "graph/input_layer.hpp"
#include "layers/dense.hpp"
#include "layers/conv1d.hpp"
#include "layers/conv2d.hpp"
#include "layers/conv3d.hpp"
#include "layers/max_pooling1d.hpp"
#include "layers/max_pooling2d.hpp"
#include "layers/average_pooling1d.hpp"
#include "layers/average_pooling2d.hpp"
#include "layers/global_average_pooling1d.hpp"
#include "layers/global_average_pooling2d.hpp"
#include "layers/global_max_pooling2d.hpp"
#include "layers/activation.hpp"
#include "layers/add.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/concatenate.hpp"
#include "layers/dropout.hpp"
#include "layers/flatten.hpp"
#include "layers/reshape.hpp"
#include "layers/zero_padding2d.hpp"
#include "layers/layer_args.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

using Factory = std::unique_ptr<Layer> (*)(Graph&, const Json&);

// One line per class; each class's from_config reads its own keyword arguments.
const std::vector<std::pair<std::string_view, Factory>>& factories() {
  static const std::vector<std::pair<std::string_view, Factory>> table = {
      {Dense::kClassName, &Dense::from_config},
      {Conv1D::kClassName, &Conv1D::from_config},
      {Conv2D::kClassName, &Conv2D::from_config},
      {Conv3D::kClassName, &Conv3D::from_config},
      {MaxPooling1D::kClassName, &MaxPooling1D::from_config},
      {MaxPooling2D::kClassName, &MaxPooling2D::from_config},
      {AveragePooling1D::kClassName, &AveragePooling1D::from_config},
      {AveragePooling2D::kClassName, &AveragePooling2D::from_config},
      {GlobalAveragePooling1D::kClassName, &GlobalAveragePooling1D::from_config},
      {GlobalAveragePooling2D::kClassName, &GlobalAveragePooling2D::from_config},
      {GlobalMaxPooling2D::kClassName, &GlobalMaxPooling2D::from_config},
      {ActivationLayer::kClassName, &ActivationLayer::from_config},
      {Dropout::kClassName, &Dropout::from_config},
      {Flatten::kClassName, &Flatten::from_config},
      {Reshape::kClassName, &Reshape::from_config},
      {BatchNormalization::kClassName, &BatchNormalization::from_config},
      {ZeroPadding2D::kClassName, &ZeroPadding2D::from_config},
      {Add::kClassName, &Add::from_config},
      {Concatenate::kClassName, &Concatenate::from_config},
  };
  return table;
}

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

std::vector<std::string> registered_layer_classes() {
  std::vector<std::string> names = {std::string(InputLayer::kClassName)};
  for (const auto& entry : factories()) names.emplace_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace inlay::core
