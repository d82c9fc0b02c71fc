// keras.layers.Identity: returns its input (dtype and sparseness kept).
#pragma once

#include "layers/pass_through.hpp"

namespace inlay::core {

class Identity final : public PassThroughLayer {
 public:
  static constexpr std::string_view kClassName = "Identity";
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override { return base_.to_json(); }

 protected:
  // compute_output_spec keeps the input's dtype and sparseness (not the compute dtype).
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override {
    return {inputs.front()->spec()};
  }

 private:
  using PassThroughLayer::PassThroughLayer;
};

}  // namespace inlay::core
