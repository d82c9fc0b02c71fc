// keras.layers.ELU: x for x > 0, alpha * (exp(x) - 1) otherwise. ELU has no get_config of its own: Layer's
// records the constructor's alpha right after the name.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class ELU final : public Layer {
 public:
  static constexpr std::string_view kClassName = "ELU";
  // ELU(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  double alpha() const { return alpha_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit ELU(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json alpha_json_ = 1.0;
  double alpha_ = 1.0;
};

}  // namespace inlay::core
