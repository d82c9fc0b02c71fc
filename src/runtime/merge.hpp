// The elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum: Keras's Merge subclasses) share
// one lowering: Keras's broadcasting (an input of lower rank gets axes of size 1 inserted after the batch
// axis, then numpy's rule) on oneDNN binary primitives, whose second source broadcasts along its axes of
// size 1. Inputs of one shape that Add / Average sum keep oneDNN's sum primitive.
#pragma once

#include <string>

#include "runtime/lowerings.hpp"

namespace inlay::runtime {

enum class MergeOp { Add, Subtract, Multiply, Average, Maximum, Minimum };

// Lowers node (the call of an elementwise merge layer named `layer`) as `op` over its inputs, in order.
void lower_elementwise_merge(PlanBuilder& b, const Node& node, MergeOp op, const std::string& layer);

// The concatenation of plain values (one rank, equal dims but on `axis`) along `axis`, on oneDNN's concat
// primitive (a tree of them past its source limit); returns the value written.
ValueId concat_values(PlanBuilder& b, const std::vector<ValueId>& xs, int axis, const std::string& layer);

}  // namespace inlay::runtime
