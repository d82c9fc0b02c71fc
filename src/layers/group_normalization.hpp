// keras.layers.GroupNormalization: the channels of `axis` split into `groups` groups; each sample is
// normalized over every other non-batch axis and the channels of each group, then scaled and shifted per
// channel (gamma, beta of shape (channels,)). groups=-1 (one channel per group) is instance normalization.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class GroupNormalization final : public Layer {
 public:
  static constexpr std::string_view kClassName = "GroupNormalization";
  // GroupNormalization(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  int64_t groups() const { return groups_; }  // the channel count once built with groups=-1
  int64_t axis() const { return axis_; }      // as configured (may be negative)
  // The epsilon as a number; InvalidArgument when the config's is none (Keras fails when it computes).
  double epsilon() const;
  bool center() const { return center_; }
  bool scale() const { return scale_; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit GroupNormalization(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  BaseLayerConfig base_;
  int64_t groups_ = 32;
  int64_t axis_ = -1;
  Json epsilon_ = 1e-3;
  Json center_json_ = true, scale_json_ = true;  // kept as given
  bool center_ = true, scale_ = true;
  SharedJson beta_initializer_, gamma_initializer_, beta_regularizer_, gamma_regularizer_, beta_constraint_,
      gamma_constraint_;
  int input_rank_ = 0;  // set by build, with the channel count: the input spec
  int64_t channels_ = 0;
};

}  // namespace inlay::core
