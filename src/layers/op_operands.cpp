#include "layers/op_operands.hpp"

#include "util/error.hpp"

namespace inlay::core {

const KerasTensor& dense_operand(const OpLayer& op, const KerasTensor* t) {
  if (!t->shape().has_rank()) throw Error(Status::Unsupported, "Op '" + op.name() + "' on a tensor of unknown rank");
  if (t->sparse() || t->ragged()) {
    throw Error(Status::Unsupported, "Op '" + op.name() + "' on a sparse or ragged tensor is not supported yet");
  }
  return *t;
}

const KerasTensor& dense_tensor_operand(const OpLayer& op, const OpLayer::Operand& x,
                                        const std::vector<const KerasTensor*>& inputs) {
  if (!x.is_tensor()) {
    throw Error(Status::Unsupported, "Op '" + op.name() + "' on a constant is not supported (no tensor argument)");
  }
  return dense_operand(op, inputs.at(static_cast<std::size_t>(x.tensor)));
}

int64_t canonical_op_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    throw_invalid("axis " + std::to_string(axis) + " is out of bounds for an array with dimension " +
                  std::to_string(rank) + ".");
  }
  return axis < 0 ? axis + rank : axis;
}

}  // namespace inlay::core
