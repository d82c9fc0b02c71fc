// keras.layers.PReLU: x for x > 0, alpha * x otherwise, with a learned alpha per input element except along
// shared_axes (where one alpha is shared). Weight: alpha, of the input's shape without the batch axis and
// with 1 on the shared axes.
#pragma once

#include <memory>
#include <optional>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class PReLU final : public Layer {
 public:
  static constexpr std::string_view kClassName = "PReLU";
  // PReLU(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // alpha's shape (set by build): the input's shape without the batch axis, 1 on shared axes.
  const std::vector<int64_t>& alpha_shape() const { return alpha_shape_; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit PReLU(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  SharedJson alpha_initializer_, alpha_regularizer_, alpha_constraint_;
  std::optional<std::vector<int64_t>> shared_axes_;
  std::vector<int64_t> alpha_shape_;
  int input_rank_ = 0;
  std::vector<int64_t> input_dims_;  // the build input's shape (for the input spec of unshared axes)
};

}  // namespace inlay::core
