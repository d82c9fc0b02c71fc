// keras.src.ops.numpy.Cumsum as an op-layer (`ops.cumsum(ops.ones_like(tokens), axis=1) - 1`: the positions of a
// sequence model's position embedding). Config: axis (an int; null, the flattened cumulative sum, is not
// supported), dtype (null: the input's). Output: the input's shape.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

class NumpyCumsumOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  // The summed axis for an input of this rank, canonical (0 <= axis < rank).
  int64_t axis(int64_t rank) const;
  Json get_config() const override;

 private:
  NumpyCumsumOp(std::string name, std::string_view module, std::string_view op_name)
      : OpLayer(std::move(name), module, op_name) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  Json axis_;
  Json dtype_;
};

}  // namespace inlay::core
