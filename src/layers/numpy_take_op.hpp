// keras.src.ops.numpy.Take as an op-layer (`ops.take(table, ids, axis=0)`: a lookup written with keras.ops).
// Config: axis (an int, or null: x flattened). The indices are the call's second argument: an integer tensor,
// or a constant (an int or a nested list of ints) kept in the node. Output: x's dims with the axis replaced by
// the indices' dims (Take.compute_output_spec). Negative indices wrap once, as Keras's TensorFlow backend does;
// indices still outside the axis are refused at run time with TensorFlow's message.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"
#include "layers/op_layer.hpp"

namespace inlay::core {

class NumpyTakeOp final : public OpLayer {
 public:
  // The indices of a call: a tensor (its index among the node's inputs) or constant values over dims.
  struct Indices {
    int tensor = -1;
    std::vector<int64_t> dims;    // the constant's shape (np.array(indices).shape)
    std::vector<int64_t> values;  // row-major
  };

  static std::unique_ptr<Layer> from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                               const Json& config);
  // The gathered axis for x of this rank, canonical; nullopt for axis=None (x flattened).
  std::optional<int64_t> axis(int64_t rank) const;
  // The indices argument of a call; Unsupported for anything but a tensor, an int or a rectangular list of ints.
  Indices indices_of(const Call& call) const;
  // Take.compute_output_spec's shape for x's dims and the indices' dims.
  std::vector<int64_t> output_dims(const std::vector<int64_t>& x, const std::vector<int64_t>& indices) const;
  Json get_config() const override;

 private:
  NumpyTakeOp(std::string name, std::string_view module, std::string_view op_name)
      : OpLayer(std::move(name), module, op_name) {}
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  Json axis_;
};

}  // namespace inlay::core
