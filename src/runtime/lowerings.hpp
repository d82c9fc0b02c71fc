// What the lowerings share: the dispatch to a layer's lowering (lowering.hpp), activations as eltwise
// post-ops or steps, and the producer-side helpers of fusion (BatchNormalization folding, bias-only outputs).
#pragma once

#include <span>

#include "runtime/plan_builder.hpp"
#include "layers/serialization.hpp"
#include "runtime/fusion_pass.hpp"
#include "runtime/lowering.hpp"

namespace inlay::runtime {

// --- activations (src/runtime/activation.cpp), shared by Dense, Conv and the Activation layer

// Appends `activation` to ops as eltwise post-ops; false when oneDNN has no eltwise for it (nothing appended).
bool append_activation_post_ops(dnnl::post_ops& ops, core::Activation activation);
// Applies `activation` to v as steps of their own (eltwise, softmax or a hand-written loop); returns the
// value holding the result (v itself for linear).
ValueId apply_activation(PlanBuilder& b, ValueId v, core::Activation activation, const std::string& layer);

// True when oneDNN chose its reference implementation ("ref:...") for pd: 10-700x slower than its jit kernels,
// so a lowering that can describe the operation another way tries that first (tests/runtime/
// test_plan_implementations.cpp checks the plans of real models for it).
bool reference_implementation(const dnnl::primitive_desc_base& pd);

// --- fusion (src/runtime/fusion.cpp): what Dense and Conv fold into themselves

// A layer's weight values by weight name ("kernel"); InternalError when the layer has none.
std::span<const float> weight_values(const Layer& layer, const std::string& name);
// A copy of weight_values(layer, name) when the layer has that weight (`present`: e.g. its `scale`), else empty.
std::vector<float> weight_copy(const Layer& layer, bool present, const char* name);

// Per-output-channel scale and shift of a BatchNormalization in inference: y = x * scale + shift.
struct ChannelAffine {
  std::vector<float> scale, shift;
};
ChannelAffine batch_norm_affine(const core::BatchNormalization& bn);

// Folds a BatchNormalization over the output channels into a kernel whose last axis is the output channel
// (Dense's (k, units), a convolution's (k..., in, filters)) and its bias (empty: none, made zeros here).
void fold_batch_norm(std::vector<float>& kernel, std::vector<float>& bias, int64_t channels,
                     const core::BatchNormalization& bn);

// The post-ops of a producer primitive: its own activation when oneDNN fuses it, then the fusion's.
struct ProducerPostOps {
  dnnl::post_ops ops;
  bool own_fused = false;                   // the own activation is in ops (else it runs as a step after)
  std::vector<core::Activation> activations;  // what ops compute, in order (for the NaN / Inf guard)
};
ProducerPostOps producer_post_ops(core::Activation own, const Fusion& fusion);

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
