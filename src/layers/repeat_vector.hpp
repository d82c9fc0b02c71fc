// keras.layers.RepeatVector: (batch, features) -> (batch, n, features), the input repeated n times.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class RepeatVector final : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  static constexpr std::string_view kClassName = "RepeatVector";
  // RepeatVector(n, **kwargs)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  int64_t n() const { return n_; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit RepeatVector(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  int64_t n_ = 1;
};

}  // namespace inlay::core
