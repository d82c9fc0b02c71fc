#include "io/model_json.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "graph/input_layer.hpp"
#include "layers/nested_model.hpp"
#include "layers/op_layer.hpp"
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

// Keys tf.keras 2 writes into a class's config with a value that means what Keras 3 does by default, but that
// Keras 3's constructor rejects as unknown: tf.keras's DepthwiseConv / SeparableConv / ConvTranspose inherit
// Conv's "groups" (always 1 there) and SeparableConv also its unused kernel_initializer / regularizer /
// constraint; SpatialDropout writes Dropout's noise_shape (always None). Dropped, so a tf.keras .h5 / JSON
// loads; any other value stays and is refused with Keras 3's message.
void drop_tf_keras_only_keys(const std::string& class_name, Json& config) {
  static const std::set<std::string> inherits_groups = {"DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
                                                        "SeparableConv2D", "Conv1DTranspose", "Conv2DTranspose",
                                                        "Conv3DTranspose"};
  if (inherits_groups.count(class_name) > 0) {
    if (auto it = config.find("groups"); it != config.end() && *it == Json(1)) config.erase(it);
  }
  if (class_name == "SeparableConv1D" || class_name == "SeparableConv2D") {
    for (const char* key : {"kernel_initializer", "kernel_regularizer", "kernel_constraint"}) config.erase(key);
  }
  if (class_name.rfind("SpatialDropout", 0) == 0) {
    if (auto it = config.find("noise_shape"); it != config.end() && it->is_null()) config.erase(it);
  }
}

// A TensorFlow.js layer config as TensorFlow.js reads it, where that is not what Keras 3 would (tfjs-layers
// 4.22, src/layers/): the defaults of keys a model.json may leave out (recurrent.ts: GRUCell's and LSTMCell's
// DEFAULT_RECURRENT_ACTIVATION = 'hardSigmoid', which ConvLSTM2D inherits, and GRU's resetAfter, false;
// advanced_activations.ts: Softmax's DEFAULT_AXIS = 1.0), and the keys it ignores (its ReLU takes maxValue
// only: a converted ReLU's negative_slope and threshold change nothing there).
void as_tfjs_reads(const std::string& class_name, Json& config) {
  static const std::set<std::string> hard_sigmoid_gates = {"LSTM", "GRU", "LSTMCell", "GRUCell", "ConvLSTM2D"};
  if (hard_sigmoid_gates.count(class_name) > 0 && !config.contains("recurrent_activation")) {
    config["recurrent_activation"] = "hard_sigmoid";
  }
  if ((class_name == "GRU" || class_name == "GRUCell") && !config.contains("reset_after")) {
    config["reset_after"] = false;
  }
  if (class_name == "Softmax" && !config.contains("axis")) config["axis"] = 1;
  if (class_name == "ReLU") {
    config.erase("negative_slope");
    config.erase("threshold");
  }
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
  drop_tf_keras_only_keys(class_name, config);
  if (reading_dialect() == Dialect::TensorFlowJs) as_tfjs_reads(class_name, config);
  return config;
}

std::unique_ptr<Model> functional_from_config(const Json& config, int depth);
std::unique_ptr<Model> sequential_from_config(const Json& config, int depth);

// How deep models may nest in models: far beyond any real model, and a bound on the recursion a file makes.
constexpr int kMaxNestingDepth = 32;

Layer& create_from_entry(Graph& graph, const Json& entry, int depth) {
  const Json& class_name = member(entry, "class_name", "a layer entry");
  if (!class_name.is_string()) malformed("a layer's class_name is not a string");
  if (class_name == "Functional" || class_name == "Sequential" || class_name == "Model") {
    // A model used as a layer: built as a model of its own graph, then wrapped as a layer of this one.
    if (depth >= kMaxNestingDepth) {
      throw Error(Status::Unsupported, "Models nested more than " + std::to_string(kMaxNestingDepth) +
                                           " deep are not supported.");
    }
    const Json& config = member(entry, "config", "a nested model entry");
    std::unique_ptr<Model> inner = class_name == "Sequential" ? sequential_from_config(config, depth + 1)
                                                              : functional_from_config(config, depth + 1);
    return NestedModel::create(graph, std::move(inner));
  }
  const std::string cls = class_name.get<std::string>();
  if (const Json module = entry.value("module", Json()); module.is_string() && is_op_module(module.get<std::string>())) {
    return create_op_layer(graph, module.get<std::string>(), cls, entry.value("config", Json::object()));
  }
  return create_layer(graph, cls, modern_layer_config(cls, entry.value("config", Json::object())));
}

// Where a keras_history [layer name, node index, tensor index] points, checked as far as it can be before
// the node exists.
struct HistoryRef {
  std::size_t layer = 0;  // index into the replay's layers
  int64_t node_index = 0;
  int64_t tensor_index = 0;
};

// A Functional config's layers, by name (Keras's created_layers: a later layer of the same name replaces
// an earlier one), in the order their entries list them.
class CreatedLayers {
 public:
  void add(const std::string& name, Layer& layer) {
    layers_.push_back(&layer);
    by_name_[name] = layers_.size() - 1;
  }
  std::size_t size() const { return layers_.size(); }
  Layer& operator[](std::size_t i) const { return *layers_[i]; }
  std::optional<std::size_t> find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }

  HistoryRef locate(const Json& history) const {
    if (!history.is_array() || history.size() < 3 || !history[0].is_string() || !history[1].is_number_integer() ||
        !history[2].is_number_integer()) {
      throw_invalid("Cannot deserialize the model (invalid config data?)");
    }
    const std::optional<std::size_t> layer = find(history[0].get_ref<const std::string&>());
    if (!layer) {
      throw_invalid("Invalid Functional model configuration. Missing node: " +
                    python::str_prefix(history[0], kMaxQuotedBytes));
    }
    return {*layer, history[1].get<int64_t>(), history[2].get<int64_t>()};
  }

  // The tensor `ref` points at, or nullptr while its node does not exist yet (Keras's IndexError, which
  // postpones the node).
  KerasTensor* tensor(const HistoryRef& ref) const {
    const auto& nodes = layers_[ref.layer]->inbound_nodes();
    if (ref.node_index < 0 || static_cast<uint64_t>(ref.node_index) >= nodes.size()) return nullptr;
    const auto& outputs = nodes[static_cast<std::size_t>(ref.node_index)].outputs;
    if (ref.tensor_index < 0 || static_cast<uint64_t>(ref.tensor_index) >= outputs.size()) {
      throw_invalid("Cannot deserialize the model (invalid config data?)");
    }
    return outputs[static_cast<std::size_t>(ref.tensor_index)];
  }

 private:
  std::vector<Layer*> layers_;
  std::map<std::string, std::size_t> by_name_;  // a map: no hash a file could make collide
};

// A call of a layer as a node records it: the keras_history of every tensor it takes (its inputs, then the
// masks it was passed), which inputs came by keyword, and its other keyword arguments.
struct NodeCall {
  std::vector<const Json*> histories;  // inputs (positional, then by keyword), then masks
  std::size_t n_inputs = 0;
  CallArguments args;                  // keywords and options (mask_inputs filled once the tensors exist)
};

bool is_keras3_tensor(const Json& t) {
  return t.is_object() && t.contains("class_name") && t["class_name"] == "__keras_tensor__";
}

// tf.keras's reference to a tensor inside call kwargs: [layer name, node index, tensor index].
bool is_tf_keras_tensor_ref(const Json& t) {
  return t.is_array() && t.size() == 3 && t[0].is_string() && t[1].is_number_integer() && t[2].is_number_integer();
}

// The tensors of a (nested) list keyword value in order, flat ([[h1, c1], h2]: a stack of RNN cells' states);
// false when the list holds anything else (nulls allowed in masks). Nesting is bounded: files are untrusted.
template <typename HistoryOf>
bool collect_tensors(const Json& list, bool nulls_allowed, HistoryOf history_of, std::vector<const Json*>& found,
                     int depth) {
  constexpr int kMaxNesting = 4;
  for (const Json& item : list) {
    if (const Json* history = history_of(item)) {
      found.push_back(history);
    } else if (item.is_array() && depth < kMaxNesting) {
      if (!collect_tensors(item, nulls_allowed, history_of, found, depth + 1)) return false;
    } else if (!(nulls_allowed && item.is_null())) {
      return false;
    }
  }
  return true;
}

// Sorts a call's keyword arguments into tensors by keyword, masks and options. `history_of` gives a tensor's
// keras_history, or null when the value is not a tensor.
template <typename HistoryOf>
void read_call_kwargs(const Json& kwargs, const Layer& layer, HistoryOf history_of, NodeCall& call,
                      std::vector<const Json*>& masks) {
  if (!kwargs.is_object()) malformed("an inbound node's kwargs are not a dict");
  // Keyword tensors follow the positional ones in the layer's order; keywords it does not know keep the
  // file's order after those (Layer::call refuses them by name).
  std::vector<std::pair<std::string, const Json*>> tensors;
  for (const auto& [key, value] : kwargs.items()) {
    std::vector<const Json*> found;
    if (const Json* h = history_of(value)) {
      found.push_back(h);
    } else if (value.is_array() && !value.empty() && !collect_tensors(value, key == "mask", history_of, found, 0)) {
      found.clear();
    }
    if (key == "mask") {
      masks.insert(masks.end(), found.begin(), found.end());
      if (found.empty() && !value.is_null() && !(value.is_array() && value.empty())) call.args.options[key] = value;
    } else if (found.empty()) {
      call.args.options[key] = value;
    } else {
      for (const Json* h : found) tensors.emplace_back(key, h);
    }
  }
  const std::vector<std::string_view> order = layer.call_tensor_keywords();
  auto rank = [&](const std::string& key) {
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), key) - order.begin());
  };
  std::stable_sort(tensors.begin(), tensors.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  for (auto& [key, h] : tensors) {
    call.histories.push_back(h);
    call.args.keywords.push_back(key);
  }
}

// A node from Keras 3's {"args": [...], "kwargs": {...}} or tf.keras's [[layer, node, tensor, kwargs], ...].
NodeCall read_node_call(const Json& node, const Layer& layer) {
  NodeCall call;
  std::vector<const Json*> masks;
  if (node.is_array()) {
    // tf.keras: every entry is a positional tensor; the call's kwargs are the last entry's (as its
    // functional.py process_node keeps them), with tensors as [layer, node, tensor] references.
    // An entry is [layer, node, tensor, kwargs]; a list of entries is a nested argument (initial_state=[[h, c],
    // h2] of an RNN over a stack of cells), read flat, to a bounded depth.
    auto add = [&](auto&& self, const Json& input, int depth) -> void {
      constexpr int kMaxNesting = 4;
      if (input.is_array() && !input.empty() && input[0].is_array() && depth < kMaxNesting) {
        for (const Json& item : input) self(self, item, depth + 1);
        return;
      }
      call.histories.push_back(&input);
      call.args.keywords.emplace_back();
    };
    for (const Json& input : node) add(add, input, 0);
    if (!node.empty() && node.back().is_array() && node.back().size() >= 4) {
      read_call_kwargs(node.back()[3], layer,
                       [](const Json& v) { return is_tf_keras_tensor_ref(v) ? &v : nullptr; }, call, masks);
    }
  } else if (node.is_object()) {
    const Json& args = member(node, "args", "an inbound node");
    if (!args.is_array() || args.empty()) malformed("an inbound node has no args");
    auto add = [&](const Json& t) {
      if (!is_keras3_tensor(t)) {
        throw Error(Status::Unsupported,
                    "Only tensors are supported as layer call arguments, got " + dump_prefix(t, kMaxQuotedBytes));
      }
      call.histories.push_back(&member(member(t, "config", "a __keras_tensor__"), "keras_history", "a __keras_tensor__"));
      call.args.keywords.emplace_back();
    };
    for (const Json& arg : args) {
      if (arg.is_array() && &arg == &args[0]) {
        for (const Json& t : arg) add(t);
      } else {
        add(arg);
      }
    }
    if (node.contains("kwargs")) {
      read_call_kwargs(node["kwargs"], layer,
                       [](const Json& v) -> const Json* {
                         if (!is_keras3_tensor(v)) return nullptr;
                         return &member(member(v, "config", "a __keras_tensor__"), "keras_history", "a __keras_tensor__");
                       },
                       call, masks);
    }
  } else {
    malformed("an inbound node is neither a list nor an object");
  }
  call.n_inputs = call.histories.size();
  call.histories.insert(call.histories.end(), masks.begin(), masks.end());
  return call;
}

// Keras's functional_from_config replays the layer calls (nodes) in passes: each pass goes through the
// config's layer entries in order and calls each entry's layer on its pending nodes, in order, until one
// needs a tensor whose node does not exist yet; passes repeat until one makes no progress. Done literally,
// that is quadratic (a chain listed output-first makes one call per pass). This replay makes exactly the
// same calls in exactly the same order, hence the same layers, nodes, names and first error, in
// O(n log n): a blocked layer waits on the node it needs, and when that node is made it is scheduled for
// the next place the passes would visit it — later in the same pass if one of its entries comes after the
// entry being replayed, else in the next pass. Visits are taken in (pass, entry) order from a heap.
class FunctionalReplay {
 public:
  explicit FunctionalReplay(const CreatedLayers& layers)
      : layers_(layers), calls_(layers.size()), waiters_(layers.size()) {}

  // A call of the layer at `layer` (its next inbound node), and a place where the passes visit the layer:
  // each entry visits the layer its name maps to.
  void add_node(std::size_t layer, const Json& node) { calls_[layer].nodes.push_back(&node); }
  void add_slot(std::size_t layer) { calls_[layer].slots.push_back(slot_count_++); }

  void run() {
    std::vector<std::size_t> slot_layers(slot_count_);
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      for (std::size_t slot : calls_[i].slots) slot_layers[slot] = i;
    }
    for (std::size_t slot = 0; slot < slot_count_; ++slot) {
      if (!calls_[slot_layers[slot]].nodes.empty()) queue_.push({1, slot, slot_layers[slot]});
    }
    while (!queue_.empty()) {
      const Visit visit = queue_.top();
      queue_.pop();
      replay(visit);
    }
  }

  // The names of the layers left with nodes that could not be replayed, in config order, quoted.
  std::string unresolved() const {
    std::string names;
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i].next < calls_[i].nodes.size()) {
        if (!names.empty()) names += ", ";
        names += python::quote(layers_[i].name());
      }
    }
    return names;
  }

 private:
  struct Visit {
    uint64_t pass;
    std::size_t slot;
    std::size_t layer;
    bool operator>(const Visit& other) const {
      return pass != other.pass ? pass > other.pass : slot > other.slot;
    }
  };
  // One layer's calls still to make, and the progress on the next one.
  struct Calls {
    std::vector<const Json*> nodes;
    std::size_t next = 0;                 // nodes[next] is the next call
    std::vector<std::size_t> slots;       // the entries that visit this layer (ascending)
    bool prepared = false;                // call holds nodes[next]'s
    NodeCall call;
    std::vector<KerasTensor*> inputs;     // the tensors of histories[0 .. inputs.size()) found so far
    bool waiting = false;                 // registered in waiters_ for the node it needs
    OpLayer::Call op_call;                // an op-layer's arguments for nodes[next]
  };

  // The layer at `layer` as an op-layer (whose calls carry constants), or null.
  OpLayer* op_layer(std::size_t layer) const {
    Layer& l = layers_[layer];
    return is_op_module(l.module()) ? static_cast<OpLayer*>(&l) : nullptr;
  }

  // The layer's pending calls at this visit, as Keras's pass would make them, until one must wait.
  void replay(const Visit& visit) {
    Calls& calls = calls_[visit.layer];
    if (calls.waiting) return;  // nothing it needs appeared since it last waited: Keras's attempt fails again
    while (calls.next < calls.nodes.size()) {
      if (!calls.prepared) {
        calls.call = NodeCall{};
        if (op_layer(visit.layer) != nullptr) {
          calls.op_call = OpLayer::read_call(*calls.nodes[calls.next], calls.call.histories);
          calls.call.n_inputs = calls.call.histories.size();
        } else {
          calls.call = read_node_call(*calls.nodes[calls.next], layers_[visit.layer]);
        }
        calls.inputs.clear();
        calls.prepared = true;
      }
      while (calls.inputs.size() < calls.call.histories.size()) {
        const HistoryRef ref = layers_.locate(*calls.call.histories[calls.inputs.size()]);
        KerasTensor* x = layers_.tensor(ref);
        if (x == nullptr) {
          wait(visit.layer, ref);
          return;
        }
        calls.inputs.push_back(x);
      }
      if (OpLayer* op = op_layer(visit.layer)) {
        op->call_op(std::move(calls.op_call), calls.inputs);
      } else {
        const auto split = calls.inputs.begin() + static_cast<std::ptrdiff_t>(calls.call.n_inputs);
        calls.call.args.mask_inputs.assign(split, calls.inputs.end());
        calls.inputs.erase(split, calls.inputs.end());
        layers_[visit.layer].call(calls.inputs, calls.call.args);
      }
      calls.prepared = false;
      calls.call = NodeCall{};
      calls.inputs.clear();
      ++calls.next;
      wake(visit, layers_[visit.layer].inbound_nodes().size() - 1);
    }
  }

  void wait(std::size_t layer, const HistoryRef& ref) {
    calls_[layer].waiting = true;
    // A negative index never appears (nor does an index past what its layer will ever make: the layer then
    // stays unresolved, as in Keras).
    if (ref.node_index >= 0) waiters_[ref.layer].emplace(ref.node_index, layer);
  }

  // The node `node_index` of the visited layer now exists: every layer waiting for it is visited next where
  // the passes would reach it.
  void wake(const Visit& at, std::size_t node_index) {
    auto& waiting = waiters_[at.layer];
    const auto [first, last] = waiting.equal_range(static_cast<int64_t>(node_index));
    for (auto it = first; it != last; ++it) {
      Calls& calls = calls_[it->second];
      calls.waiting = false;
      if (calls.slots.empty()) continue;
      const auto later = std::upper_bound(calls.slots.begin(), calls.slots.end(), at.slot);
      if (later != calls.slots.end()) {
        queue_.push({at.pass, *later, it->second});
      } else {
        queue_.push({at.pass + 1, calls.slots.front(), it->second});
      }
    }
    waiting.erase(first, last);
  }

  const CreatedLayers& layers_;
  std::vector<Calls> calls_;
  std::vector<std::multimap<int64_t, std::size_t>> waiters_;  // by producing layer: node index -> waiting layer
  std::size_t slot_count_ = 0;
  std::priority_queue<Visit, std::vector<Visit>, std::greater<>> queue_;
};

// functional_from_config: create every layer, then replay the nodes (FunctionalReplay).
std::unique_ptr<Model> functional_from_config(const Json& config, int depth) {
  auto graph = std::make_shared<Graph>();
  const Json& entries = member(config, "layers", "a Functional config");
  if (!entries.is_array()) malformed("\"layers\" is not a list");
  CreatedLayers layers;
  std::vector<std::string> slot_names;  // each entry's name, which picks the layer its place in a pass visits
  slot_names.reserve(entries.size());
  for (const Json& entry : entries) {
    Layer& layer = create_from_entry(*graph, entry, depth);
    const Json& name = entry.contains("name") ? entry["name"] : Json(layer.name());
    if (!name.is_string()) malformed("a layer entry's name is not a string");
    layers.add(name.get<std::string>(), layer);
    slot_names.push_back(name.get<std::string>());
  }
  FunctionalReplay replay(layers);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Json& entry = entries[i];
    if (!entry.contains("inbound_nodes")) continue;
    for (const Json& node : entry["inbound_nodes"]) {
      if (!(node.is_array() && node.empty())) replay.add_node(i, node);
    }
  }
  for (const std::string& name : slot_names) replay.add_slot(*layers.find(name));
  replay.run();
  if (const std::string unresolved = replay.unresolved(); !unresolved.empty()) {
    throw_invalid("Invalid Functional model configuration. The graph of the Functional model either has loops or "
                  "disconnected nodes. The following nodes failed to be resolved: [" + unresolved + "]");
  }
  auto endpoints = [&](const Json& value, const char* key) {
    std::vector<KerasTensor*> out;
    auto one = [&](const Json& history) {
      KerasTensor* x = layers.tensor(layers.locate(history));
      if (x == nullptr) {
        throw_invalid(std::string("Cannot deserialize the model: ") + key + " " +
                      dump_prefix(history, kMaxQuotedBytes));
      }
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

std::unique_ptr<Model> sequential_from_config(const Json& config, int depth) {
  auto graph = std::make_shared<Graph>();
  // Old Keras wrote a Sequential config as the bare list of its layers.
  const Json& entries = config.is_array() ? config : member(config, "layers", "a Sequential config");
  if (!entries.is_array()) malformed("\"layers\" is not a list");
  std::vector<Layer*> layers;
  for (const Json& entry : entries) layers.push_back(&create_from_entry(*graph, entry, depth));
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

// The keras_version a model JSON declares at its top level (tf.keras's to_json, a saved tfjs topology); null
// when none.
const Json* declared_keras_version(const Json& json) {
  if (!json.is_object()) return nullptr;
  const auto it = json.find("keras_version");
  return it != json.end() && it->is_string() ? &*it : nullptr;
}

}  // namespace

Dialect dialect_of_keras_version(std::string_view version) {
  if (version.starts_with("tfjs")) return Dialect::TensorFlowJs;
  int major = 0;
  std::size_t digits = 0;
  for (; digits < version.size() && digits < 4 && version[digits] >= '0' && version[digits] <= '9'; ++digits) {
    major = major * 10 + (version[digits] - '0');
  }
  return digits > 0 && major < 3 ? Dialect::TfKeras2 : Dialect::Keras3;
}

Dialect dialect_of_json(const Json& json) {
  if (json.is_object() && (json.contains("modelTopology") || json.value("format", Json()) == "layers-model")) {
    return Dialect::TensorFlowJs;
  }
  const Json* version = declared_keras_version(json);
  return version != nullptr ? dialect_of_keras_version(version->get_ref<const std::string&>()) : Dialect::Keras3;
}

std::unique_ptr<Model> model_from_json(const Json& json) { return model_from_json(json, dialect_of_json(json)); }

std::unique_ptr<Model> model_from_json(const Json& json, Dialect dialect) {
  const DialectScope scope(dialect);
  const Json& model = model_dict(json);
  const Json& class_name = member(model, "class_name", "the model");
  const Json& config = member(model, "config", "the model");
  if (class_name == "Functional" || class_name == "Model") return functional_from_config(config, 0);
  if (class_name == "Sequential") return sequential_from_config(config, 0);
  throw Error(Status::Unsupported, "Unsupported model class " + dump_prefix(class_name, kMaxQuotedBytes) +
                                       ": inlay reads Functional (Model) and Sequential models.");
}

}  // namespace inlay::core
