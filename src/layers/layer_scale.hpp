// keras.applications.convnext's LayerScale (registered as "LayerScale", module
// keras.src.applications.convnext): x * gamma, gamma a weight (named "variable") of shape (projection_dim,) initialized to
// init_values. ConvNeXt scales each block's residual branch with it.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class LayerScale final : public Layer {
 public:
  static constexpr std::string_view kClassName = "LayerScale";
  // LayerScale(init_values, projection_dim, **kwargs): both required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  std::string_view module() const override { return "keras.src.applications.convnext"; }
  Json registered_name() const override { return kClassName; }
  Json get_config() const override;
  bool records_build_config() const override { return true; }

  int64_t projection_dim() const { return projection_dim_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }
  void build(const std::vector<const KerasTensor*>& inputs) override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit LayerScale(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json init_values_;     // kept as given (Keras stores it unchecked)
  Json projection_dim_json_;
  int64_t projection_dim_ = 0;
};

}  // namespace inlay::core
