// The numbers of Keras's quantized layers (layers/quantized_config.hpp), computed as Keras computes them:
// int4 unpacking, weight dequantization (per channel: q / scale; in blocks: (q - zero) * scale), float8
// (e4m3fn) quantize-dequantize, bfloat16 rounding, and the per-row abs-max quantization of inputs
// (keras.quantizers.abs_max_quantize). Shared by the Dense, EinsumDense and Embedding lowerings.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "layers/quantized_config.hpp"

namespace inlay::runtime {

// keras.quantizers.unpack_int4(packed, cols, axis=-1): each byte of `packed` (rows, ceil(cols / 2)), held
// as the float value of an int8, gives two values in [-8, 7]: the low nibble at column 2i, the high one at
// 2i + 1. Result (rows, cols), row-major.
std::vector<float> unpack_int4(std::span<const float> packed, int64_t rows, int64_t cols);

// The integer values of a quantized (rows, cols) weight: int8 as stored, int4 unpacked (along the columns, or
// along the rows for Keras 3.12's int4 Dense kernel).
std::vector<float> integer_values(const core::Quantization& q, std::span<const float> stored, int64_t rows,
                                  int64_t cols);

// q / scale[c] over (rows, cols): the per-output-channel dequantization (Dense's kernel_scale per unit).
std::vector<float> divide_columns(std::span<const float> q, int64_t rows, int64_t cols, std::span<const float> scale);
// q / scale[r]: the per-row dequantization (Embedding's embeddings_scale per id).
std::vector<float> divide_rows(std::span<const float> q, int64_t rows, int64_t cols, std::span<const float> scale);

// keras.quantizers.dequantize_with_sz_map over (rows, cols): (q - zero[g]) * scale[g], the group g of
// element (r, c) being g_idx[r] of a (groups, cols) scale (group_axis 0: Dense's kernel), or g_idx[c] of a
// (rows, groups) scale (group_axis -1: Embedding's table). Throws InvalidArgument naming `layer` for a g_idx
// that is not a group index.
std::vector<float> dequantize_groups(std::span<const float> q, int64_t rows, int64_t cols, std::span<const float> scale,
                                     std::span<const float> zero, std::span<const float> g_idx, int group_axis,
                                     const std::string& layer);

// Round to the nearest float8_e4m3fn value, ties to even (ml_dtypes' cast); NaN stays NaN. |x| <= 448.
float round_to_e4m3fn(float x);
// keras.quantizers.quantize_and_dequantize(x, scale, "float8_e4m3fn"): x / scale clipped to +-448, cast to
// e4m3fn and back, times scale.
float quantize_dequantize_e4m3fn(float x, float scale);
// Round to the nearest bfloat16 value, ties to even (a cast to bfloat16 and back).
float round_to_bfloat16(float x);

// keras.quantizers.abs_max_quantize(x, axis=-1) of one row of n values: scale = max / (max|x| + epsilon),
// q = clip(round_half_even(x * scale), min, max). Writes n int8 values; returns the scale.
float abs_max_quantize_row(const float* x, int64_t n, const core::Quantization& q, std::int8_t* out);

}  // namespace inlay::runtime
