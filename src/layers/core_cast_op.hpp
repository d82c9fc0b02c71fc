// keras.src.ops.core.Cast and ConvertToTensor as op-layers. `ops.cast(x, "int32")` records Cast (config:
// dtype); `ops.convert_to_tensor(x)` records ConvertToTensor (config: dtype, sparse, ragged; Keras writes it
// after an Attention layer whose output mask is used), the identity on a dense tensor. Output: x's shape in
// the target dtype (x's own for ConvertToTensor without a dtype). inlay's runtime holds float32 values: a cast
// to an integer or bool dtype computes TensorFlow's result values (truncation toward zero; x != 0) as float32.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

class CoreCastOp final : public OpLayer {
 public:
  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  // The dtype cast to; nullopt: x's own (ConvertToTensor without a dtype), the identity. Keras standardizes
  // the dtype when the op infers its output (an invalid one is an error of the call): so does this.
  std::optional<DType> target() const;
  Json get_config() const override;

 private:
  CoreCastOp(std::string name, std::string_view module, std::string_view op_name, bool convert)
      : OpLayer(std::move(name), module, op_name), convert_(convert) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

  bool convert_;                 // ConvertToTensor (else Cast)
  Json dtype_, sparse_, ragged_;  // as given
};

}  // namespace inlay::core
