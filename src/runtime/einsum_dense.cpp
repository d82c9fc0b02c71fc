// EinsumDense: the layer's equation (ellipsis resolved for the input's rank) as one einsum step against its
// kernel (runtime/einsum.hpp: a oneDNN matmul after reorders where the axes are not in place), with the bias
// in the matmul where it fits, then the activation as a step of its own.
#include "layers/einsum_dense.hpp"
#include "runtime/einsum.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/quantized_dense.hpp"

namespace inlay::runtime {

namespace {

void lower_einsum_dense(PlanBuilder& b, const core::EinsumDense& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const core::EinsumAnalysis a = layer.analysis(node.inputs[0]->shape().dims());
  // The concrete output dims: each output label's size in the input or the kernel.
  std::vector<int64_t> out_dims;
  for (char c : a.labels.output) {
    const std::size_t in = a.labels.input.find(c);
    out_dims.push_back(in != std::string::npos ? b.dims(x)[in] : a.kernel_shape[a.labels.kernel.find(c)]);
  }
  b.check_dims(node.outputs[0], out_dims, name);
  ValueId out;
  if (layer.quantization().quantized()) {
    out = lower_quantized_einsum_dense(b, layer, x, a, out_dims);
  } else {
    EinsumOptions options;
    if (a.bias_shape) {
      options.bias = weight_values(layer, "bias");
      options.bias_dims = *a.bias_shape;
    }
    const EinsumKernel kernel{weight_values(layer, "kernel"), a.kernel_shape};
    out = einsum_step(b, x, a.labels.input, kernel, a.labels.kernel, a.labels.output, options, name);
  }
  out = apply_activation(b, out, layer.activation(), name);
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering einsum_dense_lowering = {.lower = lower_as<core::EinsumDense, lower_einsum_dense>, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
