// keras.layers.BatchNormalization: at inference, gamma * (x - moving_mean) / sqrt(moving_variance + epsilon)
// + beta along one axis. Weights: gamma and beta (trainable, dropped by scale=False / center=False),
// moving_mean and moving_variance (non-trainable); with renorm also moving_stddev, renorm_mean and
// renorm_stddev (non-trainable, unused at inference).
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class BatchNormalization final : public Layer {
 public:
  Json node_kwargs() const override { return {{"mask", nullptr}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "BatchNormalization";
  // BatchNormalization(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The axis as configured (may be negative); normalized_axis() resolves it once the layer is built.
  int64_t axis() const { return axis_; }
  int normalized_axis() const { return normalized_axis_; }
  double momentum() const { return momentum_; }
  double epsilon() const { return epsilon_; }
  bool center() const { return center_; }
  bool scale() const { return scale_; }
  bool renorm() const { return renorm_; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  explicit BatchNormalization(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  int64_t axis_ = -1;
  double momentum_ = 0.99;
  double epsilon_ = 1e-3;
  Json center_json_ = true, scale_json_ = true;  // kept as given: Keras stores them unconverted
  bool center_ = true, scale_ = true;
  SharedJson beta_initializer_, gamma_initializer_, moving_mean_initializer_, moving_variance_initializer_,
      beta_regularizer_, gamma_regularizer_, beta_constraint_, gamma_constraint_;
  Json synchronized_ = false;
  Json renorm_json_ = false;
  bool renorm_ = false;
  Json renorm_clipping_;
  Json renorm_momentum_ = 0.99;
  // Set by build: the input rank and the size of the normalized axis.
  int input_rank_ = 0;
  int normalized_axis_ = -1;
  int64_t axis_dim_ = 0;
};

}  // namespace inlay::core
