// keras.layers.ReLU: max(x, 0) with an optional cap (max_value), a slope below the threshold
// (negative_slope) and a threshold below which values become 0 (or follow the slope). The shape is unchanged.
#pragma once

#include <memory>
#include <optional>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class ReLU final : public Layer {
 public:
  static constexpr std::string_view kClassName = "ReLU";
  // ReLU(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  std::optional<double> max_value() const { return max_value_; }
  double negative_slope() const { return negative_slope_; }
  double threshold() const { return threshold_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit ReLU(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json max_value_json_, negative_slope_json_ = 0.0, threshold_json_ = 0.0;  // as given: Keras keeps them so
  std::optional<double> max_value_;
  double negative_slope_ = 0.0;
  double threshold_ = 0.0;
};

}  // namespace inlay::core
