#include "graph/model.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "graph/input_layer.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

using NodeKey = std::pair<const Layer*, int>;

struct NodeKeyHash {
  std::size_t operator()(const NodeKey& key) const {
    return std::hash<const void*>()(key.first) * 31u + std::hash<int>()(key.second);
  }
};

NodeKey key_of(const NodeRef& ref) { return {ref.layer, ref.node_index}; }

// A dict that remembers insertion order, as the Python dicts map_graph relies on do.
template <typename Key, typename Value, typename Hash = std::hash<Key>>
class OrderedDict {
 public:
  bool contains(const Key& key) const { return index_.count(key) != 0; }
  Value get(const Key& key, Value fallback) const {
    auto it = index_.find(key);
    return it == index_.end() ? fallback : entries_[it->second].second;
  }
  void set(const Key& key, Value value) {
    auto [it, inserted] = index_.emplace(key, entries_.size());
    if (inserted) entries_.emplace_back(key, value);
    else entries_[it->second].second = value;
  }
  const std::vector<std::pair<Key, Value>>& entries() const { return entries_; }

 private:
  std::unordered_map<Key, std::size_t, Hash> index_;
  std::vector<std::pair<Key, Value>> entries_;
};

// serialize_keras_object(layer): what both model kinds write for each layer before their own keys.
Json serialized_layer(const Layer& layer) {
  Json entry = {{"module", "keras.layers"},
                {"class_name", layer.class_name()},
                {"config", layer.get_config()},
                {"registered_name", nullptr}};
  if (Json build = layer.build_config(); !build.is_null()) entry["build_config"] = build;
  return entry;
}

NodeRef producer(const KerasTensor& x) { return {x.history().layer, x.history().node_index}; }

bool is_input_node(const NodeRef& ref) { return ref.node().inputs.empty(); }

std::string layer_repr(const Layer& layer) {
  return "<" + std::string(layer.class_name()) + " name=" + layer.name() + ", built=" +
         (layer.built() || layer.class_name() == "InputLayer" ? "True" : "False") + ">";
}

// _build_map: the nodes between inputs and outputs, inputs first, by an iterative depth-first search
// (iterative so that a 100,000-layer chain does not exhaust the stack). Also each layer's first
// traversal index.
std::vector<NodeRef> build_map(const std::vector<KerasTensor*>& inputs, const std::vector<KerasTensor*>& outputs,
                               std::unordered_map<const Layer*, int>& operation_indices) {
  const std::unordered_set<const KerasTensor*> input_set(inputs.begin(), inputs.end());
  std::unordered_set<NodeKey, NodeKeyHash> finished, in_progress;
  std::vector<NodeRef> ordered;
  struct Frame {
    NodeRef node;
    std::size_t next_input;
  };
  for (const KerasTensor* output : outputs) {
    std::vector<Frame> stack;
    // Visiting a tensor: returns true when its node must be expanded.
    auto visit = [&](const KerasTensor& tensor) {
      const NodeRef ref = producer(tensor);
      if (ref.layer == nullptr || finished.count(key_of(ref)) != 0) return;
      if (!is_input_node(ref) && input_set.count(&tensor) != 0) {
        finished.insert(key_of(ref));
        return;
      }
      if (in_progress.count(key_of(ref)) != 0) {
        throw_invalid("Tensor " + keras_tensor_repr(tensor) + " from operation '" + ref.layer->name() +
                      "' is part of a cycle.");
      }
      operation_indices.emplace(ref.layer, static_cast<int>(operation_indices.size()));
      in_progress.insert(key_of(ref));
      stack.push_back({ref, 0});
    };
    visit(*output);
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const Node& node = frame.node.node();
      if (frame.next_input < node.inputs.size()) {
        visit(*node.inputs[frame.next_input++]);  // may grow the stack: `frame` is not used after this
        continue;
      }
      finished.insert(key_of(frame.node));
      in_progress.erase(key_of(frame.node));
      ordered.push_back(frame.node);
      stack.pop_back();
    }
  }
  return ordered;
}

}  // namespace

std::unique_ptr<Model> Model::functional(std::shared_ptr<Graph> graph, std::vector<KerasTensor*> inputs,
                                         std::vector<KerasTensor*> outputs, const Json& name) {
  if (inputs.empty()) throw_invalid("`inputs` argument cannot be empty.");
  if (outputs.empty()) throw_invalid("`outputs` argument cannot be empty.");
  for (const auto* list : {&inputs, &outputs}) {
    for (const KerasTensor* x : *list) {
      if (x == nullptr || !graph->owns(x)) {
        throw_invalid(std::string("All `") + (list == &inputs ? "inputs" : "outputs") +
                      "` values must be KerasTensors of the model's graph.");
      }
    }
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!is_input_node(producer(*inputs[i]))) {
      // Keras 3 would clone the graph behind a new Input here; inlay asks for the Input tensor instead.
      throw_invalid("Model input " + std::to_string(i) + " (" + keras_tensor_repr(*inputs[i]) +
                    ") is produced by layer '" + inputs[i]->history().layer->name() +
                    "', not by an InputLayer: pass the keras.Input() tensors as the model's inputs.");
    }
  }
  const std::string model_name = name.is_null() ? graph->auto_name("Functional") : validate_layer_name(name);
  std::unique_ptr<Model> model(new Model(std::move(graph), model_name, "Functional"));
  model->inputs_ = std::move(inputs);
  model->outputs_ = std::move(outputs);
  model->map_graph();
  model->collect_weights();
  return model;
}

// Keras's "Graph disconnected" error. Its list of operations accessed without issue names the layer of every
// input checked so far (once per input, as Keras appends): the nodes already ordered, then the first
// `checked` inputs of the failing node. Built only here, so that mapping a large graph builds no such list.
void Model::throw_disconnected(const KerasTensor& x, const NodeRef& at, std::size_t checked) const {
  Json accessed = Json::array();
  for (const NodeRef& done : execution_order_) {
    for (std::size_t i = 0; i < done.node().inputs.size(); ++i) accessed.push_back(done.layer->name());
  }
  for (std::size_t i = 0; i < checked; ++i) accessed.push_back(at.layer->name());
  throw_invalid("Graph disconnected: cannot find parent for tensor " + keras_tensor_repr(x) + " at operation '" +
                layer_repr(*at.layer) + "'. The following previous operations were accessed without issue: " +
                python::repr(accessed));
}

void Model::map_graph() {
  std::unordered_map<const Layer*, int> operation_indices;
  const std::vector<NodeRef> nodes = build_map(inputs_, outputs_, operation_indices);
  std::unordered_set<NodeKey, NodeKeyHash> in_graph;
  for (const NodeRef& n : nodes) in_graph.insert(key_of(n));

  OrderedDict<NodeKey, int, NodeKeyHash> node_depths;
  OrderedDict<Layer*, int> layer_depths;
  std::unordered_map<NodeKey, NodeRef, NodeKeyHash> refs;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const NodeKey key = key_of(*it);
    refs[key] = *it;
    if (!node_depths.contains(key)) node_depths.set(key, 0);
    const int depth = std::max(node_depths.get(key, 0), layer_depths.get(it->layer, 0));
    layer_depths.set(it->layer, depth);
    node_depths.set(key, depth);
    for (const KerasTensor* x : it->node().inputs) {
      const NodeKey parent = key_of(producer(*x));
      if (in_graph.count(parent) == 0) continue;
      node_depths.set(parent, std::max(depth + 1, node_depths.get(parent, 0)));
    }
  }
  for (const KerasTensor* x : inputs_) {
    const NodeRef ref = producer(*x);
    if (!layer_depths.contains(ref.layer)) {
      layer_depths.set(ref.layer, 0);
      operation_indices[ref.layer] = -1;
      node_depths.set(key_of(ref), 0);
      refs[key_of(ref)] = ref;
    }
  }

  // Layers by decreasing depth, ties by first traversal.
  std::vector<std::pair<int, Layer*>> layers;
  for (const auto& [layer, depth] : layer_depths.entries()) layers.emplace_back(depth, layer);
  std::stable_sort(layers.begin(), layers.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return operation_indices[a.second] < operation_indices[b.second];
  });
  layers_.clear();
  for (const auto& entry : layers) layers_.push_back(entry.second);

  // Nodes by decreasing depth (insertion order within a depth); every input must be computable.
  std::vector<std::pair<int, NodeKey>> by_depth;
  for (const auto& [key, depth] : node_depths.entries()) by_depth.emplace_back(depth, key);
  std::stable_sort(by_depth.begin(), by_depth.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::unordered_set<const KerasTensor*> computable(inputs_.begin(), inputs_.end());
  execution_order_.clear();
  for (const auto& [depth, key] : by_depth) {
    const NodeRef ref = refs.at(key);
    std::size_t checked = 0;
    for (const KerasTensor* x : ref.node().inputs) {
      if (computable.count(x) == 0) throw_disconnected(*x, ref, checked);
      ++checked;
    }
    for (const KerasTensor* x : ref.node().outputs) computable.insert(x);
    execution_order_.push_back(ref);
  }

  std::unordered_map<std::string_view, int> name_counts;  // views of the layers' own names
  for (const Layer* layer : layers_) ++name_counts[layer->name()];
  for (const Layer* layer : layers_) {
    const int count = name_counts[layer->name()];
    if (count != 1) {
      throw_invalid("The name \"" + layer->name() + "\" is used " + std::to_string(count) +
                    " times in the model. All operation names should be unique.");
    }
  }
  check_outputs_reachable();
}

// Function._run_through_graph as Keras runs it once at construction: nodes whose inputs are all computed
// compute their outputs; an output left uncomputed is not connected to the inputs.
void Model::check_outputs_reachable() const {
  std::unordered_set<const KerasTensor*> computed(inputs_.begin(), inputs_.end());
  for (const NodeRef& ref : execution_order_) {
    const Node& node = ref.node();
    if (node.inputs.empty()) continue;
    const bool ready = std::all_of(node.inputs.begin(), node.inputs.end(),
                                   [&](const KerasTensor* x) { return computed.count(x) != 0; });
    if (ready) computed.insert(node.outputs.begin(), node.outputs.end());
  }
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    if (computed.count(outputs_[i]) == 0) {
      // Keras names the output by its path in the outputs structure: "" for a single tensor, else its index.
      const std::string path = outputs_.size() == 1 ? "" : std::to_string(i);
      throw_invalid("Output with path `" + path + "` is not connected to `inputs`");
    }
  }
}

void Model::collect_weights() {
  weights_.clear();
  for (Layer* layer : layers_) {
    for (bool trainable : {true, false}) {
      for (Weight& w : layer->weights()) {
        if (w.trainable == trainable) weights_.push_back(&w);
      }
    }
  }
}

Json Model::functional_config() const {
  // Each layer's nodes that belong to this model, renumbered from 0 (Keras's node_reindexing_map).
  std::unordered_map<NodeKey, int, NodeKeyHash> reindexed;
  std::unordered_map<const Layer*, int> next_index;
  std::unordered_set<NodeKey, NodeKeyHash> in_model;
  for (const NodeRef& ref : execution_order_) in_model.insert(key_of(ref));
  for (const Layer* layer : layers_) {
    for (int i = 0; i < static_cast<int>(layer->inbound_nodes().size()); ++i) {
      if (in_model.count({layer, i}) != 0) reindexed[{layer, i}] = next_index[layer]++;
    }
  }
  auto history = [&](const KerasTensor& x) {
    const NodeRef ref = producer(x);
    return Json::array({ref.layer->name(), reindexed.at(key_of(ref)), x.history().tensor_index});
  };
  auto tensor_json = [&](const KerasTensor& x) {
    return Json{{"class_name", "__keras_tensor__"},
                {"config", {{"shape", x.shape().to_json()}, {"dtype", dtype_name(x.dtype())}, {"keras_history", history(x)}}}};
  };

  Json layers = Json::array();
  for (const Layer* layer : layers_) {
    Json entry = serialized_layer(*layer);
    entry["name"] = layer->name();
    Json inbound = Json::array();
    for (int i = 0; i < static_cast<int>(layer->inbound_nodes().size()); ++i) {
      if (in_model.count({layer, i}) == 0) continue;
      const Node& node = layer->inbound_nodes()[static_cast<std::size_t>(i)];
      if (node.inputs.empty()) continue;  // an InputLayer's own node
      Json args = Json::array();
      if (node.inputs.size() == 1) {
        args.push_back(tensor_json(*node.inputs.front()));
      } else {
        Json list = Json::array();
        for (const KerasTensor* x : node.inputs) list.push_back(tensor_json(*x));
        args.push_back(list);
      }
      inbound.push_back({{"args", args}, {"kwargs", layer->node_kwargs()}});
    }
    entry["inbound_nodes"] = inbound;
    layers.push_back(entry);
  }
  auto endpoints = [&](const std::vector<KerasTensor*>& tensors) {
    if (tensors.size() == 1) return history(*tensors.front());
    Json list = Json::array();
    for (const KerasTensor* x : tensors) list.push_back(history(*x));
    return list;
  };
  return {{"name", name_},
          {"trainable", true},
          {"layers", layers},
          {"input_layers", endpoints(inputs_)},
          {"output_layers", endpoints(outputs_)}};
}

std::unique_ptr<Sequential> Sequential::create(std::shared_ptr<Graph> graph, std::vector<Layer*> layers,
                                               const Json& name) {
  const std::string model_name = name.is_null() ? graph->auto_name("Sequential") : validate_layer_name(name);
  if (layers.empty()) throw_invalid("Sequential model '" + model_name + "' has no layers.");
  for (Layer* layer : layers) {
    if (layer == nullptr || layer->graph() != graph.get()) {
      throw_invalid("Sequential model '" + model_name + "': every layer must be a layer of the model's graph.");
    }
  }
  std::unique_ptr<Sequential> model(new Sequential(graph, model_name, "Sequential"));
  if (layers.front()->class_name() != InputLayer::kClassName) {
    const auto& shape = layers.front()->input_shape_arg();
    if (!shape) {
      throw Error(Status::Unsupported, "Sequential model '" + model_name +
                                           "' has no input shape: start it with an InputLayer (keras.Input) or give "
                                           "its first layer input_shape, so that it can be built.");
    }
    Json kwargs = {{"shape", Shape(*shape).to_json()}};
    layers.insert(layers.begin(), &InputLayer::create(*graph, InputLayerArgs::from_config(kwargs)));
  }
  for (std::size_t i = 1; i < layers.size(); ++i) {
    if (layers[i]->class_name() == InputLayer::kClassName) {
      throw_invalid("Sequential model '" + model_name + "': an InputLayer can only be the first layer.");
    }
  }
  // Build by calling each layer on the previous output; layers built here take the model's name scope.
  KerasTensor* x = &static_cast<InputLayer*>(layers.front())->output();
  for (std::size_t i = 1; i < layers.size(); ++i) {
    const bool was_built = layers[i]->built();
    const std::vector<KerasTensor*> outputs = layers[i]->call({x});
    if (outputs.size() != 1) {
      throw_invalid("All layers in a Sequential model should have a single output tensor. For multi-output "
                    "layers, use the functional API.");
    }
    if (!was_built) {
      for (Weight& w : layers[i]->weights()) w.path = model_name + "/" + w.path;
    }
    x = outputs.front();
  }
  // Keras builds a Functional inside (its auto-name is taken too).
  graph->auto_name("Functional");
  model->inputs_ = {&static_cast<InputLayer*>(layers.front())->output()};
  model->outputs_ = {x};
  model->stack_ = layers;
  model->map_graph();
  model->layers_.erase(model->layers_.begin());  // Sequential.layers leaves the InputLayer out
  model->collect_weights();
  return model;
}

Json Sequential::to_json() const {
  Json entries = Json::array();
  for (const Layer* layer : stack_) {
    Json entry = serialized_layer(*layer);
    entries.push_back(entry);
  }
  const Json input_shape = inputs_.front()->shape().to_json();
  return {{"module", "keras"},
          {"class_name", "Sequential"},
          {"config",
           {{"name", name_},
            {"trainable", true},
            {"dtype", {{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float32"}}},
                       {"registered_name", nullptr}}},
            {"layers", entries},
            {"build_input_shape", input_shape}}},
          {"registered_name", nullptr},
          {"build_config", {{"input_shape", input_shape}}},
          {"compile_config", Json::object()}};
}

Json Model::to_json() const {
  return {{"module", "keras.src.models.functional"},
          {"class_name", "Functional"},
          {"config", functional_config()},
          {"registered_name", "Functional"},
          {"build_config", {{"input_shape", nullptr}}},
          {"compile_config", Json::object()}};
}

}  // namespace inlay::core
