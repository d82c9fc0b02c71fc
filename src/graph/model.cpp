#include "graph/model.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include "graph/input_layer.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// A dict over a graph's nodes or layers (dense ids 0..n-1) with non-negative values, that remembers
// insertion order as the Python dicts map_graph relies on do.
class DenseOrderedDict {
 public:
  explicit DenseOrderedDict(std::size_t n) : values_(n, kAbsent) {}
  bool contains(int key) const { return values_[static_cast<std::size_t>(key)] != kAbsent; }
  int get(int key, int fallback) const {
    const int value = values_[static_cast<std::size_t>(key)];
    return value == kAbsent ? fallback : value;
  }
  void set(int key, int value) {
    int& slot = values_[static_cast<std::size_t>(key)];
    if (slot == kAbsent) order_.push_back(key);
    slot = value;
  }
  // The keys in insertion order.
  const std::vector<int>& keys() const { return order_; }

 private:
  static constexpr int kAbsent = -1;
  std::vector<int> values_;
  std::vector<int> order_;
};

// serialize_keras_object(layer): what both model kinds write for each layer before their own keys.
Json serialized_layer(const Layer& layer) {
  // A model used as a layer: Keras writes the inner model's own serialization.
  if (const Model* inner = layer.nested_model()) return inner->to_json();
  Json entry = {{"module", layer.module()},
                {"class_name", layer.class_name()},
                {"config", layer.get_config()},
                {"registered_name", layer.registered_name()}};
  if (Json build = layer.build_config(); !build.is_null()) entry["build_config"] = build;
  return entry;
}

NodeRef producer(const KerasTensor& x) { return {x.history().layer, x.history().node_index}; }

std::size_t node_id(const NodeRef& ref) { return static_cast<std::size_t>(ref.node().id); }
std::size_t layer_id(const Layer& layer) { return static_cast<std::size_t>(layer.graph_index()); }
std::size_t tensor_id(const KerasTensor& x) { return static_cast<std::size_t>(x.id()); }

// A set of a graph's tensors, by id.
class TensorSet {
 public:
  explicit TensorSet(const Graph& graph) : in_(graph.tensor_count(), 0) {}
  TensorSet(const Graph& graph, const std::vector<KerasTensor*>& tensors) : TensorSet(graph) {
    for (const KerasTensor* x : tensors) insert(*x);
  }
  void insert(const KerasTensor& x) { in_[tensor_id(x)] = 1; }
  bool contains(const KerasTensor& x) const { return in_[tensor_id(x)] != 0; }

 private:
  std::vector<char> in_;
};

bool is_input_node(const NodeRef& ref) { return ref.node().inputs.empty(); }

std::string layer_repr(const Layer& layer) {
  return "<" + std::string(layer.class_name()) + " name=" + layer.name() + ", built=" +
         (layer.built() || layer.class_name() == "InputLayer" ? "True" : "False") + ">";
}

// _build_map: the nodes between inputs and outputs, inputs first, by an iterative depth-first search
// (iterative so that a 100,000-layer chain does not exhaust the stack). Also each layer's first
// traversal index (-1 for layers not traversed).
std::vector<NodeRef> build_map(const Graph& graph, const std::vector<KerasTensor*>& inputs,
                               const std::vector<KerasTensor*>& outputs, std::vector<int>& operation_indices) {
  const TensorSet input_set(graph, inputs);
  enum class Visit : char { No, InProgress, Finished };
  std::vector<Visit> visits(graph.node_count(), Visit::No);
  operation_indices.assign(graph.layers().size(), -1);
  int traversed = 0;
  std::vector<NodeRef> ordered;
  struct Frame {
    NodeRef node;
    std::size_t next_input;
  };
  for (const KerasTensor* output : outputs) {
    std::vector<Frame> stack;
    // Visiting a tensor: pushes its node when that must be expanded.
    auto visit = [&](const KerasTensor& tensor) {
      const NodeRef ref = producer(tensor);
      if (ref.layer == nullptr) return;
      Visit& state = visits[node_id(ref)];
      if (state == Visit::Finished) return;
      if (!is_input_node(ref) && input_set.contains(tensor)) {
        state = Visit::Finished;
        return;
      }
      if (state == Visit::InProgress) {
        throw_invalid("Tensor " + keras_tensor_repr(tensor) + " from operation '" + ref.layer->name() +
                      "' is part of a cycle.");
      }
      int& index = operation_indices[layer_id(*ref.layer)];
      if (index < 0) index = traversed++;
      state = Visit::InProgress;
      stack.push_back({ref, 0});
    };
    visit(*output);
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const Node& node = frame.node.node();
      if (frame.next_input < node.graph_input_count()) {
        visit(*node.graph_input(frame.next_input++));  // may grow the stack: `frame` is not used after this
        continue;
      }
      visits[node_id(frame.node)] = Visit::Finished;
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
    for (std::size_t i = 0; i < done.node().graph_input_count(); ++i) accessed.push_back(done.layer->name());
  }
  for (std::size_t i = 0; i < checked; ++i) accessed.push_back(at.layer->name());
  throw_invalid("Graph disconnected: cannot find parent for tensor " + keras_tensor_repr(x) + " at operation '" +
                layer_repr(*at.layer) + "'. The following previous operations were accessed without issue: " +
                python::repr(accessed));
}

void Model::map_graph() {
  const Graph& graph = *graph_;
  std::vector<int> operation_indices;
  const std::vector<NodeRef> nodes = build_map(graph, inputs_, outputs_, operation_indices);
  std::vector<char> in_graph(graph.node_count(), 0);
  for (const NodeRef& n : nodes) in_graph[node_id(n)] = 1;

  DenseOrderedDict node_depths(graph.node_count());
  DenseOrderedDict layer_depths(graph.layers().size());
  std::vector<NodeRef> refs(graph.node_count());
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const int node = it->node().id;
    const int layer = it->layer->graph_index();
    refs[node_id(*it)] = *it;
    if (!node_depths.contains(node)) node_depths.set(node, 0);
    const int depth = std::max(node_depths.get(node, 0), layer_depths.get(layer, 0));
    layer_depths.set(layer, depth);
    node_depths.set(node, depth);
    for (const KerasTensor* x : it->node().graph_inputs()) {
      const NodeRef parent = producer(*x);
      if (!in_graph[node_id(parent)]) continue;
      node_depths.set(parent.node().id, std::max(depth + 1, node_depths.get(parent.node().id, 0)));
    }
  }
  for (const KerasTensor* x : inputs_) {
    const NodeRef ref = producer(*x);
    if (!layer_depths.contains(ref.layer->graph_index())) {
      layer_depths.set(ref.layer->graph_index(), 0);
      operation_indices[layer_id(*ref.layer)] = -1;
      node_depths.set(ref.node().id, 0);
      refs[node_id(ref)] = ref;
    }
  }

  // Layers by decreasing depth, ties by first traversal.
  std::vector<std::pair<int, Layer*>> layers;
  layers.reserve(layer_depths.keys().size());
  for (int layer : layer_depths.keys()) {
    layers.emplace_back(layer_depths.get(layer, 0), graph.layers()[static_cast<std::size_t>(layer)].get());
  }
  std::stable_sort(layers.begin(), layers.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return operation_indices[layer_id(*a.second)] < operation_indices[layer_id(*b.second)];
  });
  layers_.clear();
  layers_.reserve(layers.size());
  for (const auto& entry : layers) layers_.push_back(entry.second);

  // Nodes by decreasing depth (insertion order within a depth); every input must be computable.
  std::vector<std::pair<int, int>> by_depth;
  by_depth.reserve(node_depths.keys().size());
  for (int node : node_depths.keys()) by_depth.emplace_back(node_depths.get(node, 0), node);
  std::stable_sort(by_depth.begin(), by_depth.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  TensorSet computable(graph, inputs_);
  execution_order_.clear();
  execution_order_.reserve(by_depth.size());
  for (const auto& [depth, node] : by_depth) {
    const NodeRef ref = refs[static_cast<std::size_t>(node)];
    std::size_t checked = 0;
    for (const KerasTensor* x : ref.node().graph_inputs()) {
      if (!computable.contains(*x)) throw_disconnected(*x, ref, checked);
      ++checked;
    }
    for (const KerasTensor* x : ref.node().outputs) computable.insert(*x);
    execution_order_.push_back(ref);
  }

  check_unique_names();
  check_outputs_reachable();
}

// "All operation names should be unique": the names sorted (n log n whatever they are; a hash set could be
// made quadratic by names a file chose to collide), and Keras's message for the first repeated one in layer
// order, with its count.
void Model::check_unique_names() const {
  std::vector<std::pair<std::string_view, std::size_t>> names;  // (name, position in layers_)
  names.reserve(layers_.size());
  for (std::size_t i = 0; i < layers_.size(); ++i) names.emplace_back(layers_[i]->name(), i);
  std::sort(names.begin(), names.end());
  std::optional<std::size_t> first_repeated;  // position in layers_
  int count = 0;
  for (std::size_t start = 0, end = 0; start < names.size(); start = end) {
    while (end < names.size() && names[end].first == names[start].first) ++end;
    // Sorted pairs: names[start] holds the group's earliest position in layers_.
    if (end - start > 1 && (!first_repeated || names[start].second < *first_repeated)) {
      first_repeated = names[start].second;
      count = static_cast<int>(end - start);
    }
  }
  if (!first_repeated) return;
  throw_invalid("The name \"" + layers_[*first_repeated]->name() + "\" is used " + std::to_string(count) +
                " times in the model. All operation names should be unique.");
}

// Function._run_through_graph as Keras runs it once at construction: nodes whose inputs are all computed
// compute their outputs; an output left uncomputed is not connected to the inputs.
void Model::check_outputs_reachable() const {
  TensorSet computed(*graph_, inputs_);
  for (const NodeRef& ref : execution_order_) {
    const Node& node = ref.node();
    if (node.inputs.empty()) continue;
    const std::vector<KerasTensor*> needed = node.graph_inputs();
    const bool ready = std::all_of(needed.begin(), needed.end(),
                                   [&](const KerasTensor* x) { return computed.contains(*x); });
    if (ready) {
      for (const KerasTensor* x : node.outputs) computed.insert(*x);
    }
  }
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    if (!computed.contains(*outputs_[i])) {
      // Keras names the output by its path in the outputs structure: "" for a single tensor, else its index.
      const std::string path = outputs_.size() == 1 ? "" : std::to_string(i);
      throw_invalid("Output with path `" + path + "` is not connected to `inputs`");
    }
  }
}

void Model::collect_weights() {
  weights_.clear();
  for (Layer* layer : layers_) {
    // A nested model's weights are its own model.weights, in their order (Keras's Layer.weights of a
    // Functional / Sequential: its layers' weights).
    if (const Model* inner = layer->nested_model()) {
      weights_.insert(weights_.end(), inner->weights().begin(), inner->weights().end());
      continue;
    }
    // A wrapper's weights include its wrapped layer's (all_weights).
    const std::vector<Weight*> own = all_weights(*layer);
    weights_.insert(weights_.end(), own.begin(), own.end());
  }
}

Json Model::functional_config() const {
  // Each layer's nodes that belong to this model, renumbered from 0 (Keras's node_reindexing_map).
  // reindexed[node id]: -1 for nodes outside the model.
  std::vector<int> reindexed(graph_->node_count(), -1);
  for (const NodeRef& ref : execution_order_) reindexed[node_id(ref)] = 0;
  for (const Layer* layer : layers_) {
    int next_index = 0;
    for (const Node& node : layer->inbound_nodes()) {
      int& index = reindexed[static_cast<std::size_t>(node.id)];
      if (index >= 0) index = next_index++;
    }
  }
  auto in_model = [&](const Node& node) { return reindexed[static_cast<std::size_t>(node.id)] >= 0; };
  auto history = [&](const KerasTensor& x) {
    return Json::array({x.history().layer->name(), reindexed[node_id(producer(x))], x.history().tensor_index});
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
    const auto& nodes = layer->inbound_nodes();
    for (std::size_t n = 0; n < nodes.size(); ++n) {
      const Node& node = nodes[n];
      if (!in_model(node) || node.inputs.empty()) continue;  // not in the model, or an InputLayer's own node
      std::vector<Json> tensors;
      tensors.reserve(node.graph_input_count());
      for (const KerasTensor* x : node.graph_inputs()) tensors.push_back(tensor_json(*x));
      inbound.push_back(layer->serialize_call(n, std::move(tensors)));
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
      for (Weight* w : all_weights(*layers[i])) w->path = model_name + "/" + w->path;  // a wrapper's included
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
