// keras.layers.Conv3D: 3D convolution (over volumes): inputs (batch, d1, d2, d3, channels), or channels_first.
// Everything is in BaseConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/conv_base.hpp"

namespace inlay::core {

class Conv3D final : public BaseConv {
 public:
  static constexpr std::string_view kClassName = "Conv3D";
  // Conv3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Conv3D(BaseLayerConfig base) : BaseConv(3, std::move(base)) {}
};

}  // namespace inlay::core
