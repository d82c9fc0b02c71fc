// keras.layers.Softmax: softmax over `axis` (an int, or a list of axes: exp(x - logsumexp(x, axes))). The
// `mask` call argument is not supported: inlay's graphs carry no masks.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Softmax final : public Layer {
 public:
  Json node_kwargs() const override { return {{"mask", nullptr}}; }  // what Keras records per call
  static constexpr std::string_view kClassName = "Softmax";
  // Softmax(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The axes as configured (negative ones count from the end); one entry for an int axis.
  const std::vector<int64_t>& axes() const { return axes_; }

 protected:
  std::vector<InputSpec> input_specs() const override { return {InputSpec{}}; }  // one input of any rank
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Softmax(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json axis_json_ = -1;
  std::vector<int64_t> axes_{-1};
};

}  // namespace inlay::core
