// keras.layers BasePooling and BaseGlobalPooling (keras/src/layers/pooling/base_pooling.py,
// base_global_pooling.py): the windowed max / average pooling behind MaxPooling{1,2}D and
// AveragePooling{1,2}D, and the global pooling behind GlobalAveragePooling{1,2}D / GlobalMaxPooling2D.
// No weights. The subclasses only give the number of pooled dimensions, the mode and the class name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

enum class PoolMode { Max, Average };

class BasePooling : public Layer {
 public:
  Json get_config() const override;

  // What the runtime needs. The tuples have `pool_dimensions()` entries.
  int pool_dimensions() const { return dims_; }
  PoolMode pool_mode() const { return mode_; }
  const std::vector<int64_t>& pool_size() const { return pool_size_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  // "valid" or "same" (Keras keeps the value as given and rejects others when the layer is called).
  const std::string& padding() const { return padding_; }
  const std::string& data_format() const { return data_format_; }
  bool channels_first() const { return data_format_ == "channels_first"; }

 protected:
  using Factory = std::unique_ptr<BasePooling> (*)(BaseLayerConfig base);

  BasePooling(int pool_dimensions, PoolMode mode, BaseLayerConfig base)
      : Layer(base.name), dims_(pool_dimensions), mode_(mode), base_(std::move(base)) {}

  // {Max,Average}Pooling{N}D(**config). `default_pool_size` null: pool_size is a required argument.
  static std::unique_ptr<Layer> create(Graph& graph, const Json& config, std::string_view class_name,
                                       int pool_dimensions, const Json& default_pool_size, Factory make);

  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  int dims_;
  PoolMode mode_;
  BaseLayerConfig base_;
  Json pool_size_json_, strides_json_, padding_json_;  // as Keras keeps them
  std::vector<int64_t> pool_size_, strides_;
  std::string padding_;
  std::string data_format_ = "channels_last";
};

class BaseGlobalPooling : public Layer {
 public:
  Json get_config() const override;

  int pool_dimensions() const { return dims_; }
  PoolMode pool_mode() const { return mode_; }
  const std::string& data_format() const { return data_format_; }
  bool channels_first() const { return data_format_ == "channels_first"; }
  bool keepdims() const { return keepdims_; }

 protected:
  using Factory = std::unique_ptr<BaseGlobalPooling> (*)(BaseLayerConfig base);

  BaseGlobalPooling(int pool_dimensions, PoolMode mode, BaseLayerConfig base)
      : Layer(base.name), dims_(pool_dimensions), mode_(mode), base_(std::move(base)) {}

  // Global{Max,Average}Pooling{N}D(**config).
  static std::unique_ptr<Layer> create(Graph& graph, const Json& config, std::string_view class_name, Factory make);

  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  int dims_;
  PoolMode mode_;
  BaseLayerConfig base_;
  std::string data_format_ = "channels_last";
  Json keepdims_json_ = false;  // as given (Keras keeps it as is and tests its truth)
  bool keepdims_ = false;
};

}  // namespace inlay::core
