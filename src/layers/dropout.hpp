// keras.layers.Dropout: zeroes a fraction `rate` of the inputs in training; the identity at inference,
// which is all inlay runs.
#pragma once

#include <memory>
#include <optional>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Dropout final : public Layer {
 public:
  Json node_kwargs() const override { return {{"training", false}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "Dropout";
  // Dropout(**config): `rate` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The rate as a number (Keras keeps what it was given: 1, 0.5, True).
  double rate() const { return rate_; }
  // noise_shape, kNoneDim for None; nullopt when none was given.
  const std::optional<std::vector<int64_t>>& noise_shape() const { return noise_shape_; }
  const Json& seed() const { return seed_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Dropout(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json rate_json_;
  double rate_ = 0.0;
  Json noise_shape_json_;  // the tuple Keras stores (JSON list), or null
  std::optional<std::vector<int64_t>> noise_shape_;
  Json seed_;
};

}  // namespace inlay::core
