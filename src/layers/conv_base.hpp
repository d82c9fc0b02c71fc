// keras.layers BaseConv: the N-D convolution behind Conv1D, Conv2D and Conv3D (keras/src/layers/
// convolutional/base_conv.py). output = activation(conv(input, kernel) + bias), kernel of shape
// kernel_size + (input_channels // groups, filters). The subclasses only give the rank and the class name.
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

class BaseConv : public Layer {
 public:
  Json get_config() const override;

  // What the runtime needs. The tuples have `rank()` entries.
  int rank() const { return rank_; }
  int64_t filters() const { return filters_; }
  const std::vector<int64_t>& kernel_size() const { return kernel_size_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  const std::vector<int64_t>& dilation_rate() const { return dilation_rate_; }
  // "valid", "same" or "causal" (Conv1D only).
  const std::string& padding() const { return padding_; }
  const std::string& data_format() const { return data_format_; }  // "channels_last" / "channels_first"
  bool channels_first() const { return data_format_ == "channels_first"; }
  int64_t groups() const { return groups_; }
  Activation activation() const { return activation_; }
  bool use_bias() const { return use_bias_; }
  // The input channel count the kernel was built for (0 before build).
  int64_t input_channels() const { return input_channels_; }

 protected:
  using Factory = std::unique_ptr<BaseConv> (*)(BaseLayerConfig base);

  BaseConv(int rank, BaseLayerConfig base) : Layer(base.name), rank_(rank), base_(std::move(base)) {}

  // Conv{rank}D(**config): reads the config in Keras's order with Keras's messages; `make` constructs the
  // subclass from the base arguments.
  static std::unique_ptr<Layer> create(Graph& graph, const Json& config, std::string_view class_name, int rank,
                                       Factory make);

  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  int rank_;
  BaseLayerConfig base_;
  // The values as Keras keeps them (Python ints, bools or floats), for get_config and messages.
  Json filters_json_, groups_json_, kernel_size_json_, strides_json_, dilation_rate_json_, padding_json_,
      use_bias_json_;
  int64_t filters_ = 0;
  int64_t groups_ = 1;
  std::vector<int64_t> kernel_size_, strides_, dilation_rate_;
  std::string padding_;
  std::string data_format_ = "channels_last";
  Activation activation_ = Activation::Linear;
  bool use_bias_ = true;
  SharedJson kernel_initializer_, bias_initializer_, kernel_regularizer_, bias_regularizer_, kernel_constraint_,
      bias_constraint_;
  int64_t input_channels_ = 0;  // the channel count the kernel was built for
  // The channel count build() pinned in the InputSpec. Keras pins it before its checks, so it stays pinned
  // when the first build fails (a later call with other channels then fails the InputSpec check).
  std::optional<int64_t> spec_channels_;
};

}  // namespace inlay::core
