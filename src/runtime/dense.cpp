// Dense on oneDNN: an inner product over the input flattened to (rows, input_dim), with the bias, a
// folded BatchNormalization and the activations fused (a guard step keeps NaN / Inf as Keras computes
// them: fused_guard.hpp). Sparse inputs (rank 2) run a hand-written sparse x dense product that never
// densifies the batch.
#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>

#include "layers/dense.hpp"
#include "runtime/fused_guard.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/quantized_dense.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// y = bias + x @ kernel for a COO x of dense shape (rows, k): each nonzero adds a scaled kernel row.
void lower_sparse_dense(PlanBuilder& b, const core::Dense& layer, const Node& node, ValueId x) {
  const std::vector<int64_t>& dims = b.dims(x);
  if (dims.size() != 2) throw_unsupported(layer.name(), "a sparse input of rank " + std::to_string(dims.size()));
  const int64_t rows = dims[0], units = layer.units();
  const int input_index = b.value(x).input_index;
  const std::span<const float> kernel_values = weight_values(layer, "kernel");
  auto kernel = std::make_shared<std::vector<float>>(kernel_values.begin(), kernel_values.end());
  auto bias = std::make_shared<std::vector<float>>(static_cast<std::size_t>(units), 0.f);
  if (layer.use_bias()) std::ranges::copy(weight_values(layer, "bias"), bias->begin());
  ValueId out = b.add_plain({rows, units});
  b.add_custom(
      layer.name(),
      [input_index, out, rows, units, kernel, bias](const RunContext& c) {
        const Array& sparse = c.input(input_index);
        float* y = c.f32(out);
        for (int64_t r = 0; r < rows; ++r) std::copy_n(bias->data(), units, y + r * units);
        const int64_t* indices = sparse.sparse_indices();
        const float* values = static_cast<const float*>(sparse.data());
        for (std::size_t k = 0; k < sparse.nnz(); ++k) {
          const float v = values[k];
          const float* w = kernel->data() + indices[2 * k + 1] * units;
          float* row = y + indices[2 * k] * units;
          for (int64_t n = 0; n < units; ++n) row[n] += v * w[n];
        }
      },
      {x}, {out});
  out = apply_activation(b, out, layer.activation(), layer.name());
  b.set_output(node.outputs[0], out);
}


// The Keras kernel (k, units) as oneDNN inner-product weights over a flattened channels-last tensor of
// (N, C, spatial...) dims: row (s_1, ..., s_r, c) of the kernel is weight (unit, c, s_1, ..., s_r).
memory::desc flattened_kernel_md(const std::vector<int64_t>& src_nc, int64_t units) {
  memory::dims dims = {units}, strides(src_nc.size(), 1);
  dims.insert(dims.end(), src_nc.begin() + 1, src_nc.end());
  strides[1] = units;  // channels: the fastest kernel row index
  int64_t stride = src_nc[1] * units;
  for (std::size_t i = src_nc.size(); i-- > 2;) {
    strides[i] = stride;
    stride *= src_nc[i];
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}


void lower_dense(PlanBuilder& b, const core::Dense& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.value_of(node.inputs[0]);
  const core::Quantization& quantization = layer.quantization();
  if (b.value(x).sparse) {
    if (quantization.quantized()) throw_unsupported(name, "a sparse input to a quantized Dense");
    return lower_sparse_dense(b, layer, node, x);
  }
  if (dense_integer_product(quantization)) return lower_integer_dense(b, layer, node);
  // Float8: the inputs pass through float8 first (a quantized Dense never takes a Flatten's spatial input).
  if (quantization.mode == core::QuantizationMode::Float8) x = dense_float8_inputs(b, x, layer);

  // Either (rows, k) over the input's leading dims, or a Flatten's (N, C, spatial...) input as is.
  const std::optional<ValueId> flattened = b.flattened_input(&node);
  if (!flattened) x = b.to_plain(x, name);
  const std::vector<int64_t> in_dims =
      flattened ? std::vector<int64_t>{b.dims(x)[0], product(b.dims(x), 1, b.dims(x).size())} : b.dims(x);
  const int64_t k = in_dims.back(), units = layer.units();
  const int64_t rows = product(in_dims, 0, in_dims.size() - 1);
  std::vector<int64_t> out_dims = in_dims;
  out_dims.back() = units;
  b.check_dims(node.outputs[0], out_dims, name);

  const Fusion fusion = b.fusion(node);
  // The layer's own values unless a folded BatchNormalization changes them (no copy of a big kernel), or the
  // float values of a quantized layer.
  std::span<const float> kernel = weight_values(layer, "kernel");  // (k, units), row-major
  std::optional<std::span<const float>> bias;
  if (layer.use_bias()) bias = weight_values(layer, "bias");
  std::vector<float> quantized_kernel, quantized_bias;
  if (quantization.quantized()) {
    quantized_kernel = dense_float_kernel(layer);
    kernel = quantized_kernel;
    if (bias && quantization.mode == core::QuantizationMode::Float8) {
      quantized_bias = dense_float8_bias(layer);
      bias = std::span<const float>(quantized_bias);
    }
  }
  std::vector<float> folded_kernel, folded_bias;
  if (fusion.batch_norm != nullptr) {
    folded_kernel.assign(kernel.begin(), kernel.end());
    if (bias) folded_bias.assign(bias->begin(), bias->end());
    fold_batch_norm(folded_kernel, folded_bias, units, *fusion.batch_norm);
    kernel = folded_kernel;
    bias = std::span<const float>(folded_bias);
  }

  if (k == 0) {  // an input of 0 features: every row is the bias
    lower_bias_only(b, x, out_dims, static_cast<int>(out_dims.size()) - 1,
                    bias ? *bias : std::span<const float>(), layer.activation(), fusion, name);
    return;
  }

  const ProducerPostOps fused = producer_post_ops(layer.activation(), fusion);
  const bool own_fused = fused.own_fused;
  const std::vector<core::Activation>& post_ops = fused.activations;
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(fused.ops);

  const memory::data_type type = b.options().bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  const std::vector<int64_t> src_nc = flattened ? nc_dims(b.dims(x), false) : std::vector<int64_t>{rows, k};
  const memory::desc src_f32 = flattened ? b.value(x).md : plain_md({rows, k});
  const memory::desc src_md =
      type == memory::data_type::f32 ? src_f32 : memory::desc(src_nc, type, memory::format_tag::any);
  memory::dims weight_dims = {units};
  weight_dims.insert(weight_dims.end(), src_nc.begin() + 1, src_nc.end());
  const memory::desc weights_any(weight_dims, type, memory::format_tag::any);
  const memory::desc bias_md({units}, memory::data_type::f32, memory::format_tag::a);
  const memory::desc dst_md = plain_md({rows, units});
  const auto desc = !bias
                        ? dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src_md, weights_any, dst_md)
                        : dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src_md, weights_any,
                                                            bias_md, dst_md);
  const dnnl::inner_product_forward::primitive_desc pd(desc, attr, b.engine());

  const ValueId x_f32 = x;
  if (pd.src_desc() != src_f32) {
    x = flattened ? b.reorder(x, src_f32, pd.src_desc(), b.dims(x), true, false, name)
                  : b.reorder(x, src_f32, pd.src_desc(), in_dims, false, false, name);
  }
  // The Keras kernel (k, units) is oneDNN's (units, k) weights in "ba" order (or, over a flattened
  // spatial tensor, (units, C, spatial...) in channels-last order).
  const memory::desc kernel_md = flattened ? flattened_kernel_md(src_nc, units)
                                           : memory::desc({units, k}, memory::data_type::f32, memory::format_tag::ba);
  std::vector<ConstantArg> constants = {{DNNL_ARG_WEIGHTS, b.constant(kernel_md, kernel.data(), pd.weights_desc())}};
  if (bias) constants.push_back({DNNL_ARG_BIAS, b.constant(bias_md, bias->data(), bias_md)});

  ValueId out = b.add_plain(out_dims);
  b.add_primitive(name, dnnl::inner_product_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, pd.src_desc()}, {DNNL_ARG_DST, out, dst_md}}, constants);
  if (fused_layer_needs_guard(post_ops, false)) {
    FusedLayer guarded;
    guarded.layer = name;
    guarded.src = x_f32;
    guarded.src_md = src_f32;
    guarded.dst = out;
    guarded.dst_md = dst_md;
    guarded.activations = post_ops;
    guarded.kernel = kernel;
    if (bias) guarded.bias = *bias;
    guarded.out_channels = units;
    guarded.weights = constants[0].memory;
    if (bias) guarded.bias_memory = constants[1].memory;
    const bool has_bias = bias.has_value();
    const dnnl::primitive_attr plain_attr = b.attributes();
    guarded.make = [src_f32, weight_dims, bias_md, has_bias, plain_attr](const dnnl::engine& engine,
                                                                         const memory::desc& dst) {
      const memory::desc weights(weight_dims, memory::data_type::f32, memory::format_tag::any);
      const auto prop = dnnl::prop_kind::forward_inference;
      const auto ip_desc = has_bias ? dnnl::inner_product_forward::desc(prop, src_f32, weights, bias_md, dst)
                                    : dnnl::inner_product_forward::desc(prop, src_f32, weights, dst);
      const dnnl::inner_product_forward::primitive_desc ip(ip_desc, plain_attr, engine);
      return PreActivationPrimitive{dnnl::inner_product_forward(ip), ip.weights_desc(), ip.scratchpad_desc()};
    };
    add_fused_layer_guard(b, std::move(guarded));
  }
  if (!own_fused) out = apply_activation(b, out, layer.activation(), name);
  b.set_output(fusion.output, out);
}


ProducerTraits dense_traits(const Layer& layer, const Node& node) {
  const auto& dense = layer_as<core::Dense>(layer);
  ProducerTraits traits{static_cast<int>(node.outputs[0]->shape().rank()) - 1, dense.activation(), false};
  traits.takes_followers = !dense_integer_product(dense.quantization());  // its descale runs after the product
  traits.reads_flattened = !dense.quantization().quantized();
  return traits;
}

}  // namespace

const LayerLowering dense_lowering = {
    .lower = lower_as<core::Dense, lower_dense>,
    .role = FusionRole::Producer,
    .producer = dense_traits,
    .maps_flat_values = true,
    .reads_sparse = true,
    .reads_flattened_spatial = true,
    .masking = Masking::PassesThrough,
};

}  // namespace inlay::runtime
