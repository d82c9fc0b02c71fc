// The base of the layers that are the identity at inference (Identity, GaussianNoise, GaussianDropout,
// AlphaDropout, SpatialDropout1D/2D/3D, ActivityRegularization): one input of any rank, its shape kept, the
// layer's compute dtype out. Subclasses read and write their own arguments; the runtime lowers them all as
// the identity (runtime/pass_through.cpp), and the fusion pass folds them away.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class PassThroughLayer : public Layer {
 protected:
  explicit PassThroughLayer(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override {
    return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
  }

  BaseLayerConfig base_;
};

}  // namespace inlay::core
