// keras.layers.Conv2D: 2D convolution (spatial over images): inputs (batch, rows, cols, channels), or channels_first.
// Everything is in BaseConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/conv_base.hpp"

namespace inlay::core {

class Conv2D final : public BaseConv {
 public:
  static constexpr std::string_view kClassName = "Conv2D";
  // Conv2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Conv2D(BaseLayerConfig base) : BaseConv(2, std::move(base)) {}
};

}  // namespace inlay::core
