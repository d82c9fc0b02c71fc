// Layers quantized by Keras 3 (`layer.quantize("int8")`, `model.quantize(...)`: Dense, EinsumDense, Embedding)
// carry a "quantization_config" and a quantized dtype policy (a serialized QuantizedDTypePolicy,
// QuantizedFloat8DTypePolicy, Int4DTypePolicy, GPTQDTypePolicy or AWQDTypePolicy, or a name such as
// "int8_from_float32"); their weights are quantized kernels and scales. inlay runs none yet: a layer's reader
// calls this before it reads its dtype, which would otherwise refuse the policy with a generic message.
#pragma once

#include <string_view>

#include "util/json.hpp"

namespace inlay::core {

// Unsupported ("quantized Embedding (dtype policy 'QuantizedDTypePolicy') is not supported yet ...") when the
// layer config is quantized; nothing otherwise.
void refuse_quantized(std::string_view class_name, const Json& config);

}  // namespace inlay::core
