// keras.layers.Reshape: (batch, ...) -> (batch, *target_shape); one target dimension may be -1, inferred
// from the input's size when that is known.
#pragma once

#include <memory>
#include <optional>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Reshape final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Reshape";
  // Reshape(**config): `target_shape` is required.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // target_shape as Keras reads it: an int per dimension (-1: inferred), nullopt where the entry is not an
  // int (Keras treats those as dynamic, None).
  const std::vector<std::optional<int64_t>>& target_shape() const { return target_shape_; }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  explicit Reshape(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  Json target_json_;  // tuple(target_shape) as given (a JSON list)
  std::vector<std::optional<int64_t>> target_shape_;
};

}  // namespace inlay::core
