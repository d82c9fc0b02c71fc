// keras.layers.Masking: steps whose features all equal mask_value are masked. The output is the input with
// those steps zeroed; its Keras mask is any(x != mask_value, axis=-1).
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Masking final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Masking";
  // Masking(mask_value=0.0, **kwargs)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  float mask_value() const { return mask_value_; }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Masking(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json mask_value_arg_;
  float mask_value_ = 0.0f;
};

}  // namespace inlay::core
