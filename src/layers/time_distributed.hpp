// keras.layers.TimeDistributed(layer): applies `layer` to every temporal slice of an input of rank >= 3
// (axis 1 is time): the inner layer sees (batch, ...) inputs, the output is (batch, steps, ...inner output).
// The config nests the inner layer's serialization (Wrapper.get_config); its weights are the wrapper's
// (Keras's paths "time_distributed/dense/kernel"; in a .keras file under layers/<key>/layer/vars).
// The inner layer lives in the wrapper's graph but is not a layer of any model: each call of the wrapper calls
// it once on a tensor of the child shape (batch dimension None: the runtime runs it on batch * steps rows), so
// the runtime can lower that inner node against a view of the wrapper's input.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class TimeDistributed final : public Layer {
 public:
  static constexpr std::string_view kClassName = "TimeDistributed";
  // TimeDistributed.from_config: the inner layer is deserialized from config["layer"].
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;
  std::vector<SubLayer> sublayers() const override { return {{"layer", inner_}}; }
  // Keras's TimeDistributed.call takes a mask, which Keras records with each call.
  Json node_kwargs() const override { return Json{{"mask", nullptr}}; }

  const Layer& inner() const { return *inner_; }
  // The inner layer's node that a node of this layer runs through.
  const Node& inner_node(const Node& node) const;

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  TimeDistributed(BaseLayerConfig base, Layer* inner) : Layer(base.name), base_(std::move(base)), inner_(inner) {}

  BaseLayerConfig base_;
  Layer* inner_;                          // owned by the graph
  mutable bool weights_renamed_ = false;  // the inner weights' paths carry this layer's name
};

}  // namespace inlay::core
