// keras.layers.Rescaling: x * scale + offset (preprocessing, e.g. 1/255). scale and offset are numbers or
// arrays (nested lists, or serialized numpy arrays) broadcast against the input's trailing axes as numpy
// does. The shape is unchanged.
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

// A number or a rectangular array of numbers read from a config value.
struct NumericArray {
  std::vector<int64_t> shape;  // empty for a scalar
  std::vector<float> values;   // row-major
};

// The value Keras casts to a tensor: a number, a bool, nested lists of them, or a serialized numpy array
// ({"class_name": "__numpy__", "config": {"value": ...}}). False (with `why`) for anything else.
bool read_numeric_array(const Json& value, NumericArray& out, std::string& why);

class Rescaling final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Rescaling";
  // Rescaling(**config): `scale` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The config values as Keras keeps them (numbers, lists, serialized arrays; only checked when run).
  const Json& scale() const { return scale_; }
  const Json& offset() const { return offset_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  // Keras records its build shape (a DataLayer is built on its first call).
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Rescaling(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json scale_, offset_ = 0.0;
};

}  // namespace inlay::core
