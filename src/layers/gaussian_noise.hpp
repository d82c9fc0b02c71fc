// keras.layers.GaussianNoise: adds N(0, stddev) noise in training; the identity at inference.
#pragma once

#include "layers/pass_through.hpp"

namespace inlay::core {

class GaussianNoise final : public PassThroughLayer {
 public:
  Json node_kwargs() const override { return {{"training", false}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "GaussianNoise";
  // GaussianNoise(**config): `stddev` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

 private:
  using PassThroughLayer::PassThroughLayer;
  Json stddev_, seed_;
};

}  // namespace inlay::core
