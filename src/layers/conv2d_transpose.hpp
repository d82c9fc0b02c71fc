// keras.layers.Conv2DTranspose: the transposed 2D convolution (the gradient of Conv2D with respect to
// its input). Everything is in BaseConvTranspose; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/conv_transpose_base.hpp"

namespace inlay::core {

class Conv2DTranspose final : public BaseConvTranspose {
 public:
  static constexpr std::string_view kClassName = "Conv2DTranspose";
  // Conv2DTranspose(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Conv2DTranspose(BaseLayerConfig base) : BaseConvTranspose(2, std::move(base)) {}
};

}  // namespace inlay::core
