#include "runtime/fusion_pass.hpp"

#include <optional>
#include <string>

#include "layers/batch_normalization.hpp"
#include "runtime/lowerings.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

namespace {

// The model's nodes with who consumes each tensor: what every decision below looks at.
class NodeGraph {
 public:
  explicit NodeGraph(const core::Model& model) {
    for (const core::NodeRef& ref : model.execution_order()) {
      const Node& node = ref.node();
      layers_[&node] = ref.layer;
      for (const KerasTensor* t : node.inputs) consumers_[t].push_back(&node);
    }
    for (const KerasTensor* t : model.outputs()) outputs_.insert(t);
  }

  // The node that alone consumes t, with t as its only input, when t is not a model output.
  const Node* sole_consumer(const KerasTensor* t) const {
    if (outputs_.count(t) > 0) return nullptr;
    auto it = consumers_.find(t);
    if (it == consumers_.end() || it->second.size() != 1) return nullptr;
    const Node* node = it->second.front();
    return node->inputs.size() == 1 ? node : nullptr;
  }
  const Layer& layer_of(const Node* node) const { return *layers_.at(node); }
  const LayerLowering* lowering(const Node* node) const { return lowering_of(layer_of(node)); }
  FusionRole role(const Node* node) const {
    const LayerLowering* l = lowering(node);
    return l == nullptr ? FusionRole::None : l->role;
  }

 private:
  std::unordered_map<const Node*, const Layer*> layers_;
  std::unordered_map<const KerasTensor*, std::vector<const Node*>> consumers_;
  std::unordered_set<const KerasTensor*> outputs_;
};

bool is_eltwise(core::Activation a) {
  dnnl::post_ops ops;
  return append_activation_post_ops(ops, a);
}

// The chain after a producer's output: a BatchNormalization (before any activation), activations oneDNN
// runs as post-ops, identities.
void fold_followers(const NodeGraph& g, const ProducerTraits& traits, Fusion& fusion, FusionPlan& plan) {
  if (!is_eltwise(traits.activation)) return;  // its own activation runs as a step of its own: nothing after it folds
  bool batch_norm_allowed = traits.activation == core::Activation::Linear;
  while (const Node* node = g.sole_consumer(fusion.output)) {
    const Layer& layer = g.layer_of(node);
    const LayerLowering* lowering = g.lowering(node);
    const FusionRole role = lowering == nullptr ? FusionRole::None : lowering->role;
    if (role == FusionRole::BatchNormalization) {
      const auto& bn = layer_as<core::BatchNormalization>(layer);
      if (!batch_norm_allowed || bn.normalized_axis() != traits.channel_axis) break;
      fusion.batch_norm = &bn;
    } else if (role == FusionRole::Activation) {
      const std::optional<core::Activation> a = lowering->activation(layer);
      if (!a || !is_eltwise(*a)) break;
      fusion.activations.push_back(*a);
    } else if (role != FusionRole::Identity) {
      break;
    }
    // Once an activation is applied, a BatchNormalization after it no longer folds into the weights.
    batch_norm_allowed = batch_norm_allowed && fusion.activations.empty() && fusion.batch_norm == nullptr;
    plan.folded.insert(node);
    fusion.output = node->outputs[0];
  }
}

// A ZeroPadding node whose padded tensor only this convolution reads, of the same data format.
void fold_input_padding(const NodeGraph& g, const Node& conv, const ProducerTraits& traits,
                        const std::unordered_map<const KerasTensor*, const Node*>& made_by, Fusion& fusion,
                        FusionPlan& plan) {
  if (!traits.takes_zero_padding || conv.inputs.size() != 1) return;
  auto it = made_by.find(conv.inputs[0]);
  if (it == made_by.end()) return;
  const Node* pad = it->second;
  const LayerLowering* lowering = g.lowering(pad);
  if (lowering == nullptr || lowering->role != FusionRole::ZeroPadding || g.sole_consumer(conv.inputs[0]) != &conv) {
    return;
  }
  std::vector<std::pair<int64_t, int64_t>> pads;
  bool channels_first = false;
  if (!lowering->padding(g.layer_of(pad), pads, channels_first)) return;
  if (channels_first != (traits.channel_axis == 1)) return;
  fusion.unpadded_input = pad->inputs[0];
  fusion.input_padding = std::move(pads);
  plan.folded.insert(pad);
}

// The activation a node applies itself: a producer's own (Dense, convolutions) or an activation layer's.
std::optional<core::Activation> own_activation(const NodeGraph& g, const Node& node) {
  const LayerLowering* lowering = g.lowering(&node);
  if (lowering == nullptr) return std::nullopt;
  if (lowering->role == FusionRole::Producer) return lowering->producer(g.layer_of(&node), node).activation;
  if (lowering->role == FusionRole::Activation) return lowering->activation(g.layer_of(&node));
  return std::nullopt;
}

// glu halves the last axis, but Keras's symbolic shape keeps it whole (compute_output_spec does not run the
// activation). Keras's predict returns such a tensor as a model output, also through shape-agnostic layers
// (activations, identities at inference); any other layer reading it fails in Keras's predict too (its input
// spec or weights expect the symbolic width), and inlay's lowerings size everything from Keras's shapes. So
// that case is refused here, before anything is lowered, naming both shapes.
void check_glu_consumers(const NodeGraph& g, const core::Model& model) {
  std::unordered_map<const KerasTensor*, const Node*> halved;  // tensor -> the glu node it comes from
  for (const core::NodeRef& ref : model.execution_order()) {
    const Node& node = ref.node();
    const Node* source = nullptr;
    for (const KerasTensor* t : node.inputs) {
      if (auto it = halved.find(t); it != halved.end()) source = it->second;
    }
    const FusionRole role = g.role(&node);
    const bool passes_on = node.inputs.size() == 1 && (role == FusionRole::Activation || role == FusionRole::Identity);
    if (source != nullptr && !passes_on) {
      const core::Shape keras = source->outputs[0]->shape();
      std::vector<int64_t> runtime = keras.dims();
      runtime.back() /= 2;
      throw core::Error(core::Status::ShapeMismatch,
                        "Layer '" + ref.layer->name() + "' reads the output of layer '" +
                            g.layer_of(source).name() + "', whose activation 'glu' halves the last axis: it holds " +
                            core::Shape(runtime).to_tuple_string() + " where Keras's symbolic shape is " +
                            keras.to_tuple_string() + " (Keras's predict fails on this model too)");
    }
    const std::optional<core::Activation> own = own_activation(g, node);
    if (source == nullptr && own == core::Activation::Glu && node.outputs.size() == 1) {
      const core::Shape& shape = node.outputs[0]->shape();
      // An odd last axis: glu's own lowering refuses it with Keras's message.
      if (shape.rank() > 0 && shape.dims().back() > 0 && shape.dims().back() % 2 == 0) source = &node;
    }
    if (source != nullptr) {
      for (const KerasTensor* t : node.outputs) halved[t] = source;
    }
  }
}

}  // namespace

Fusion FusionPlan::of(const Node& producer) const {
  auto it = producers.find(&producer);
  if (it != producers.end()) return it->second;
  Fusion none;
  none.output = producer.outputs.empty() ? nullptr : producer.outputs[0];
  return none;
}

FusionPlan plan_fusions(const core::Model& model) {
  const NodeGraph g(model);
  check_glu_consumers(g, model);
  FusionPlan plan;
  std::unordered_map<const KerasTensor*, const Node*> made_by;
  for (const core::NodeRef& ref : model.execution_order()) {
    const Node& node = ref.node();
    for (const KerasTensor* t : node.outputs) made_by[t] = &node;
    if (plan.is_folded(node)) continue;
    const LayerLowering* lowering = lowering_of(*ref.layer);
    if (lowering == nullptr) continue;
    bool reads_flattened = lowering->reads_flattened_spatial;
    if (lowering->role == FusionRole::Producer) {
      const ProducerTraits traits = lowering->producer(*ref.layer, node);
      Fusion fusion;
      fusion.output = node.outputs[0];
      if (traits.takes_followers) {
        fold_input_padding(g, node, traits, made_by, fusion, plan);
        fold_followers(g, traits, fusion, plan);
      }
      plan.producers[&node] = std::move(fusion);
      reads_flattened = reads_flattened && traits.reads_flattened;
    }
    if (reads_flattened) {
      // A Flatten that alone feeds this node may hand over its input unflattened (flatten.cpp decides by layout).
      auto it = made_by.find(node.inputs[0]);
      if (it != made_by.end() && g.sole_consumer(node.inputs[0]) == &node &&
          g.lowering(it->second) == &flatten_lowering) {
        plan.flatten_into_dense[it->second] = &node;
      }
    }
  }
  return plan;
}

}  // namespace inlay::runtime
