// keras.layers.UpSampling2D: scales the two spatial axes of a 4D input by `size`: repeats (nearest) or
// ops.image.resize with another interpolation.
// Everything but reading the arguments is in UpSamplingBase.
#pragma once

#include <memory>

#include "layers/up_sampling_base.hpp"

namespace inlay::core {

class UpSampling2D final : public UpSamplingBase {
 public:
  static constexpr std::string_view kClassName = "UpSampling2D";
  // UpSampling2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit UpSampling2D(BaseLayerConfig base) : UpSamplingBase(2, true, true, std::move(base)) {}
};

}  // namespace inlay::core
