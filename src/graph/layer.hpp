// The base of every layer (Keras's Layer): a name, a class name, a config, weights made when the layer
// is first called, and the nodes that record each call. A subclass says how inputs become outputs
// (compute_output_specs) and what weights that takes (build); call() does the rest as Layer.__call__ does.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/input_spec.hpp"
#include "graph/keras_tensor.hpp"
#include "util/json.hpp"

namespace inlay::core {

class Graph;

// One call of a layer: the tensors it consumed and produced.
// The keyword arguments of a call (Keras 3 records them in a node's "kwargs", tf.keras in its inbound
// entries): tensors passed by keyword are inputs of the node after the positional ones.
struct CallArguments {
  std::vector<std::string> keywords;      // per input: "" (positional) or its keyword ("key", "initial_state")
  Json options = Json::object();          // the other keyword arguments: {"use_causal_mask": true, ...}
  std::vector<KerasTensor*> mask_inputs;  // the tensors passed as mask= (Keras 3 computes masks with op-layers)
};

// One call of a layer: the tensors it consumed and produced. `inputs` are the tensors it computes on: the
// positional ones, then those passed by keyword in the order of Layer::call_tensor_keywords(). The mask
// tensors a call received are part of the graph (their op-layers are in the model, Keras's summary connects
// them) but not of the computation: the runtime derives masks itself (PlanBuilder::mask_of).
struct Node {
  std::vector<KerasTensor*> inputs;
  std::vector<KerasTensor*> outputs;
  int id = 0;                            // its number among all nodes of the graph
  std::vector<std::string> keywords;     // per input: "" or its keyword (empty when the call had none)
  Json options = Json::object();         // the call's non-tensor keyword arguments
  std::vector<KerasTensor*> mask_inputs; // tensors passed as mask=

  // The keyword of input i ("" when positional).
  const std::string& keyword(std::size_t i) const;
  // inputs then mask_inputs: every tensor the node depends on in the graph.
  std::vector<KerasTensor*> graph_inputs() const;
  std::size_t graph_input_count() const { return inputs.size() + mask_inputs.size(); }
  KerasTensor* graph_input(std::size_t i) const { return i < inputs.size() ? inputs[i] : mask_inputs[i - inputs.size()]; }
};

// A layer variable. Values are float32, row-major over `shape`, and zero until set (inlay defines and runs
// models; it does not train, so Keras's initializers are kept in configs but not run). A weight holds no
// memory until it is first written or read, whatever its size: building a model from a config that declares
// gigabytes of weights costs nothing until the caller sets them or predicts, so the loaders can check what a
// file declares against what it holds before a byte is allocated. Reading is safe from any number of threads
// (plans are compiled concurrently); writing (mutable_data) is a mutation of the model.
class Weight {
 public:
  // Unwritten weights of up to this many values read as a shared block of zeros in read-only data; larger
  // ones get a zeroed buffer of their own on the first read.
  static constexpr std::size_t kLazyValues = 16384;

  // Unwritten (no memory) whatever its size.
  Weight(std::string name, std::string path, Shape shape, bool trainable, std::size_t count);
  ~Weight();
  // Moves happen only while the owning layer is built (its weights vector grows), never under readers.
  Weight(Weight&& other) noexcept;
  Weight& operator=(Weight&& other) noexcept;
  Weight(const Weight&) = delete;
  Weight& operator=(const Weight&) = delete;

  std::string name;  // "kernel"
  std::string path;  // "dense/kernel"
  Shape shape;
  bool trainable = true;
  // Bits per value of the variable in Keras when its dtype is not the layer's variable dtype (Normalization's
  // int64 "count"); 0 otherwise. Only what model.summary() counts: inlay holds every weight as float32.
  int keras_bits = 0;

  std::size_t size() const { return count_; }
  // Whether memory is held (the weight was written, or read at more than kLazyValues values).
  bool allocated() const { return data_.load(std::memory_order_acquire) != nullptr; }
  // The values for reading (zeros while unwritten). Throws Error(OutOfMemory) when a large unwritten
  // weight's zeros cannot be allocated.
  std::span<const float> values() const;
  // The values for writing: allocated (zeroed) on the first call. Throws Error(OutOfMemory).
  float* mutable_data();

 private:
  static const float* zeros();
  // A zeroed buffer of count_ values (calloc: large ones are fresh pages, which cost memory only when
  // touched); throws Error(OutOfMemory) naming the weight.
  float* allocate() const;

  std::size_t count_ = 0;
  // calloc'd and owned; null while unwritten. Atomic because concurrent first reads race to publish the
  // zeros of a large weight: each allocates, one compare-and-swap wins, the others free theirs.
  mutable std::atomic<float*> data_{nullptr};
};

class Layer {
 public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string_view class_name() const = 0;
  // The name of the layer's Python class where it is not class_name() (Keras 3 registers GroupedQueryAttention
  // as "GroupQueryAttention"): what .keras files derive its key from (saving_lib uses the Python class).
  virtual std::string_view python_class_name() const { return class_name(); }
  // layer.get_config(), Keras 3's form.
  virtual Json get_config() const = 0;

  // Layer.__call__ on symbolic tensors of the layer's graph: checks the inputs, builds the layer on its
  // first call, infers the outputs and records a node. Nothing changes if it throws.
  std::vector<KerasTensor*> call(const std::vector<KerasTensor*>& inputs);
  // The same with keyword arguments (args.keywords names each input; the loaders pass what files record).
  std::vector<KerasTensor*> call(const std::vector<KerasTensor*>& inputs, const CallArguments& args);
  // The keywords the layer's call takes tensors by, in the order those tensors follow the positional inputs
  // (MultiHeadAttention: key, attention_mask; RNNs: initial_state), and its non-tensor keywords
  // (use_causal_mask, ...). "training" and "mask" are always taken (inference; masks are recomputed); any other
  // keyword is refused (Unsupported) rather than ignored, since it could change the results.
  virtual std::vector<std::string_view> call_tensor_keywords() const { return {}; }
  virtual std::vector<std::string_view> call_option_keywords() const { return {}; }
  // Of the tensor keywords, those whose tensors the call takes as a list (initial_state=[h, c]), and the
  // nesting of that list the call expects (RNN over a stack of cells: one list per cell): what serialize_call
  // writes. The loaders read any nesting flat.
  virtual std::vector<std::string_view> call_list_keywords() const { return {}; }
  // Whether a call's positional tensors are separate arguments (MultiHeadAttention(query, value)) rather than
  // one list (Add([a, b]), Attention([query, value])): how serialize_call writes "args".
  virtual bool call_takes_separate_arguments() const { return false; }
  virtual Json nest_call_list(std::string_view /*keyword*/, Json flat) const { return flat; }
  // How many tensors a call returns (known before the call, so callers can size their buffers).
  virtual std::size_t output_count() const { return 1; }
  // The graph that owns the layer (set when it is added to one).
  Graph* graph() const { return graph_; }
  // Its position among the graph's layers (set when it is added to one).
  int graph_index() const { return graph_index_; }

  bool built() const { return built_; }
  // The input_shape / input_dim the layer was made with (batch dimension left out), for Sequential.
  const std::optional<std::vector<int64_t>>& input_shape_arg() const { return input_shape_arg_; }
  void set_input_shape_arg(std::vector<int64_t> shape) { input_shape_arg_ = std::move(shape); }
  // Keras's build_config: {"input_shape": ...} of the first call; null before it, and for layers whose
  // Keras class has no build() of its own (Keras records build shapes only in its build wrapper).
  virtual Json build_config() const;
  // True for the classes whose Keras counterpart overrides build() (they override build() here too).
  virtual bool records_build_config() const { return false; }
  // How Keras 3 saves the layer's variables (vars/0, vars/1, ... of a .keras file): trainable ones first
  // (Layer.save_own_variables), or, when true, in the order the layer declares them here (the classes whose
  // save_own_variables follows a variable_serialization_spec: Dense, EinsumDense, Embedding, where a
  // quantized layer saves kernel, bias, kernel_scale, ... whatever their trainability).
  virtual bool saves_variables_in_declared_order() const { return false; }
  // The keyword arguments Keras records with each call of the layer in a model's JSON ("inbound_nodes").
  virtual Json node_kwargs() const { return Json::object(); }
  // The {"args": [...], "kwargs": {...}} Keras records for the layer's node `node_index`, given its input
  // tensors already serialized (one tensor alone, several as one list). Op-layers (keras.src.ops.*) override
  // it: their calls mix tensors with constants (`x + 3.0`).
  virtual Json serialize_call(std::size_t node_index, std::vector<Json> tensors) const;
  // serialize_keras_object's "module" and "registered_name": "keras.layers" and null for Keras's own layer
  // classes; op-layers and the layers keras.applications register themselves say otherwise. The runtime
  // also tells op-layers from layers of the same class name (the op "Add" and the layer Add) by module.
  virtual std::string_view module() const { return "keras.layers"; }
  virtual Json registered_name() const { return nullptr; }
  // An op-layer (a Keras 3 operation, module keras.src.ops.*): in Keras's model._operations but not in
  // model.layers, so it takes no key among a .keras file's layers.
  bool is_operation() const { return module().rfind("keras.src.ops.", 0) == 0; }
  // A model used as a layer (a Functional / Sequential inside another model): the model; else null.
  virtual const class Model* nested_model() const { return nullptr; }
  const std::vector<Weight>& weights() const { return weights_; }
  std::vector<Weight>& weights() { return weights_; }
  // Layers held inside this one (a wrapper's `layer`), each with the attribute Keras's saving_lib stores it
  // under (<layer key>/<attribute>/vars in a .keras file). Their weights are this layer's too (Layer.weights
  // of a wrapper): see all_weights.
  struct SubLayer {
    const char* attribute;
    Layer* layer;
  };
  virtual std::vector<SubLayer> sublayers() const { return {}; }

  const std::vector<Node>& inbound_nodes() const { return nodes_; }
  // layer.output: the outputs of the first node (empty before the layer is called).
  const std::vector<KerasTensor*>& outputs() const;

  // Records a call and points each output's history at it.
  void add_node(std::vector<KerasTensor*> inputs, std::vector<KerasTensor*> outputs, CallArguments args = {});

 protected:
  // Keras's input_spec: checked before build and on every call (a layer may tighten it in build).
  virtual std::vector<InputSpec> input_specs() const { return {}; }
  // Creates the weights for these inputs; called once, before the first compute_output_specs.
  virtual void build(const std::vector<const KerasTensor*>& inputs) { (void)inputs; }
  // The same for a call with keyword arguments (default: build(inputs)); override when which input is which
  // depends on the keywords (MultiHeadAttention's key and attention_mask).
  virtual void build_call(const std::vector<const KerasTensor*>& inputs, const CallArguments& args) {
    (void)args;
    build(inputs);
  }
  // Output specs for these inputs (shape and dtype inference); throws Keras's error for bad inputs.
  virtual std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const = 0;
  // The output specs of a call with keyword arguments (default: compute_output_specs(inputs)); override when
  // the options change the outputs (return_attention_scores, ...).
  virtual std::vector<TypeSpec> compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                          const CallArguments& args) const {
    (void)args;
    return compute_output_specs(inputs);
  }

  Weight& add_weight(const std::string& weight_name, Shape shape, bool trainable = true);

 private:
  friend class Graph;

  std::string name_;
  Graph* graph_ = nullptr;
  int graph_index_ = -1;
  std::optional<std::vector<int64_t>> input_shape_arg_;
  bool built_ = false;
  std::vector<Weight> weights_;
  std::vector<Node> nodes_;
};

// Keras's Layer.weights: the trainable weights (the layer's own, then its sublayers'), then the others.
std::vector<Weight*> all_weights(Layer& layer);

// Operation.__init__'s check on explicit names; returns the name.
std::string validate_layer_name(const Json& name);

}  // namespace inlay::core
