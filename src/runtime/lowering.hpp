// How the runtime handles each layer class: one LayerLowering per row of layers/layer_classes.def, defined
// next to its lowering function (src/runtime/<name>.cpp) and found by class name (lowering_of). Everything
// the runtime needs to know about a class is here: how it lowers and its traits (what the fusion pass may do
// with it, which inputs it runs on). No dynamic_cast chains, no class-name compares anywhere else.
#pragma once

#include <optional>

#include "graph/layer.hpp"
#include "layers/serialization.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

class PlanBuilder;
using core::Layer;
using core::Node;

// What the fusion pass (fusion_pass.hpp) may do with a node of the class.
enum class FusionRole {
  None,                // lowered on its own
  Identity,            // the identity at inference (Dropout, GaussianNoise, ...): folds into its producer
  Activation,          // an elementwise Keras activation: a post-op of its producer where oneDNN has one
  BatchNormalization,  // a per-channel affine map: folds into its producer's weights
  Producer,            // Dense / Conv: takes a folded BatchNormalization and post-ops
  ZeroPadding,         // folds into the convolution that alone consumes it (its padding grows)
};

// What a layer does to its input's Keras mask (Layer.supports_masking and compute_mask), applied by the
// builder after the lowering ran.
enum class Masking {
  Drops,          // supports_masking False: the mask stops here (Keras warns that it destroys it)
  PassesThrough,  // supports_masking True with Layer.compute_mask's default: each output gets the first input's mask
  Computes,       // the lowering sets its outputs' masks itself (PlanBuilder::set_mask), or none
};

// A producer's view for the fusion pass: the axis its output channels are on, and its own activation.
struct ProducerTraits {
  int channel_axis = -1;
  core::Activation activation = core::Activation::Linear;
  bool takes_zero_padding = false;  // a convolution whose padding can absorb a ZeroPadding before it
  // False for a producer that runs its own epilogue after the primitive (a Dense quantized to int8 descales
  // its integer product): nothing after it is folded into it.
  bool takes_followers = true;
  // False for a producer that reads its input as Keras's plain row-major values only (no Flatten handover).
  bool reads_flattened = true;
};

struct LayerLowering {
  // Appends the node's steps to the plan (or marks its output as a view of its input).
  void (*lower)(PlanBuilder& b, const Layer& layer, const Node& node) = nullptr;
  FusionRole role = FusionRole::None;
  // Role Activation: the Keras activation this layer computes, nullopt when it is not one oneDNN can fuse
  // (e.g. a ReLU with a threshold).
  std::optional<core::Activation> (*activation)(const Layer& layer) = nullptr;
  // Role Producer: its channel axis for this node and own activation.
  ProducerTraits (*producer)(const Layer& layer, const Node& node) = nullptr;
  // Role ZeroPadding: ((before, after), ...) per spatial axis and whether it is channels_first.
  bool (*padding)(const Layer& layer, std::vector<std::pair<int64_t, int64_t>>& pads, bool& channels_first) = nullptr;
  bool maps_flat_values = false;        // works on the last axis alone: runs on a ragged tensor's flat values
  bool reads_sparse = false;            // consumes a sparse input itself
  bool reads_flattened_spatial = false; // a Flatten before it may hand over its spatial input unflattened
  Masking masking = Masking::Drops;
  // oneDNN 2.6's matmul and RNN primitives divide by zero (SIGFPE) when a dim is 0: the builder refuses a node
  // of such a class whose input has no elements (INLAY_UNSUPPORTED) before its lowering runs.
  bool needs_nonempty_inputs = false;
};

// The class's lowering (a row of layers/layer_classes.def); nullptr for a class the runtime has none for.
const LayerLowering* lowering_of(const Layer& layer);

// The layer as its class T (the row's C++ class); InternalError if it is not one (a table row naming
// the wrong lowering).
template <typename T>
const T& layer_as(const Layer& layer) {
  const auto* typed = dynamic_cast<const T*>(&layer);
  if (typed == nullptr) {
    throw core::Error(core::Status::InternalError,
                      "layer '" + layer.name() + "' of class " + std::string(layer.class_name()) + " has the wrong lowering");
  }
  return *typed;
}

// The untyped entry point of a lowering written for class T.
template <typename T, void (*F)(PlanBuilder&, const T&, const Node&)>
void lower_as(PlanBuilder& b, const Layer& layer, const Node& node) {
  F(b, layer_as<T>(layer), node);
}

// The lowering of a model used as a layer (layers/nested_model.hpp; not a row: it has no class name of its own).
extern const LayerLowering nested_model_lowering;

// Every row's LayerLowering object, `<lowering>_lowering`.
#define INLAY_LAYER_CLASS(keras_name, cpp_class, lowering, positional) extern const LayerLowering lowering##_lowering;
#define INLAY_OP_LAYER(op_module, op, cpp_class, lowering) extern const LayerLowering lowering##_lowering;
#include "layers/layer_classes.def"
#undef INLAY_OP_LAYER
#undef INLAY_LAYER_CLASS

}  // namespace inlay::runtime
