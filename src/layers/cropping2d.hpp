// keras.layers.Cropping2D: crops the two spatial axes of a 4D input.
// Everything but reading `cropping` is in CroppingBase.
#pragma once

#include <memory>

#include "layers/cropping_base.hpp"

namespace inlay::core {

class Cropping2D final : public CroppingBase {
 public:
  static constexpr std::string_view kClassName = "Cropping2D";
  // Cropping2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Cropping2D(BaseLayerConfig base) : CroppingBase(2, true, std::move(base)) {}
};

}  // namespace inlay::core
