#include "runtime/quantized_weights.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "util/error.hpp"

namespace inlay::runtime {

std::vector<float> unpack_int4(std::span<const float> packed, int64_t rows, int64_t cols) {
  const int64_t packed_cols = (cols + 1) / 2;
  std::vector<float> out(static_cast<std::size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      // The byte as Keras stores it (int8), its nibble as an unsigned 0..15, then (x ^ 8) - 8.
      const int byte = static_cast<int>(packed[static_cast<std::size_t>(r * packed_cols + c / 2)]) & 0xFF;
      const int nibble = (c % 2 == 0 ? byte : byte >> 4) & 0x0F;
      out[static_cast<std::size_t>(r * cols + c)] = static_cast<float>((nibble ^ 8) - 8);
    }
  }
  return out;
}

std::vector<float> integer_values(const core::Quantization& q, std::span<const float> stored, int64_t rows,
                                  int64_t cols) {
  if (q.mode != core::QuantizationMode::Int4) return {stored.begin(), stored.end()};
  if (!q.int4_packed_along_inputs) return unpack_int4(stored, rows, cols);
  // Keras 3.12's pack_int4(axis=0): byte (r / 2, c) holds row r in its low nibble when r is even.
  std::vector<float> out(static_cast<std::size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const int byte = static_cast<int>(stored[static_cast<std::size_t>((r / 2) * cols + c)]) & 0xFF;
      const int nibble = (r % 2 == 0 ? byte : byte >> 4) & 0x0F;
      out[static_cast<std::size_t>(r * cols + c)] = static_cast<float>((nibble ^ 8) - 8);
    }
  }
  return out;
}

std::vector<float> divide_columns(std::span<const float> q, int64_t rows, int64_t cols, std::span<const float> scale) {
  std::vector<float> out(q.begin(), q.end());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) out[static_cast<std::size_t>(r * cols + c)] /= scale[static_cast<std::size_t>(c)];
  }
  return out;
}

std::vector<float> divide_rows(std::span<const float> q, int64_t rows, int64_t cols, std::span<const float> scale) {
  std::vector<float> out(q.begin(), q.end());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) out[static_cast<std::size_t>(r * cols + c)] /= scale[static_cast<std::size_t>(r)];
  }
  return out;
}

std::vector<float> dequantize_groups(std::span<const float> q, int64_t rows, int64_t cols, std::span<const float> scale,
                                     std::span<const float> zero, std::span<const float> g_idx, int group_axis,
                                     const std::string& layer) {
  const int64_t groups = static_cast<int64_t>(scale.size()) / (group_axis == 0 ? cols : rows);
  // ops.cast(g_idx, "int32") truncates; a group index must name one of the scale's groups.
  std::vector<int64_t> group(g_idx.size());
  for (std::size_t i = 0; i < g_idx.size(); ++i) {
    const float g = g_idx[i];
    if (!(g > -1.f && g < static_cast<float>(groups))) {
      throw core::Error(core::Status::InvalidArgument,
                        "Layer '" + layer + "': g_idx[" + std::to_string(i) + "] = " + std::to_string(g) +
                            " is not a group index in [0, " + std::to_string(groups) + ")");
    }
    group[i] = static_cast<int64_t>(g);
  }
  std::vector<float> out(static_cast<std::size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const std::size_t at = group_axis == 0 ? static_cast<std::size_t>(group[static_cast<std::size_t>(r)] * cols + c)
                                             : static_cast<std::size_t>(r * groups + group[static_cast<std::size_t>(c)]);
      const std::size_t i = static_cast<std::size_t>(r * cols + c);
      out[i] = (q[i] - zero[at]) * scale[at];
    }
  }
  return out;
}

float round_to_e4m3fn(float x) {
  if (std::isnan(x)) return x;
  const float a = std::fabs(x);
  float r;
  if (a < 0.015625f) {
    // Below the smallest normal (2^-6): subnormals are multiples of 2^-9 (a * 512 is exact).
    r = std::nearbyint(a * 512.f) / 512.f;
  } else {
    // Three mantissa bits: round the 20 dropped bits of the float32 mantissa, ties to even.
    std::uint32_t bits;
    std::memcpy(&bits, &a, sizeof bits);
    bits += 0x7FFFFu + ((bits >> 20) & 1u);
    bits &= ~0xFFFFFu;
    std::memcpy(&r, &bits, sizeof r);
  }
  return std::copysign(r, x);
}

float quantize_dequantize_e4m3fn(float x, float scale) {
  const float v = x / scale;
  if (std::isnan(v)) return v;
  return round_to_e4m3fn(std::clamp(v, -448.f, 448.f)) * scale;
}

float round_to_bfloat16(float x) {
  if (std::isnan(x)) return x;
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  bits &= 0xFFFF0000u;
  float r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}

float abs_max_quantize_row(const float* x, int64_t n, const core::Quantization& q, std::int8_t* out) {
  float amax = 0.f;
  for (int64_t i = 0; i < n; ++i) amax = std::max(amax, std::fabs(x[i]));
  // float32 arithmetic as in Keras: value_range[1] / (max + epsilon), then x * scale, round half to even.
  const float scale = q.input_max / (amax + q.input_epsilon);
  for (int64_t i = 0; i < n; ++i) {
    const float v = std::nearbyint(x[i] * scale);
    // NaN (a NaN or infinite row) casts to 0, as TensorFlow's cast does on x86.
    out[i] = std::isnan(v) ? 0 : static_cast<std::int8_t>(std::clamp(v, q.input_min, q.input_max));
  }
  return scale;
}

}  // namespace inlay::runtime
