// keras.layers.Cropping3D: crops the three spatial axes of a 5D input.
// Everything but reading `cropping` is in CroppingBase.
#pragma once

#include <memory>

#include "layers/cropping_base.hpp"

namespace inlay::core {

class Cropping3D final : public CroppingBase {
 public:
  static constexpr std::string_view kClassName = "Cropping3D";
  // Cropping3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Cropping3D(BaseLayerConfig base) : CroppingBase(3, true, std::move(base)) {}
};

}  // namespace inlay::core
