// keras.layers BaseDepthwiseConv (keras/src/layers/convolutional/base_depthwise_conv.py): each input channel
// convolved with its own depth_multiplier kernels, output channel c * depth_multiplier + m. Kernel of shape
// kernel_size + (input_channels, depth_multiplier), bias of input_channels * depth_multiplier.
// BaseSeparableConv (separable_conv_base.hpp) is the same reading and checking plus `filters` and a 1x1
// pointwise kernel, so it derives from this class: `separable()` says which one an object is.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class BaseDepthwiseConv : public Layer {
 public:
  Json get_config() const override;

  // What the runtime needs. The tuples have `rank()` entries.
  int rank() const { return rank_; }
  int64_t depth_multiplier() const { return depth_multiplier_; }
  const std::vector<int64_t>& kernel_size() const { return kernel_size_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  const std::vector<int64_t>& dilation_rate() const { return dilation_rate_; }
  const std::string& padding() const { return padding_; }         // "valid" or "same"
  const std::string& data_format() const { return data_format_; }  // "channels_last" / "channels_first"
  bool channels_first() const { return data_format_ == "channels_first"; }
  Activation activation() const { return activation_; }
  bool use_bias() const { return use_bias_; }
  // The input channel count the kernels were built for (0 before build).
  int64_t input_channels() const { return input_channels_; }

 protected:
  using Factory = std::unique_ptr<BaseDepthwiseConv> (*)(BaseLayerConfig base);

  BaseDepthwiseConv(int rank, BaseLayerConfig base, bool separable)
      : Layer(base.name), rank_(rank), separable_(separable), base_(std::move(base)) {}

  // {Depthwise,Separable}Conv{rank}D(**config): reads the config in Keras's order with Keras's messages.
  static std::unique_ptr<Layer> create(Graph& graph, const Json& config, std::string_view class_name, int rank,
                                       bool separable, Factory make);

  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

  bool separable() const { return separable_; }
  int64_t filters() const { return filters_; }  // separable only

 private:
  // The output channel count for an input of `channel` channels: depth_multiplier * channel (Python's
  // arithmetic and TypeError), or the separable's filters.
  Json output_channels(const Json& channel) const;
  Shape output_shape(const Shape& input_shape) const;

  int rank_;
  bool separable_;
  BaseLayerConfig base_;
  // The values as Keras keeps them (Python ints, bools or floats), for get_config and messages.
  Json depth_multiplier_json_, filters_json_, kernel_size_json_, strides_json_, dilation_rate_json_, padding_json_,
      use_bias_json_;
  int64_t depth_multiplier_ = 1, filters_ = 0;
  std::vector<int64_t> kernel_size_, strides_, dilation_rate_;
  std::string padding_;
  std::string data_format_ = "channels_last";
  Activation activation_ = Activation::Linear;
  bool use_bias_ = true;
  SharedJson depthwise_initializer_, pointwise_initializer_, bias_initializer_, depthwise_regularizer_,
      pointwise_regularizer_, bias_regularizer_, depthwise_constraint_, pointwise_constraint_, bias_constraint_;
  int64_t input_channels_ = 0;
  std::optional<int64_t> spec_channels_;  // pinned by build() before its checks, as Keras does
};

}  // namespace inlay::core
