// The lowering of each layer class: how a node of that layer becomes steps of a plan. One function per
// layer (src/runtime/<layer>.cpp); lower_layer dispatches on the layer's class.
#pragma once

#include <span>

#include "runtime/plan_builder.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {
class ActivationLayer;
class Add;
class BaseConv;
class BaseGlobalPooling;
class BasePooling;
class BatchNormalization;
class Concatenate;
class Dense;
class Dropout;
class Flatten;
class Reshape;
class ZeroPadding2D;
}  // namespace inlay::core

namespace inlay::runtime {

void lower_layer(PlanBuilder& b, const Layer& layer, const Node& node);
// Whether the layer works on the last axis only, so it runs on a ragged tensor's flat values.
bool lowering_maps_flat_values(const Layer& layer);

void lower_dense(PlanBuilder& b, const core::Dense& layer, const Node& node);
void lower_conv(PlanBuilder& b, const core::BaseConv& layer, const Node& node);
void lower_pooling(PlanBuilder& b, const core::BasePooling& layer, const Node& node);
void lower_global_pooling(PlanBuilder& b, const core::BaseGlobalPooling& layer, const Node& node);
void lower_activation(PlanBuilder& b, const core::ActivationLayer& layer, const Node& node);
void lower_batch_normalization(PlanBuilder& b, const core::BatchNormalization& layer, const Node& node);
void lower_dropout(PlanBuilder& b, const core::Dropout& layer, const Node& node);
void lower_flatten(PlanBuilder& b, const core::Flatten& layer, const Node& node);
void lower_reshape(PlanBuilder& b, const core::Reshape& layer, const Node& node);
void lower_zero_padding2d(PlanBuilder& b, const core::ZeroPadding2D& layer, const Node& node);
void lower_add(PlanBuilder& b, const core::Add& layer, const Node& node);
void lower_concatenate(PlanBuilder& b, const core::Concatenate& layer, const Node& node);

// --- activations (src/runtime/activation.cpp), shared by Dense, Conv and the Activation layer

// Appends `activation` to ops as eltwise post-ops; false when oneDNN has no eltwise for it (nothing appended).
bool append_activation_post_ops(dnnl::post_ops& ops, core::Activation activation);
// Applies `activation` to v as steps of their own (eltwise, softmax or a hand-written loop); returns the
// value holding the result (v itself for linear).
ValueId apply_activation(PlanBuilder& b, ValueId v, core::Activation activation, const std::string& layer);

// --- fusion (src/runtime/fusion.cpp): what Dense and Conv fold into themselves

// A layer's weight values by weight name ("kernel"); InternalError when the layer has none.
std::span<const float> weight_values(const Layer& layer, const std::string& name);

// Per-output-channel scale and shift of a BatchNormalization in inference: y = x * scale + shift.
struct ChannelAffine {
  std::vector<float> scale, shift;
};
ChannelAffine batch_norm_affine(const core::BatchNormalization& bn);

// The nodes after a Dense / Conv output `t` that fold into it: at most one BatchNormalization over the
// channel axis (only when the layer's own activation is linear), then Activation layers oneDNN runs as
// post-ops. Returns the tensor the fused primitive finally produces.
struct Fusion {
  const core::BatchNormalization* batch_norm = nullptr;
  std::vector<core::Activation> activations;  // applied after the layer's own activation, in order
  const KerasTensor* output = nullptr;
};
Fusion plan_fusion(PlanBuilder& b, const KerasTensor* t, core::Activation own_activation, int channel_axis);
// The activations a Dense / Conv primitive applies as post-ops, in order: its own (when `own_fused`), then
// the fused ones.
std::vector<core::Activation> fused_activations(bool own_fused, core::Activation own, const Fusion& fusion);

// A Dense / Conv with no input features (a 0-size input channel axis, for which Keras builds a kernel of 0
// rows and oneDNN creates no primitive): every output is the bias along `channel_axis` of the plain output
// `out_dims` (0 without a bias), then the layer's own and the fused activations. Reads x only to order steps.
void lower_bias_only(PlanBuilder& b, ValueId x, const std::vector<int64_t>& out_dims, int channel_axis,
                     std::span<const float> bias, core::Activation own_activation, const Fusion& fusion,
                     const std::string& layer);

}  // namespace inlay::runtime
