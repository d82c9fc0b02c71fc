// keras.layers.UpSampling3D: repeats each element of the three spatial axes of a 5D input `size` times.
// Everything but reading the arguments is in UpSamplingBase.
#pragma once

#include <memory>

#include "layers/up_sampling_base.hpp"

namespace inlay::core {

class UpSampling3D final : public UpSamplingBase {
 public:
  static constexpr std::string_view kClassName = "UpSampling3D";
  // UpSampling3D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit UpSampling3D(BaseLayerConfig base) : UpSamplingBase(3, true, false, std::move(base)) {}
};

}  // namespace inlay::core
