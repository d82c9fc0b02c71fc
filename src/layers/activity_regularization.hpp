// keras.layers.ActivityRegularization: adds an L1/L2 activity penalty to the training loss; the identity
// at inference.
#pragma once

#include "layers/pass_through.hpp"

namespace inlay::core {

class ActivityRegularization final : public PassThroughLayer {
 public:
  static constexpr std::string_view kClassName = "ActivityRegularization";
  // ActivityRegularization(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

 private:
  using PassThroughLayer::PassThroughLayer;
  Json l1_ = 0.0, l2_ = 0.0;
};

}  // namespace inlay::core
