// keras.layers.UpSampling{1,2,3}D: repeats each element of the spatial axes `size` times (UpSampling2D may
// interpolate instead: ops.image.resize). The subclasses read their arguments; the shape rule, the config
// and what the runtime needs are here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class UpSamplingBase : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  Json get_config() const override;

  // The factor of each spatial axis.
  const std::vector<int64_t>& size() const { return size_; }
  int spatial_rank() const { return rank_; }
  bool channels_first() const { return data_format_ == "channels_first"; }
  // "nearest" (ops.repeat) or the ops.image.resize method of UpSampling2D, lowercased as Keras keeps it.
  const std::string& interpolation() const { return interpolation_; }

 protected:
  // `config_keys`: data_format (2D, 3D) and interpolation (2D) are in the config only where the class has them.
  UpSamplingBase(int rank, bool has_data_format, bool has_interpolation, BaseLayerConfig base)
      : Layer(base.name),
        rank_(rank),
        has_data_format_(has_data_format),
        has_interpolation_(has_interpolation),
        base_(std::move(base)) {}

  void set_data_format(const Json& value);
  // `config_json` is what get_config() gives back; `factors` the per-axis values Keras kept.
  void set_size(Json config_json, Json factors);
  // interpolation.lower(): "'int' object has no attribute 'lower'" for a non-string.
  void set_interpolation(const Json& value);

  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  int rank_;
  bool has_data_format_, has_interpolation_;
  BaseLayerConfig base_;
  std::string data_format_ = "channels_last";
  std::string interpolation_ = "nearest";
  std::vector<int64_t> size_;
  Json size_json_;  // as get_config() gives it
  Json factors_;    // per axis, as Keras kept them (a float factor stays a float)
};

}  // namespace inlay::core
