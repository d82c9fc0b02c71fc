// keras.layers.Flatten: (batch, d1, d2, ...) -> (batch, d1*d2*...); channels_first inputs are moved to
// channels_last order first, so the values come out in the same order either way.
#pragma once

#include <memory>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Flatten final : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  static constexpr std::string_view kClassName = "Flatten";
  // Flatten(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // "channels_last" or "channels_first".
  const std::string& data_format() const { return data_format_; }
  bool channels_first() const { return data_format_ == "channels_first"; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Flatten(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  std::string data_format_ = "channels_last";
};

}  // namespace inlay::core
