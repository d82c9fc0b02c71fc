#include "io/model_json.hpp"

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "graph/input_layer.hpp"
#include "layers/registry.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw Error(Status::ParseError, "Not a Keras model config: " + what);
}

const Json& member(const Json& object, const char* key, const char* where) {
  if (!object.is_object() || !object.contains(key)) malformed(std::string(where) + " has no \"" + key + "\"");
  return object[key];
}

// tf.keras 2 / TensorFlow.js layer configs, rewritten the way Keras 3's legacy loader does
// (keras/src/legacy/saving/saving_utils.py model_from_config): batch_input_shape becomes an InputLayer's
// batch_shape or another layer's input_shape (batch dimension dropped), a one-element axis list an int.
Json modern_layer_config(const std::string& class_name, Json config) {
  if (!config.is_object()) malformed("the config of a " + class_name + " layer is not an object");
  if (config.contains("batch_input_shape")) {
    Json batch_input_shape = config["batch_input_shape"];
    config.erase("batch_input_shape");
    if (class_name == InputLayer::kClassName) {
      config["batch_shape"] = batch_input_shape;
    } else if (batch_input_shape.is_array() && !batch_input_shape.empty()) {
      config["input_shape"] = Json(batch_input_shape.begin() + 1, batch_input_shape.end());
    }
    if (class_name != InputLayer::kClassName) config.erase("batch_size");
  }
  if (config.contains("axis") && config["axis"].is_array() && config["axis"].size() == 1) {
    config["axis"] = Json(config["axis"][0]);
  }
  return config;
}

Layer& create_from_entry(Graph& graph, const Json& entry) {
  const Json& class_name = member(entry, "class_name", "a layer entry");
  if (!class_name.is_string()) malformed("a layer's class_name is not a string");
  if (class_name == "Functional" || class_name == "Sequential" || class_name == "Model") {
    throw Error(Status::Unsupported, "Nested models (a " + class_name.get<std::string>() +
                                         " used as a layer) are not supported yet.");
  }
  const std::string cls = class_name.get<std::string>();
  return create_layer(graph, cls, modern_layer_config(cls, entry.value("config", Json::object())));
}

// The output tensor a node refers to, or nullptr while the producing node does not exist yet (Keras's
// IndexError, which postpones the node).
KerasTensor* find_tensor(const std::map<std::string, Layer*>& layers, const Json& history) {
  if (!history.is_array() || history.size() < 3 || !history[0].is_string() || !history[1].is_number_integer() ||
      !history[2].is_number_integer()) {
    throw_invalid("Cannot deserialize the model (invalid config data?)");
  }
  auto it = layers.find(history[0].get<std::string>());
  if (it == layers.end()) {
    throw_invalid("Invalid Functional model configuration. Missing node: " + history[0].get<std::string>());
  }
  const auto node_index = history[1].get<int64_t>();
  const auto tensor_index = history[2].get<int64_t>();
  const auto& nodes = it->second->inbound_nodes();
  if (node_index < 0 || static_cast<std::size_t>(node_index) >= nodes.size()) return nullptr;
  const auto& outputs = nodes[static_cast<std::size_t>(node_index)].outputs;
  if (tensor_index < 0 || static_cast<std::size_t>(tensor_index) >= outputs.size()) {
    throw_invalid("Cannot deserialize the model (invalid config data?)");
  }
  return outputs[static_cast<std::size_t>(tensor_index)];
}

// A node's input tensors, from Keras 3's {"args": [...], "kwargs": {...}} or tf.keras's
// [[layer, node, tensor, kwargs], ...]. Empty optional: an inbound node does not exist yet.
std::optional<std::vector<KerasTensor*>> node_inputs(const std::map<std::string, Layer*>& layers,
                                                     const Json& node) {
  std::vector<const Json*> histories;
  if (node.is_array()) {
    for (const Json& input : node) histories.push_back(&input);
  } else if (node.is_object()) {
    const Json& args = member(node, "args", "an inbound node");
    if (!args.is_array() || args.empty()) malformed("an inbound node has no args");
    const Json& first = args[0];
    auto add = [&](const Json& t) {
      if (!t.is_object() || t.value("class_name", "") != "__keras_tensor__") {
        throw Error(Status::Unsupported, "Only tensors are supported as layer call arguments, got " + t.dump());
      }
      histories.push_back(&member(member(t, "config", "a __keras_tensor__"), "keras_history", "a __keras_tensor__"));
    };
    if (first.is_array()) {
      for (const Json& t : first) add(t);
    } else {
      add(first);
    }
  } else {
    malformed("an inbound node is neither a list nor an object");
  }
  std::vector<KerasTensor*> inputs;
  for (const Json* history : histories) {
    KerasTensor* x = find_tensor(layers, *history);
    if (x == nullptr) return std::nullopt;
    inputs.push_back(x);
  }
  return inputs;
}

// functional_from_config: create every layer, then replay the nodes, postponing those whose inputs do
// not exist yet, until all are done.
std::unique_ptr<Model> functional_from_config(const Json& config) {
  auto graph = std::make_shared<Graph>();
  const Json& entries = member(config, "layers", "a Functional config");
  if (!entries.is_array()) malformed("\"layers\" is not a list");
  std::map<std::string, Layer*> layers;
  std::vector<std::pair<Layer*, std::deque<Json>>> pending;
  for (const Json& entry : entries) {
    Layer& layer = create_from_entry(*graph, entry);
    const Json& name = entry.contains("name") ? entry["name"] : Json(layer.name());
    if (!name.is_string()) malformed("a layer entry's name is not a string");
    layers[name.get<std::string>()] = &layer;
    std::deque<Json> nodes;
    for (const Json& node : entry.value("inbound_nodes", Json::array())) {
      if (!(node.is_array() && node.empty())) nodes.push_back(node);
    }
    pending.emplace_back(&layer, std::move(nodes));
  }
  for (bool progress = true; progress;) {
    progress = false;
    for (auto& [layer, nodes] : pending) {
      while (!nodes.empty()) {
        std::optional<std::vector<KerasTensor*>> inputs = node_inputs(layers, nodes.front());
        if (!inputs) break;
        layer->call(*inputs);
        nodes.pop_front();
        progress = true;
      }
    }
  }
  std::string unresolved;
  for (const auto& [layer, nodes] : pending) {
    if (!nodes.empty()) unresolved += (unresolved.empty() ? "" : ", ") + python::quote(layer->name());
  }
  if (!unresolved.empty()) {
    throw_invalid("Invalid Functional model configuration. The graph of the Functional model either has loops or "
                  "disconnected nodes. The following nodes failed to be resolved: [" + unresolved + "]");
  }
  auto endpoints = [&](const Json& value, const char* key) {
    std::vector<KerasTensor*> out;
    auto one = [&](const Json& history) {
      KerasTensor* x = find_tensor(layers, history);
      if (x == nullptr) throw_invalid(std::string("Cannot deserialize the model: ") + key + " " + history.dump());
      out.push_back(x);
    };
    if (value.is_array() && value.size() == 3 && value[0].is_string()) {
      one(value);
    } else if (value.is_array()) {
      for (const Json& history : value) one(history);
    } else {
      throw Error(Status::Unsupported, std::string("Model ") + key + " given as a dict are not supported yet.");
    }
    return out;
  };
  std::vector<KerasTensor*> inputs = endpoints(member(config, "input_layers", "a Functional config"), "inputs");
  std::vector<KerasTensor*> outputs = endpoints(member(config, "output_layers", "a Functional config"), "outputs");
  return Model::functional(graph, std::move(inputs), std::move(outputs), config.value("name", Json()));
}

std::unique_ptr<Model> sequential_from_config(const Json& config) {
  auto graph = std::make_shared<Graph>();
  // Old Keras wrote a Sequential config as the bare list of its layers.
  const Json& entries = config.is_array() ? config : member(config, "layers", "a Sequential config");
  if (!entries.is_array()) malformed("\"layers\" is not a list");
  std::vector<Layer*> layers;
  for (const Json& entry : entries) layers.push_back(&create_from_entry(*graph, entry));
  // Keras 3 records the shape a deferred Sequential was built with.
  if (!layers.empty() && layers.front()->class_name() != InputLayer::kClassName &&
      !layers.front()->input_shape_arg() && config.is_object() && config.contains("build_input_shape") &&
      config["build_input_shape"].is_array()) {
    Json kwargs = {{"batch_shape", config["build_input_shape"]}};
    layers.insert(layers.begin(), &InputLayer::create(*graph, InputLayerArgs::from_config(kwargs)));
  }
  const Json name = config.is_object() ? config.value("name", Json()) : Json();
  return Sequential::create(graph, std::move(layers), name);
}

// The model dict inside whatever wrapper the JSON came in.
const Json& model_dict(const Json& json) {
  if (!json.is_object()) malformed("expected a JSON object, got " + std::string(json.type_name()));
  if (json.contains("modelTopology")) return model_dict(json["modelTopology"]);  // TensorFlow.js model.json
  if (json.contains("model_config")) return model_dict(json["model_config"]);    // Keras H5 / tfjs topology
  return json;
}

}  // namespace

std::unique_ptr<Model> model_from_json(const Json& json) {
  const Json& model = model_dict(json);
  const Json& class_name = member(model, "class_name", "the model");
  const Json& config = member(model, "config", "the model");
  if (class_name == "Functional" || class_name == "Model") return functional_from_config(config);
  if (class_name == "Sequential") return sequential_from_config(config);
  throw Error(Status::Unsupported, "Unsupported model class " + class_name.dump() +
                                       ": inlay reads Functional (Model) and Sequential models.");
}

}  // namespace inlay::core
