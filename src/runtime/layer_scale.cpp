// LayerScale: x * gamma, oneDNN's binary multiply with gamma as a constant broadcast over the last axis.
#include "layers/layer_scale.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

void lower_layer_scale(PlanBuilder& b, const core::LayerScale& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, name);
  std::vector<int64_t> gamma_dims(dims.size(), 1);
  gamma_dims.back() = layer.projection_dim();
  const memory::desc md = plain_md(dims), gamma_md = plain_md(gamma_dims);
  const dnnl::binary::desc desc(dnnl::algorithm::binary_mul, md, gamma_md, md);
  const dnnl::binary::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(dims);
  const memory gamma = b.constant(gamma_md, weight_values(layer, "variable").data(), gamma_md);
  b.add_primitive(name, dnnl::binary(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC_0, x, md}, {DNNL_ARG_DST, out, md}},
                  {{DNNL_ARG_SRC_1, gamma}});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering layer_scale_lowering = {.lower = lower_as<core::LayerScale, lower_layer_scale>};

}  // namespace inlay::runtime
