// keras.layers.Concatenate: joins a list of inputs along `axis`; every other axis must match (None
// matches anything).
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "layers/merge_base.hpp"

namespace inlay::core {

class Concatenate final : public Merge {
 public:
  static constexpr std::string_view kClassName = "Concatenate";
  // Concatenate(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The axis as configured (may be negative). Keras accepts any value here and fails when the layer is
  // called if it is not an int.
  int64_t axis() const;

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Concatenate(BaseLayerConfig base) : Merge(std::move(base)) {}

  // Raises what Python raises when the configured axis is used as an index and is not an int.
  void check_int_axis() const;

  Json axis_ = -1;
};

}  // namespace inlay::core
