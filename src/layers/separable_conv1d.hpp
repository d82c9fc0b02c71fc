// keras.layers.SeparableConv1D: a depthwise 1D convolution, then a pointwise (1x1) one mixing channels.
// Everything is in BaseSeparableConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/separable_conv_base.hpp"

namespace inlay::core {

class SeparableConv1D final : public BaseSeparableConv {
 public:
  static constexpr std::string_view kClassName = "SeparableConv1D";
  // SeparableConv1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit SeparableConv1D(BaseLayerConfig base) : BaseSeparableConv(1, std::move(base)) {}
};

}  // namespace inlay::core
