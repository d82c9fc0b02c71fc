// keras.layers.Activation: applies an activation function elementwise; the shape is unchanged.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class ActivationLayer final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Activation";
  // Activation(**config): `activation` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  Activation activation() const { return activation_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit ActivationLayer(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Activation activation_ = Activation::Linear;
};

}  // namespace inlay::core
