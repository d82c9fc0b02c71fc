// keras.layers.Conv1DTranspose: the transposed 1D convolution (the gradient of Conv1D with respect to
// its input). Everything is in BaseConvTranspose; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/conv_transpose_base.hpp"

namespace inlay::core {

class Conv1DTranspose final : public BaseConvTranspose {
 public:
  static constexpr std::string_view kClassName = "Conv1DTranspose";
  // Conv1DTranspose(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Conv1DTranspose(BaseLayerConfig base) : BaseConvTranspose(1, std::move(base)) {}
};

}  // namespace inlay::core
