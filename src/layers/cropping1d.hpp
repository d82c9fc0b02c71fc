// keras.layers.Cropping1D: crops the steps axis of a 3D input: cropping is an int or (start, end).
// Everything but reading `cropping` is in CroppingBase.
#pragma once

#include <memory>

#include "layers/cropping_base.hpp"

namespace inlay::core {

class Cropping1D final : public CroppingBase {
 public:
  static constexpr std::string_view kClassName = "Cropping1D";
  // Cropping1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Cropping1D(BaseLayerConfig base) : CroppingBase(1, false, std::move(base)) {}
};

}  // namespace inlay::core
