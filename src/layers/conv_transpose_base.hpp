// keras.layers BaseConvTranspose (keras/src/layers/convolutional/base_conv_transpose.py): the transposed
// N-D convolution behind Conv1DTranspose, Conv2DTranspose and Conv3DTranspose. output =
// activation(conv_transpose(input, kernel) + bias), kernel of shape kernel_size + (filters, input_channels),
// each output length given by backend_utils' rule (conv_utils::conv_transpose_output_length).
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

class BaseConvTranspose : public Layer {
 public:
  Json get_config() const override;

  // What the runtime needs. The tuples have `rank()` entries.
  int rank() const { return rank_; }
  int64_t filters() const { return filters_; }
  const std::vector<int64_t>& kernel_size() const { return kernel_size_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  const std::vector<int64_t>& dilation_rate() const { return dilation_rate_; }
  // One entry per spatial axis, -1 where Keras's output_padding is None (all of them when it is).
  const std::vector<int64_t>& output_padding() const { return output_padding_; }
  const std::string& padding() const { return padding_; }  // "valid" or "same"
  const std::string& data_format() const { return data_format_; }
  bool channels_first() const { return data_format_ == "channels_first"; }
  Activation activation() const { return activation_; }
  bool use_bias() const { return use_bias_; }
  int64_t input_channels() const { return input_channels_; }  // 0 before build

 protected:
  using Factory = std::unique_ptr<BaseConvTranspose> (*)(BaseLayerConfig base);

  BaseConvTranspose(int rank, BaseLayerConfig base) : Layer(base.name), rank_(rank), base_(std::move(base)) {}

  // Conv{rank}DTranspose(**config): reads the config in Keras's order with Keras's messages.
  static std::unique_ptr<Layer> create(Graph& graph, const Json& config, std::string_view class_name, int rank,
                                       Factory make);

  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  void check_arguments() const;

  int rank_;
  BaseLayerConfig base_;
  // The values as Keras keeps them, for get_config and messages.
  Json filters_json_, kernel_size_json_, strides_json_, dilation_rate_json_, padding_json_, output_padding_json_,
      use_bias_json_;
  int64_t filters_ = 0;
  std::vector<int64_t> kernel_size_, strides_, dilation_rate_, output_padding_;
  std::string padding_;
  std::string data_format_ = "channels_last";
  Activation activation_ = Activation::Linear;
  bool use_bias_ = true;
  SharedJson kernel_initializer_, bias_initializer_, kernel_regularizer_, bias_regularizer_, kernel_constraint_,
      bias_constraint_;
  int64_t input_channels_ = 0;
  std::optional<int64_t> spec_channels_;  // pinned by build() before its checks, as Keras does
};

}  // namespace inlay::core
