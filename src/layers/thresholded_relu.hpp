// tf.keras's ThresholdedReLU (Keras 3 has none; tf.keras and TensorFlow.js files hold it):
// x * (x > theta), theta >= 0 kept as a float32.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class ThresholdedReLU final : public Layer {
 public:
  static constexpr std::string_view kClassName = "ThresholdedReLU";
  // ThresholdedReLU(**config), tf.keras's arguments.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  float theta() const { return theta_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit ThresholdedReLU(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  float theta_ = 1.f;  // backend.cast_to_floatx(theta)
};

}  // namespace inlay::core
