// CustomScaleLayer: inputs[0] + inputs[1] * scale. oneDNN's binary add with a per-tensor scale on its second
// source would compute the same, but 2.6 scales binary sources only for int8; a linear eltwise (x * scale)
// then a binary add rounds exactly as Keras's two ops do.
#include "layers/custom_scale_layer.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

void lower_custom_scale_layer(PlanBuilder& b, const core::CustomScaleLayer& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x0 = b.to_plain(b.value_of(node.inputs[0]), name);
  const ValueId x1 = b.to_plain(b.value_of(node.inputs[1]), name);
  if (b.dims(x0) != b.dims(x1)) throw_unsupported(name, "CustomScaleLayer on inputs of different shapes");
  const std::vector<int64_t> dims = b.dims(x0);
  b.check_dims(node.outputs[0], dims, name);
  const memory::desc md = plain_md(dims);
  const ValueId scaled = b.add_plain(dims);
  {
    const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::eltwise_linear, md,
                                           static_cast<float>(layer.scale()), 0.f);
    const dnnl::eltwise_forward::primitive_desc pd(desc, b.attributes(), b.engine());
    b.add_primitive(name, dnnl::eltwise_forward(pd), pd.scratchpad_desc(),
                    {{DNNL_ARG_SRC, x1, md}, {DNNL_ARG_DST, scaled, md}});
  }
  const dnnl::binary::desc desc(dnnl::algorithm::binary_add, md, md, md);
  const dnnl::binary::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(dims);
  b.add_primitive(name, dnnl::binary(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC_0, x0, md}, {DNNL_ARG_SRC_1, scaled, md}, {DNNL_ARG_DST, out, md}});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering custom_scale_layer_lowering = {.lower = lower_as<core::CustomScaleLayer, lower_custom_scale_layer>};

}  // namespace inlay::runtime
