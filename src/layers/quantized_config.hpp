// Layers quantized by Keras 3 (`layer.quantize(mode)`, `model.quantize(mode)`: Dense, EinsumDense, Embedding)
// carry a quantized dtype policy (a serialized QuantizedDTypePolicy, QuantizedFloat8DTypePolicy or
// Int4DTypePolicy, or a name such as "int8_from_float32") and, since Keras 3.12, a "quantization_config"; their
// weights are the quantized kernel and its scales. This is where such a config is read: what the layer computes
// (Keras's quantized math, src/runtime/quantized_*.cpp) depends only on what is read here and on the weights.
// GPTQ and AWQ policies are refused (INLAY_UNSUPPORTED naming the layer and policy).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "types/shape.hpp"
#include "util/json.hpp"

namespace inlay::core {

enum class QuantizationMode { None, Int8, Int4, Float8 };

struct Quantization {
  QuantizationMode mode = QuantizationMode::None;
  Json policy;               // the layer's "dtype" as the file gave it (written back unchanged)
  std::string source_dtype;  // the float policy it was quantized from ("float32"): the compute dtype

  // int8 / int4: Keras's activation quantizer (an AbsMaxQuantizer) quantizes the inputs to integers
  // per row before the integer product; absent, only the weights are quantized (the product is float).
  bool quantizes_inputs = false;
  float input_min = -127.f, input_max = 127.f;  // AbsMaxQuantizer value_range
  float input_epsilon = 1e-7f;                  // AbsMaxQuantizer epsilon (Keras's backend.epsilon())

  // int4: -1 quantizes per output channel (symmetric); a positive block size quantizes groups of that many
  // input rows with a zero point each (weights kernel_zero and g_idx).
  int64_t block_size = -1;
  // Keras 3.12's int4 Dense (no quantization_config, mode "int4"): the kernel is packed along its input axis,
  // ((inputs + 1) / 2, units), the low nibble holding the even input row; its inputs are quantized.
  bool int4_packed_along_inputs = false;

  // float8: the length of the amax histories (weights only; inference reads the scales).
  int64_t amax_history_length = 1024;

  bool quantized() const { return mode != QuantizationMode::None; }
  bool sub_channel() const { return mode == QuantizationMode::Int4 && block_size > 0; }
};

// Reads the quantization of a `class_name` layer config: its "dtype" policy and "quantization_config".
// Not quantized when the policy is a float one. Throws Unsupported for GPTQ / AWQ and modes the class does
// not have in Keras (Embedding has no float8), InvalidArgument for a malformed policy or config.
Quantization read_quantization(std::string_view class_name, const Json& config);

// The config with "dtype" replaced by the quantization's source policy, for the float reader of the layer's
// other keys (the config itself when not quantized).
Json with_source_dtype(const Json& config, const Quantization& quantization);

// A variable Keras adds to a quantized layer: name, shape, trainability, bits when not float32 (summary bytes).
struct QuantizedVariable {
  std::string name;
  Shape shape;
  bool trainable = false;
  int keras_bits = 0;
};
// The scales of an int4 kernel of (rows, columns) after its kernel and bias: kernel_scale (columns) per channel,
// or (groups of `block` rows, columns) with kernel_zero and g_idx (rows) in blocks (Dense, EinsumDense).
std::vector<QuantizedVariable> int4_scale_variables(int64_t rows, int64_t columns, int64_t block);
// The float8 variables after the kernel and bias: the scale and amax history of the inputs, the kernel and the
// outputs' gradients (Dense, EinsumDense).
std::vector<QuantizedVariable> float8_variables(int64_t history_length);

// A layer's "quantization_config" as Keras's get_config gives it back after loading (without the
// "shared_object_id" keys of a saved file).
Json quantization_config_as_keras_gives_it(Json config);

// "int8", "int4", "float8" ("" when not quantized).
std::string_view quantization_mode_name(QuantizationMode mode);

}  // namespace inlay::core
