// keras.layers.ZeroPadding2D: pads the two spatial axes of a 4D input with zeros.
// Everything but reading `padding` is in ZeroPaddingBase.
#pragma once

#include <memory>

#include "layers/zero_padding_base.hpp"

namespace inlay::core {

class ZeroPadding2D final : public ZeroPaddingBase {
 public:
  static constexpr std::string_view kClassName = "ZeroPadding2D";
  // ZeroPadding2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit ZeroPadding2D(BaseLayerConfig base) : ZeroPaddingBase(2, std::move(base)) {}
};

}  // namespace inlay::core
