// keras.layers.UpSampling1D: repeats each step of a 3D input `size` times (size: a positive int).
// Everything but reading the arguments is in UpSamplingBase.
#pragma once

#include <memory>

#include "layers/up_sampling_base.hpp"

namespace inlay::core {

class UpSampling1D final : public UpSamplingBase {
 public:
  static constexpr std::string_view kClassName = "UpSampling1D";
  // UpSampling1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit UpSampling1D(BaseLayerConfig base) : UpSamplingBase(1, false, false, std::move(base)) {}
};

}  // namespace inlay::core
