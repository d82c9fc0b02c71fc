// keras.layers.Conv1D: 1D convolution (temporal): inputs (batch, steps, channels), or (batch, channels,
// steps) channels_first; padding may also be "causal".
// Everything is in BaseConv; this class gives the rank and the class name.
#pragma once

#include <memory>

#include "layers/conv_base.hpp"

namespace inlay::core {

class Conv1D final : public BaseConv {
 public:
  static constexpr std::string_view kClassName = "Conv1D";
  // Conv1D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }

 private:
  explicit Conv1D(BaseLayerConfig base) : BaseConv(1, std::move(base)) {}
};

}  // namespace inlay::core
