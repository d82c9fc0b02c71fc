// keras.layers.AlphaDropout: dropout that keeps SELU's mean and variance in training; the identity at
// inference.
#pragma once

#include "layers/pass_through.hpp"

namespace inlay::core {

class AlphaDropout final : public PassThroughLayer {
 public:
  Json node_kwargs() const override { return {{"training", false}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "AlphaDropout";
  // AlphaDropout(**config): `rate` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

 private:
  using PassThroughLayer::PassThroughLayer;
  Json rate_, seed_, noise_shape_;  // noise_shape is kept as given: Keras only reads it in training
};

}  // namespace inlay::core
