// keras.layers.ZeroPadding1D: pads the steps axis of a 3D input with zeros: padding is an int or (left, right).
// Everything but reading `padding` is in ZeroPaddingBase.
#pragma once

#include <memory>

#include "layers/zero_padding_base.hpp"

namespace inlay::core {

class ZeroPadding1D final : public ZeroPaddingBase {
 public:
  static constexpr std::string_view kClassName = "ZeroPadding1D";
  // ZeroPadding1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit ZeroPadding1D(BaseLayerConfig base) : ZeroPaddingBase(1, std::move(base)) {}
};

}  // namespace inlay::core
