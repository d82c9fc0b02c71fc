// The fusion pass (XNNPACK's optimize step between define and run): one walk over a model, before any
// lowering, that decides every fusion of the plan. Lowerings then lower what they are given: a producer
// (Dense, Conv, ...) reads its Fusion, a node the pass folded is never lowered on its own.
//
// Fusions, each along a chain where every folded tensor has a single consumer and is not a model output
// (so no folded tensor is ever needed on its own):
//   - producer -> BatchNormalization over the producer's channel axis (only before any activation): folded
//     into the weights and bias;
//   - producer -> Activation-like layers oneDNN runs as eltwise post-ops (Activation, ReLU, ...) and
//     identities at inference (Dropout, GaussianNoise, ...): post-ops / nothing;
//   - ZeroPadding -> convolution: the padding becomes the convolution's own (no padded copy);
//   - Flatten -> Dense: the Dense reads the Flatten's spatial input in its own layout (no reorder).
#pragma once

#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "graph/model.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {
class BatchNormalization;
}

namespace inlay::runtime {

using core::KerasTensor;
using core::Node;

// What folds into one producer node.
struct Fusion {
  const core::BatchNormalization* batch_norm = nullptr;
  std::vector<core::Activation> activations;  // applied after the producer's own activation, in order
  const KerasTensor* output = nullptr;         // the tensor the fused primitive finally produces
  // A ZeroPadding folded into this convolution: the tensor it padded (what the convolution reads) and its
  // (before, after) per spatial axis.
  const KerasTensor* unpadded_input = nullptr;
  std::vector<std::pair<int64_t, int64_t>> input_padding;
};

struct FusionPlan {
  std::unordered_map<const Node*, Fusion> producers;  // every producer node (possibly with nothing folded)
  std::unordered_set<const Node*> folded;             // nodes lowered as part of another
  // Flatten node -> the Dense node that alone consumes it and may read the Flatten's spatial input as it is.
  std::unordered_map<const Node*, const Node*> flatten_into_dense;

  // The producer's fusion; a producer with nothing folded when the pass did not see it.
  Fusion of(const Node& producer) const;
  bool is_folded(const Node& node) const { return folded.count(&node) > 0; }
};

FusionPlan plan_fusions(const core::Model& model);

}  // namespace inlay::runtime
