#include "runtime/quantized_dense.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/einsum.hpp"
#include "runtime/elementwise_steps.hpp"
#include "runtime/quantized_weights.hpp"

namespace inlay::runtime {

using dnnl::memory;
using core::QuantizationMode;

bool dense_integer_product(const core::Quantization& q) {
  return q.quantizes_inputs && (q.mode == QuantizationMode::Int8 || (q.mode == QuantizationMode::Int4 && !q.sub_channel()));
}

std::vector<float> dense_float_kernel(const core::Dense& layer) {
  const core::Quantization& q = layer.quantization();
  const std::span<const float> stored = weight_values(layer, "kernel");
  const int64_t units = layer.units();
  const int64_t k = layer.input_dim();
  switch (q.mode) {
    case QuantizationMode::Float8: {
      const float scale = weight_values(layer, "kernel_scale")[0];
      std::vector<float> out(stored.begin(), stored.end());
      for (float& v : out) v = quantize_dequantize_e4m3fn(v, scale);
      return out;
    }
    case QuantizationMode::Int8:
    case QuantizationMode::Int4: {
      const std::vector<float> ints = integer_values(q, stored, k, units);
      const std::span<const float> scale = weight_values(layer, "kernel_scale");
      if (!q.sub_channel()) return divide_columns(ints, k, units, scale);
      return dequantize_groups(ints, k, units, scale, weight_values(layer, "kernel_zero"), weight_values(layer, "g_idx"),
                               0, layer.name());
    }
    case QuantizationMode::None: break;
  }
  return {stored.begin(), stored.end()};
}

std::vector<float> dense_float8_bias(const core::Dense& layer) {
  const std::span<const float> bias = weight_values(layer, "bias");
  std::vector<float> out(bias.begin(), bias.end());
  // Keras casts a float32 bias to bfloat16 and back "to get the biasAdd fusion" (Dense._float8_call).
  if (layer.quantization().source_dtype == "float32") {
    for (float& v : out) v = round_to_bfloat16(v);
  }
  return out;
}

ValueId dense_float8_inputs(PlanBuilder& b, ValueId x, const core::Dense& layer) {
  const float scale = weight_values(layer, "inputs_scale")[0];
  return scalar_step(b, x, [scale](float v) { return quantize_dequantize_e4m3fn(v, scale); }, layer.name());
}

namespace {

// acc (rows, units) int32 -> y = acc / (row_scale * kernel_scale) + bias, in Keras's order of operations.
struct Descale {
  ValueId acc, row_scale, out;
  int64_t rows, units;
  std::shared_ptr<const std::vector<float>> kernel_scale, bias;  // bias empty: none

  void operator()(const RunContext& c) const {
    const auto* a = static_cast<const std::int32_t*>(c.data(acc));
    const float* sx = c.f32(row_scale);
    float* y = c.f32(out);
    for (int64_t m = 0; m < rows; ++m) {
      for (int64_t n = 0; n < units; ++n) {
        float v = static_cast<float>(a[m * units + n]) / ((*kernel_scale)[static_cast<std::size_t>(n)] * sx[m]);
        if (!bias->empty()) v += (*bias)[static_cast<std::size_t>(n)];
        y[m * units + n] = v;
      }
    }
  }
};

bool cpu_has_vnni() {
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  const auto has = [isa](dnnl::cpu_isa want) { return (isa & static_cast<unsigned>(want)) == static_cast<unsigned>(want); };
  return has(dnnl::cpu_isa::avx512_core_vnni) || has(dnnl::cpu_isa::avx2_vnni);
}

// The exact int32 product xq (rows, k) s8 x kernel (k, units) of integer values, as TensorFlow's int8 matmul
// computes it. With VNNI, oneDNN's s8 matmul. Without (AVX2, AVX-512 before Cascade Lake), oneDNN multiplies
// s8 pairs with vpmaddubsw, which saturates their 16-bit sums: measured on an AVX2 EPYC, outputs 20% off
// Keras's. There the product runs as float32 matmuls over slices of at most 1024 columns, each exact (integer
// sums of at most 1024 * 128 * 128 = 2^24), and the slices are added as integers.
ValueId integer_product(PlanBuilder& b, ValueId xq, int64_t rows, int64_t k, int64_t units,
                        const std::vector<float>& kernel, const std::string& name) {
  const memory::desc xq_md({rows, k}, memory::data_type::s8, memory::format_tag::ab);
  const memory::desc acc_md({rows, units}, memory::data_type::s32, memory::format_tag::ab);
  const ValueId acc = b.add_value({rows, units}, acc_md, false, false);
  if (cpu_has_vnni()) {
    const memory::desc weights_any({k, units}, memory::data_type::s8, memory::format_tag::any);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(xq_md, weights_any, acc_md), b.attributes(), b.engine());
    const memory::desc kernel_md({k, units}, memory::data_type::f32, memory::format_tag::ab);
    b.add_primitive(name, dnnl::matmul(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC, xq, xq_md}, {DNNL_ARG_DST, acc, acc_md}},
                    {{DNNL_ARG_WEIGHTS, b.constant(kernel_md, kernel.data(), pd.weights_desc())}});
    return acc;
  }
  constexpr int64_t kExactColumns = 1024;
  std::vector<ValueId> slices;
  for (int64_t c0 = 0; c0 < k; c0 += kExactColumns) {
    const int64_t kc = std::min(kExactColumns, k - c0);
    // The slice's columns as float32 (exact), contiguous: a reorder reads the s8 sub-matrix in place.
    const memory::desc src = plain_md({rows, kc});
    const ValueId xf = b.reorder(xq, xq_md.submemory_desc({rows, kc}, {0, c0}), src, {rows, kc}, false, false, name);
    const memory::desc weights_any({kc, units}, memory::data_type::f32, memory::format_tag::any);
    const memory::desc dst = plain_md({rows, units});
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights_any, dst), b.attributes(), b.engine());
    const memory::desc slice_md({kc, units}, memory::data_type::f32, memory::format_tag::ab);
    const ValueId out = b.add_plain({rows, units});
    b.add_primitive(name, dnnl::matmul(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC, xf, src}, {DNNL_ARG_DST, out, dst}},
                    {{DNNL_ARG_WEIGHTS, b.constant(slice_md, kernel.data() + c0 * units, pd.weights_desc())}});
    slices.push_back(out);
  }
  const int64_t n = rows * units;
  b.add_custom(
      name,
      [slices, acc, n](const RunContext& c) {
        auto* a = static_cast<std::int32_t*>(c.data(acc));
        for (int64_t i = 0; i < n; ++i) {
          int64_t sum = 0;
          for (ValueId s : slices) sum += static_cast<int64_t>(c.f32(s)[i]);
          a[i] = static_cast<std::int32_t>(sum);  // TensorFlow's int32 accumulator
        }
      },
      slices, {acc});
  return acc;
}

}  // namespace

void lower_integer_dense(PlanBuilder& b, const core::Dense& layer, const Node& node) {
  const std::string& name = layer.name();
  const core::Quantization& quant = layer.quantization();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in_dims = b.dims(x);
  const int64_t k = in_dims.back(), units = layer.units();
  const int64_t rows = product(in_dims, 0, in_dims.size() - 1);
  std::vector<int64_t> out_dims = in_dims;
  out_dims.back() = units;
  b.check_dims(node.outputs[0], out_dims, name);

  auto bias = std::make_shared<std::vector<float>>();
  if (layer.use_bias()) {
    const std::span<const float> values = weight_values(layer, "bias");
    bias->assign(values.begin(), values.end());
  }
  if (k == 0 || rows == 0) {  // no product to compute (oneDNN makes no primitive for an empty one)
    lower_bias_only(b, x, out_dims, static_cast<int>(out_dims.size()) - 1, *bias, layer.activation(), b.fusion(node),
                    name);
    return;
  }
  const std::span<const float> scale_values = weight_values(layer, "kernel_scale");
  auto kernel_scale = std::make_shared<const std::vector<float>>(scale_values.begin(), scale_values.end());
  const std::vector<float> kernel = integer_values(quant, weight_values(layer, "kernel"), k, units);

  // Each row of x quantized to int8 by its own abs max (Keras's inputs_quantizer on axis -1).
  const memory::desc xq_md({rows, k}, memory::data_type::s8, memory::format_tag::ab);
  const ValueId xq = b.add_value({rows, k}, xq_md, false, false);
  const ValueId row_scale = b.add_plain({rows});
  b.add_custom(
      name,
      [x, xq, row_scale, rows, k, quant](const RunContext& c) {
        const float* in = c.f32(x);
        auto* q = static_cast<std::int8_t*>(c.data(xq));
        float* s = c.f32(row_scale);
        for (int64_t m = 0; m < rows; ++m) s[m] = abs_max_quantize_row(in + m * k, k, quant, q + m * k);
      },
      {x}, {xq, row_scale});

  // The integer product: exact int32 sums, as TensorFlow's int8 matmul computes them.
  const ValueId acc = integer_product(b, xq, rows, k, units, kernel, name);

  ValueId out = b.add_plain(out_dims);
  b.add_custom(name, Descale{acc, row_scale, out, rows, units, kernel_scale, bias}, {acc, row_scale}, {out});
  out = apply_activation(b, out, layer.activation(), name);
  b.set_output(node.outputs[0], out);
}

namespace {

// Where each output element's scale (or bias) lives in a buffer laid out as `view` (dims, strides; numpy
// broadcasting against the output's trailing axes): the stride to step per output axis (0 where broadcast).
std::vector<int64_t> broadcast_strides(const core::StridedDims& view, const std::vector<int64_t>& out_dims,
                                       const std::string& layer, const char* what) {
  const std::size_t rank = out_dims.size(), r = view.dims.size();
  if (r > rank) throw_unsupported(layer, std::string("a ") + what + " of more axes than the output");
  std::vector<int64_t> strides(rank, 0);
  for (std::size_t i = 0; i < r; ++i) {
    const std::size_t d = rank - r + i;
    if (view.dims[i] != 1 && view.dims[i] != out_dims[d]) {
      throw core::Error(core::Status::ShapeMismatch, "Layer '" + layer + "': its " + what + " of shape " +
                                                         core::Shape(view.dims).to_tuple_string() +
                                                         " does not broadcast against the output " +
                                                         core::Shape(out_dims).to_tuple_string());
    }
    strides[d] = view.dims[i] == 1 ? 0 : view.strides[i];
  }
  return strides;
}

// Row-major strides over dims (0 on axes of size 1).
core::StridedDims row_major(const std::vector<int64_t>& dims) {
  core::StridedDims view{dims, std::vector<int64_t>(dims.size(), 0)};
  int64_t stride = 1;
  for (std::size_t i = dims.size(); i-- > 0;) {
    view.strides[i] = dims[i] == 1 ? 0 : stride;
    stride *= dims[i];
  }
  return view;
}

// A walk over a row-major tensor of `dims` that keeps, for each strided operand, the offset of the current
// element (odometer: no division per element). The odometer lives in fixed arrays so that a run allocates
// nothing (a warm predict makes no allocation); the rank and operand count are checked when the plan is built.
class StridedWalk {
 public:
  static constexpr std::size_t kMaxRank = 16;
  static constexpr std::size_t kMaxOperands = 3;
  using Offsets = std::array<int64_t, kMaxOperands>;

  StridedWalk(std::vector<int64_t> dims, std::vector<std::vector<int64_t>> strides, const std::string& layer)
      : dims_(std::move(dims)), strides_(std::move(strides)) {
    if (dims_.size() > kMaxRank || strides_.size() > kMaxOperands) {
      throw core::Error(core::Status::Unsupported, "Layer '" + layer + "': a quantized einsum over " +
                                                       std::to_string(dims_.size()) + " axes (at most " +
                                                       std::to_string(kMaxRank) + " are supported)");
    }
  }

  template <typename F>
  void run(F&& visit) const {
    int64_t count = 1;
    for (int64_t d : dims_) count *= d;
    std::array<int64_t, kMaxRank> index{};
    Offsets offset{};
    for (int64_t flat = 0; flat < count; ++flat) {
      visit(flat, offset);
      for (std::size_t d = dims_.size(); d-- > 0;) {
        for (std::size_t k = 0; k < strides_.size(); ++k) offset[k] += strides_[k][d];
        if (++index[d] < dims_[d]) break;
        for (std::size_t k = 0; k < strides_.size(); ++k) offset[k] -= strides_[k][d] * dims_[d];
        index[d] = 0;
      }
    }
  }

 private:
  std::vector<int64_t> dims_;
  std::vector<std::vector<int64_t>> strides_;  // per operand, per axis
};

// The inputs' quantization over the contracted axes (Keras's inputs_quantizer(inputs, axis=reduced axes)):
// q = clip(round(x * scale)) as float values of x's dims, and the scales, one per slot of x with the reduced
// axes collapsed (row-major).
struct QuantizedInputs {
  ValueId q, scale;
};

QuantizedInputs quantize_inputs(PlanBuilder& b, ValueId x, const core::ScaleLayout& layout,
                                const core::Quantization& quant, const std::string& layer) {
  const std::vector<int64_t> dims = b.dims(x);
  std::vector<int64_t> slot_dims = dims;
  for (int r : layout.reduced) slot_dims[static_cast<std::size_t>(r)] = 1;
  const StridedWalk walk(dims, {row_major(slot_dims).strides}, layer);
  const ValueId q = b.add_plain(dims);
  const int64_t slots = product(slot_dims, 0, slot_dims.size());
  const ValueId scale = b.add_plain({slots});
  b.add_custom(
      layer,
      [x, q, scale, slots, walk, quant](const RunContext& c) {
        const float* in = c.f32(x);
        float* out = c.f32(q);
        float* s = c.f32(scale);
        std::fill(s, s + slots, 0.f);
        walk.run([&](int64_t i, const StridedWalk::Offsets& at) { s[at[0]] = std::max(s[at[0]], std::fabs(in[i])); });
        for (int64_t k = 0; k < slots; ++k) s[k] = quant.input_max / (s[k] + quant.input_epsilon);
        walk.run([&](int64_t i, const StridedWalk::Offsets& at) {
          const float v = std::nearbyint(in[i] * s[at[0]]);
          out[i] = std::isnan(v) ? 0.f : std::clamp(v, quant.input_min, quant.input_max);
        });
      },
      {x}, {q, scale});
  return {q, scale};
}

// y / (input_scale * kernel_scale) + bias over the output, each broadcast as Keras broadcasts it.
struct EinsumDescale {
  ValueId y, out;
  std::optional<ValueId> input_scale;
  std::shared_ptr<const std::vector<float>> kernel_scale, bias;  // empty: none
  StridedWalk walk;  // operands: input scale, kernel scale, bias

  void operator()(const RunContext& c) const {
    const float* in = c.f32(y);
    float* o = c.f32(out);
    const float* sx = input_scale ? c.f32(*input_scale) : nullptr;
    walk.run([&](int64_t i, const StridedWalk::Offsets& at) {
      const float s = (sx ? sx[at[0]] : 1.f) * (kernel_scale->empty() ? 1.f : (*kernel_scale)[static_cast<std::size_t>(at[1])]);
      float v = in[i] / s;
      if (!bias->empty()) v += (*bias)[static_cast<std::size_t>(at[2])];
      o[i] = v;
    });
  }
};

std::vector<float> einsum_float8_kernel(const core::EinsumDense& layer) {
  const float scale = weight_values(layer, "kernel_scale")[0];
  const std::span<const float> stored = weight_values(layer, "kernel");
  std::vector<float> out(stored.begin(), stored.end());
  for (float& v : out) v = quantize_dequantize_e4m3fn(v, scale);
  return out;
}

// The dims of the layer's weight `name` (InternalError when it has none).
const std::vector<int64_t>& weight_dims(const core::Layer& layer, const std::string& name) {
  for (const core::Weight& w : layer.weights()) {
    if (w.name == name) return w.shape.dims();
  }
  throw core::Error(core::Status::InternalError, "layer '" + layer.name() + "' has no weight '" + name + "'");
}

// The int4 kernel dequantized as Keras does: a (rows, columns) matrix, then reshaped (values unchanged).
std::vector<float> einsum_int4_kernel(const core::EinsumDense& layer) {
  const core::Quantization& q = layer.quantization();
  const int64_t rows = weight_dims(layer, "kernel")[0];
  const int64_t columns = weight_dims(layer, "kernel_scale").back();  // (columns,) or (groups, columns)
  const std::vector<float> ints = unpack_int4(weight_values(layer, "kernel"), rows, columns);
  const std::span<const float> scale = weight_values(layer, "kernel_scale");
  if (!q.sub_channel()) return divide_columns(ints, rows, columns, scale);
  return dequantize_groups(ints, rows, columns, scale, weight_values(layer, "kernel_zero"), weight_values(layer, "g_idx"), 0,
                           layer.name());
}

}  // namespace

ValueId lower_quantized_einsum_dense(PlanBuilder& b, const core::EinsumDense& layer, ValueId x,
                                     const core::EinsumAnalysis& a, const std::vector<int64_t>& out_dims) {
  const std::string& name = layer.name();
  const core::Quantization& quant = layer.quantization();
  const core::EinsumQuantization info = core::analyze_einsum_quantization(a.labels);
  std::vector<float> bias_values;
  if (a.bias_shape) {
    const std::span<const float> values = weight_values(layer, "bias");
    bias_values.assign(values.begin(), values.end());
  }

  // Float8, and int4 without an activation quantizer: a float einsum with the bias, as for a float layer.
  std::vector<float> kernel;
  if (quant.mode == QuantizationMode::Float8 || (quant.mode == QuantizationMode::Int4 && !quant.quantizes_inputs)) {
    if (quant.mode == QuantizationMode::Float8) {
      const float scale = weight_values(layer, "inputs_scale")[0];
      x = scalar_step(b, x, [scale](float v) { return quantize_dequantize_e4m3fn(v, scale); }, name);
      kernel = einsum_float8_kernel(layer);
      if (quant.source_dtype == "float32") {
        for (float& v : bias_values) v = round_to_bfloat16(v);
      }
    } else {
      kernel = einsum_int4_kernel(layer);
    }
    EinsumOptions options;
    if (a.bias_shape) {
      options.bias = bias_values;
      options.bias_dims = *a.bias_shape;
    }
    return einsum_step(b, x, a.labels.input, EinsumKernel{kernel, a.kernel_shape}, a.labels.kernel, a.labels.output,
                       options, name);
  }

  // int8 (integers times integers, exact in float32 sums up to 2^24) or int4 with quantized inputs.
  std::optional<ValueId> input_scale;
  std::vector<int64_t> input_scale_strides(out_dims.size(), 0), kernel_scale_strides(out_dims.size(), 0),
      bias_strides(out_dims.size(), 0);
  if (quant.quantizes_inputs) {
    const QuantizedInputs q = quantize_inputs(b, x, info.input, quant, name);
    x = q.q;
    input_scale = q.scale;
    input_scale_strides = broadcast_strides(core::lay_out_scale(b.dims(q.q), info.input), out_dims, name, "input scale");
  }
  auto kernel_scale = std::make_shared<std::vector<float>>();
  if (quant.mode == QuantizationMode::Int8) {
    const std::span<const float> stored = weight_values(layer, "kernel");
    kernel.assign(stored.begin(), stored.end());
    const std::span<const float> scale = weight_values(layer, "kernel_scale");
    kernel_scale->assign(scale.begin(), scale.end());
    kernel_scale_strides = broadcast_strides(row_major(weight_dims(layer, "kernel_scale")), out_dims, name, "kernel scale");
  } else {
    kernel = einsum_int4_kernel(layer);
  }
  auto bias = std::make_shared<std::vector<float>>(std::move(bias_values));
  if (a.bias_shape) bias_strides = broadcast_strides(row_major(*a.bias_shape), out_dims, name, "bias");

  const ValueId y = einsum_step(b, x, a.labels.input, EinsumKernel{kernel, a.kernel_shape}, a.labels.kernel,
                                a.labels.output, EinsumOptions{}, name);
  const ValueId out = b.add_plain(out_dims);
  std::vector<ValueId> reads = {y};
  if (input_scale) reads.push_back(*input_scale);
  b.add_custom(name,
               EinsumDescale{y, out, input_scale, kernel_scale, bias,
                             StridedWalk(out_dims, {input_scale_strides, kernel_scale_strides, bias_strides}, name)},
               std::move(reads), {out});
  return out;
}

}  // namespace inlay::runtime
