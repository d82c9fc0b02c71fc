// keras.layers.Conv3DTranspose: the transposed 3D convolution (the gradient of Conv3D with respect to
// its input). Everything is in BaseConvTranspose; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/conv_transpose_base.hpp"

namespace inlay::core {

class Conv3DTranspose final : public BaseConvTranspose {
 public:
  static constexpr std::string_view kClassName = "Conv3DTranspose";
  // Conv3DTranspose(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Conv3DTranspose(BaseLayerConfig base) : BaseConvTranspose(3, std::move(base)) {}
};

}  // namespace inlay::core
