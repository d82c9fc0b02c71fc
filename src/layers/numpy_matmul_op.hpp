// keras.src.ops.numpy.Matmul as an op-layer (`ops.matmul(q, ops.transpose(k, (0, 2, 1)))`: attention scores
// written with keras.ops). No config of its own. Numpy's matmul: the last two axes are matrices, the leading
// ones broadcast (operation_utils.compute_matmul_output_shape); a 1-D operand is a row (x1) or a column (x2)
// vector whose axis is dropped from the output.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

class NumpyMatmulOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  // compute_matmul_output_shape over dims (kNoneDim where unknown), with Keras's messages: the build-time rule
  // and the run-time check of concrete dims alike.
  static std::vector<int64_t> output_dims(const std::vector<int64_t>& x1, const std::vector<int64_t>& x2);

 private:
  NumpyMatmulOp(std::string name, std::string_view module, std::string_view op_name)
      : OpLayer(std::move(name), module, op_name) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;
};

}  // namespace inlay::core
