// A Dense / Conv with fused eltwise post-ops computes its activations inside oneDNN's kernel, where a NaN or
// infinite pre-activation comes out otherwise than in Keras (keras_activation.hpp), and Winograd's
// transforms smear one infinite input over a whole output tile as NaN. The pre-activation never exists on
// its own, so it cannot be checked; what can be checked is the input: when every input value is finite and
// small enough that no pre-activation can leave the range where the fused kernels are exact
// (|pre| <= max |x| * max_j sum_i |w_ij| + max |b|), the fused result is Keras's. That is one vectorized
// scan of the input per run. When the check fails -- NaN / Inf / huge values reached the layer -- the layer
// is computed again exactly: a direct convolution / inner product without post-ops (built on first need, its
// weights reordered from the fused primitive's), Keras's activations one float at a time, and a reorder into
// the fused output's layout.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "layers/serialization.hpp"
#include "runtime/plan_builder.hpp"

namespace inlay::runtime {

// A primitive computing a layer's pre-activation: no post-ops, float32, into a given plain dst.
struct PreActivationPrimitive {
  dnnl::primitive primitive;
  dnnl::memory::desc weights_md;
  dnnl::memory::desc scratchpad_md;
};
using MakePreActivation = std::function<PreActivationPrimitive(const dnnl::engine&, const dnnl::memory::desc& dst)>;

struct FusedLayer {
  std::string layer;
  ValueId src = -1;              // the float32 input the check reads (before any reorder for the primitive)
  dnnl::memory::desc src_md;     // its desc as make() reads it
  ValueId dst = -1;              // the fused primitive's output
  dnnl::memory::desc dst_md;
  std::vector<core::Activation> activations;  // the post-ops, in order
  bool winograd = false;
  std::span<const float> kernel;  // Keras's (..., out_channels) values as the primitive got them (folded)
  std::span<const float> bias;    // empty: none
  int64_t out_channels = 0;
  dnnl::memory weights;           // the fused primitive's weights and bias (shared, read only)
  std::optional<dnnl::memory> bias_memory;
  MakePreActivation make;
  // Winograd's weights are in a format oneDNN cannot reorder back: for such a layer the recompute starts
  // from Keras's kernel instead, which keras_kernel() gives (folded as the primitive's was; laid out as
  // keras_kernel_md). It reads the model's own weights when first needed rather than keeping a copy: a plan
  // never runs after the weights it was compiled from change (set_weight drops the plans).
  std::function<std::vector<float>()> keras_kernel;
  dnnl::memory::desc keras_kernel_md;
};

// Whether a fused layer can differ from Keras on some input: a post-op that is not exact on NaN / Inf, or
// Winograd.
bool fused_layer_needs_guard(const std::vector<core::Activation>& activations, bool winograd);

// Adds the step that checks the fused primitive's input and recomputes the layer when needed. Call right
// after adding the fused primitive. A layer whose input is the output of another guarded layer (or a
// reorder, view, pooling or zero padding of it) needs no scan on runs where that layer's input was small
// enough to bound its output within this one's limit: the first layer of a chain checks a tighter bound once
// for all of them (GuardLink in fused_guard.cpp).
void add_fused_layer_guard(PlanBuilder& b, FusedLayer layer);

}  // namespace inlay::runtime
