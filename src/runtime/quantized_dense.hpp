// Dense and EinsumDense layers quantized by Keras (layers/quantized_config.hpp), lowered as Keras computes them:
// - int8 (and per-channel int4) with an activation quantizer: each input row quantized to int8 by its abs max,
//   an integer product on oneDNN's int8 matmul (s8 x s8 -> s32), then y = acc / (input_scale * kernel_scale)
//   + bias and the activation (lower_integer_dense);
// - weight-only int8 / int4 (no activation quantizer, or int4 in blocks): the float product with the
//   dequantized kernel (dense_float_kernel) on dense.cpp's float path;
// - float8: inputs and kernel quantize-dequantized through float8_e4m3fn with their scales, the bias rounded
//   through bfloat16 (what Keras's _float8_call computes), on dense.cpp's float path.
#pragma once

#include <vector>

#include "layers/dense.hpp"
#include "layers/einsum_dense.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

// True when the layer multiplies integers (its inputs are quantized): lower it with lower_integer_dense.
bool dense_integer_product(const core::Quantization& quantization);
void lower_integer_dense(PlanBuilder& b, const core::Dense& layer, const Node& node);

// The float (k, units) kernel a weight-only or float8 quantized Dense multiplies its inputs by.
std::vector<float> dense_float_kernel(const core::Dense& layer);
// The bias of a float8 Dense as Keras adds it (rounded through bfloat16 under a float32 policy).
std::vector<float> dense_float8_bias(const core::Dense& layer);
// The inputs of a float8 Dense quantize-dequantized with its inputs_scale (a step over x's plain values).
ValueId dense_float8_inputs(PlanBuilder& b, ValueId x, const core::Dense& layer);

// A quantized EinsumDense's einsum, descale and bias (not its activation) over the plain input x, as Keras's
// _int8_call / _int4_call / _float8_call compute them: int8 multiplies integers (inputs quantized by their abs
// max over the contracted axes when the layer has an activation quantizer) and divides by the scales laid out
// against the output; int4 multiplies by the dequantized kernel (a (contracted, other) matrix reshaped to the
// kernel's shape); float8 by the float8-rounded inputs and kernel. Returns the plain output value.
ValueId lower_quantized_einsum_dense(PlanBuilder& b, const core::EinsumDense& layer, ValueId x,
                                     const core::EinsumAnalysis& a, const std::vector<int64_t>& out_dims);

}  // namespace inlay::runtime
