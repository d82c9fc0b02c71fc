// The checks op-layers make of their tensor operands, in one place: inlay's op-layers run on dense tensors of
// known rank (Keras's ops also take sparse and ragged tensors, which inlay does not support yet).
#pragma once

#include <vector>

#include "layers/op_layer.hpp"

namespace inlay::core {

// `t`, an operand of `op`, when it is a dense tensor of known rank; Unsupported otherwise.
const KerasTensor& dense_operand(const OpLayer& op, const KerasTensor* t);

// The tensor operand `x` stands for (among the call's `inputs`), checked by dense_operand; Unsupported when
// `x` is a constant (inlay runs ops on tensors only).
const KerasTensor& dense_tensor_operand(const OpLayer& op, const OpLayer::Operand& x,
                                        const std::vector<const KerasTensor*>& inputs);

// backend_utils.canonicalize_axis: `axis` in [-rank, rank) as 0 <= axis < rank, else Keras's ValueError.
int64_t canonical_op_axis(int64_t axis, int64_t rank);

}  // namespace inlay::core
