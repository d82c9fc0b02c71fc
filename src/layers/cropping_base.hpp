// keras.layers.Cropping{1,2,3}D: removes (before, after) elements of each spatial axis of a 3D / 4D / 5D
// input. The subclasses read their `cropping` argument (each class words its messages its own way); the
// shape rule, the config and what the runtime needs are here.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/spatial_margins.hpp"

namespace inlay::core {

class CroppingBase : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  Json get_config() const override;

  // (before, after) per spatial axis.
  const AxisMargins& cropping() const { return cropping_; }
  int spatial_rank() const { return rank_; }
  bool channels_first() const { return data_format_ == "channels_first"; }

 protected:
  CroppingBase(int rank, bool has_data_format, BaseLayerConfig base)
      : Layer(base.name), rank_(rank), has_data_format_(has_data_format), base_(std::move(base)) {}

  void set_data_format(const Json& value);
  // `config_json` is what get_config() gives back; `nested` the ((before, after), ...) per axis.
  void set_cropping(Json config_json, Json nested);

  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;
  [[noreturn]] void throw_too_large(const Json& input_shape) const;

  int rank_;
  bool has_data_format_;  // Cropping1D has none (its input is always (batch, steps, features))
  BaseLayerConfig base_;
  std::string data_format_ = "channels_last";
  AxisMargins cropping_;
  Json cropping_json_;  // as get_config() gives it
  Json nested_json_;    // ((before, after), ...) with the values Keras kept
};

}  // namespace inlay::core
