// keras.layers.ZeroPadding3D: pads the three spatial axes of a 5D input with zeros.
// Everything but reading `padding` is in ZeroPaddingBase.
#pragma once

#include <memory>

#include "layers/zero_padding_base.hpp"

namespace inlay::core {

class ZeroPadding3D final : public ZeroPaddingBase {
 public:
  static constexpr std::string_view kClassName = "ZeroPadding3D";
  // ZeroPadding3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit ZeroPadding3D(BaseLayerConfig base) : ZeroPaddingBase(3, std::move(base)) {}
};

}  // namespace inlay::core
