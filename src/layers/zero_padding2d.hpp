// keras.layers.ZeroPadding2D: pads the two spatial axes of a 4D input with zeros.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class ZeroPadding2D final : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  static constexpr std::string_view kClassName = "ZeroPadding2D";
  // ZeroPadding2D(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // ((top, bottom), (left, right)).
  const std::array<std::array<int64_t, 2>, 2>& padding() const { return padding_; }
  // "channels_last" or "channels_first".
  const std::string& data_format() const { return data_format_; }
  bool channels_first() const { return data_format_ == "channels_first"; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  explicit ZeroPadding2D(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  std::string data_format_ = "channels_last";
  std::array<std::array<int64_t, 2>, 2> padding_{{{1, 1}, {1, 1}}};
  Json padding_json_;  // ((top, bottom), (left, right)) with the values Keras kept
};

}  // namespace inlay::core
