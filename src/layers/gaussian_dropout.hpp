// keras.layers.GaussianDropout: multiplies by N(1, sqrt(rate / (1 - rate))) noise in training; the identity
// at inference.
#pragma once

#include "layers/pass_through.hpp"

namespace inlay::core {

class GaussianDropout final : public PassThroughLayer {
 public:
  Json node_kwargs() const override { return {{"training", false}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "GaussianDropout";
  // GaussianDropout(**config): `rate` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

 private:
  using PassThroughLayer::PassThroughLayer;
  Json rate_, seed_;
};

}  // namespace inlay::core
