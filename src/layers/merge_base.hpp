// keras.layers.Merge (merging/base_merge.py): the base of the layers that combine a list of inputs
// elementwise (Add, ...). It checks the list and the batch sizes when the layer is built, and infers the
// output shape with Keras's broadcasting rule (trailing axes, 1 broadcasts, None wins).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Merge : public Layer {
 public:
  Json get_config() const override { return base_.to_json(); }

 protected:
  explicit Merge(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  // Merge.build: a list of inputs, at most one known batch size, broadcast-compatible shapes.
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  // Merge.compute_output_spec: the broadcast shape with the known batch size, the compute dtype, sparse
  // when every input is.
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  // The inference itself; compute_output_specs wraps its errors as Keras's call errors.
  virtual std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  const BaseLayerConfig& base() const { return base_; }

  // The shapes of the inputs (an unknown rank raises Keras's "Undefined shapes are not supported.").
  static std::vector<std::vector<int64_t>> input_shapes(const std::vector<const KerasTensor*>& inputs);
  // Python's repr of a list of shape tuples: "[(None, 4), (None, 3, 4)]".
  static std::string shapes_repr(const std::vector<std::vector<int64_t>>& shapes);
  // Merge._compute_elemwise_op_output_shape on the non-batch parts of two shapes.
  static std::vector<int64_t> elementwise_shape(const std::vector<int64_t>& shape1, const std::vector<int64_t>& shape2);
  // Whether the call is Keras's call on a single tensor rather than on a list: inlay receives every call as
  // a list, and one input is taken as a single tensor (as it is for every other layer).
  static bool single_tensor(const std::vector<const KerasTensor*>& inputs) { return inputs.size() == 1; }
  // What compute_output_spec raises for a call that is not on a list of tensors (reached once the layer
  // is built: build() rejects these first).
  static void check_list_call(const std::vector<const KerasTensor*>& inputs);

 private:
  BaseLayerConfig base_;
};

}  // namespace inlay::core
