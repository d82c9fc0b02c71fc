// keras.layers.LeakyReLU: x for x > 0, negative_slope * x otherwise (tf.keras spelled the slope `alpha`).
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class LeakyReLU final : public Layer {
 public:
  static constexpr std::string_view kClassName = "LeakyReLU";
  // LeakyReLU(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  double negative_slope() const { return negative_slope_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit LeakyReLU(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json negative_slope_json_ = 0.3;
  double negative_slope_ = 0.3;
};

}  // namespace inlay::core
