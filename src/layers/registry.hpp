// Layer classes by Keras class name: Layer.from_config for every class inlay knows.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "util/json.hpp"

namespace inlay::core {

// Makes a layer of `class_name` from its config and adds it to `graph` (InputLayer included). Unknown
// classes: Status::Unsupported naming the class.
Layer& create_layer(Graph& graph, std::string_view class_name, const Json& config);

// Whether a serialized layer's "module" names a Keras 3 operation module ("keras.src.ops.numpy", ...): the
// entry is an op-layer, made by create_op_layer.
bool is_op_module(std::string_view module);
// Makes the op-layer `op_name` of `module` (a row INLAY_OP_LAYER of layers/layer_classes.def) from its config
// and adds it to `graph`. Unknown ops: Status::Unsupported naming the op.
class OpLayer;
OpLayer& create_op_layer(Graph& graph, std::string_view module, std::string_view op_name, const Json& config);

// The class names create_layer knows, sorted.
std::vector<std::string> registered_layer_classes();

}  // namespace inlay::core
