// The output shape of a custom layer whose call() is one broadcasting TensorFlow op (LayerScale's
// x * gamma, CustomScaleLayer's inputs[0] + inputs[1] * scale), with the error Keras gives when the shapes do
// not broadcast: Keras 3 infers such a layer's output by tracing call() in a TensorFlow graph, so the message
// is TensorFlow's shape-function error wrapped in Keras's "Could not automatically infer" text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inlay::core {

// TensorFlow's BroadcastBinaryOpOutputShapeFn over x and y (kNoneDim for unknown dims). `node` is the
// traced node as TensorFlow prints it, e.g. "mul}} = Mul[T=DT_FLOAT](Placeholder, mul/ReadVariableOp" goes
// between "'{{node " and ")'"; `layer` and `class_name` name the layer in Keras's wrapper text.
std::vector<int64_t> traced_broadcast(const std::vector<int64_t>& x, const std::vector<int64_t>& y,
                                      std::string_view node, std::string_view layer, std::string_view class_name);

}  // namespace inlay::core
