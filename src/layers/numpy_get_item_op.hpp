// keras.src.ops.numpy.GetItem as an op-layer: `x[:, 0]` (a transformer's CLS token), `x[:, 1:3]`,
// `x[..., -1]`, `x[:, None]`. The key is the call's second argument, serialized as a list of ints, slices
// ({"class_name": "__slice__", ...}), Ellipsis ({"class_name": "__ellipsis__"}) and None (numpy.newaxis).
// Tensors inside keys are not supported.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

class NumpyGetItemOp final : public OpLayer {
 public:
  // One element of a key.
  struct Sub {
    enum class Kind { Index, Slice, NewAxis, Ellipsis } kind = Kind::Index;
    int64_t index = 0;                          // Index
    std::optional<int64_t> start, stop, step;   // Slice
  };
  // How the output reads one input axis: elements start, start + step, ... (count of them); `kept` is false
  // for an axis an integer index removes.
  struct AxisRead {
    int64_t start = 0, step = 1, count = 0;
    bool kept = true;
  };
  struct Plan {
    std::vector<AxisRead> axes;     // one per input axis
    std::vector<int64_t> out_dims;  // the Keras output dims (new axes included)
  };

  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  // The key of a call, parsed (Unsupported for tensors and anything else Keras would not slice with).
  std::vector<Sub> key_of(const Call& call) const;
  // GetItem.compute_output_spec's walk over the key for input dims (kNoneDim where unknown); at run time,
  // with concrete dims, it also says which elements each axis reads (Python's slice.indices).
  Plan plan(const std::vector<int64_t>& in, const std::vector<Sub>& key, const Json& key_json) const;

 private:
  NumpyGetItemOp(std::string name, std::string_view module, std::string_view op_name)
      : OpLayer(std::move(name), module, op_name) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;
  const Json& key_json(const Call& call) const;
};

}  // namespace inlay::core
