// keras.layers.ZeroPadding{1,2,3}D: pads the spatial axes of a 3D / 4D / 5D input with zeros. The
// subclasses read their `padding` argument (each class words its messages its own way); the shape rule,
// the config and what the runtime needs are here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/spatial_margins.hpp"

namespace inlay::core {

class ZeroPaddingBase : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  Json get_config() const override;

  // (before, after) per spatial axis.
  const AxisMargins& padding() const { return padding_; }
  int spatial_rank() const { return rank_; }
  // "channels_last" or "channels_first".
  const std::string& data_format() const { return data_format_; }
  bool channels_first() const { return data_format_ == "channels_first"; }

 protected:
  ZeroPaddingBase(int rank, BaseLayerConfig base) : Layer(base.name), rank_(rank), base_(std::move(base)) {}

  // Reads name/dtype/... and data_format; the subclass then calls set_padding with what it read.
  static BaseLayerConfig read_base(LayerArgs& args, Graph& graph);
  void set_data_format(const Json& value);
  // `config_json` is what get_config() gives back; `nested` the ((before, after), ...) per axis.
  void set_padding(Json config_json, Json nested);

  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  int rank_;
  BaseLayerConfig base_;
  std::string data_format_ = "channels_last";
  AxisMargins padding_;
  Json padding_json_;  // as get_config() gives it
  Json nested_json_;   // ((before, after), ...) with the values Keras kept
};

}  // namespace inlay::core
