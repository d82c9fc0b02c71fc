// Rescaling: x * scale + offset. Scalars are one oneDNN eltwise_linear; arrays one binary multiply with a
// fused binary add, broadcast against the input's trailing axes. Keras's image_data_format is taken to be
// channels_last (a list scale under channels_first is reshaped by Keras; inlay has no such global).
#include "layers/rescaling.hpp"
#include "runtime/elementwise_steps.hpp"

namespace inlay::runtime {

namespace {

core::NumericArray numeric(const core::Json& value, const char* argument, const std::string& layer) {
  core::NumericArray array;
  std::string why;
  if (!core::read_numeric_array(value, array, why)) throw_unsupported(layer, std::string("`") + argument + "` holding " + why);
  return array;
}

BroadcastParam param(const core::NumericArray& array, const std::vector<int64_t>& dims, const char* argument,
                     const std::string& layer) {
  BroadcastParam out;
  if (!broadcast_against(array.shape, array.values, dims, out)) {
    std::string shape;
    for (int64_t d : array.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    throw core::Error(core::Status::ShapeMismatch, "Layer '" + layer + "': `" + argument + "` of shape (" + shape +
                                                       ") does not broadcast to the input's shape");
  }
  return out;
}

void lower_rescaling(PlanBuilder& b, const core::Rescaling& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.value_of(node.inputs[0]);
  b.check_dims(node.outputs[0], b.dims(x), name);
  const core::NumericArray scale = numeric(layer.scale(), "scale", name);
  const core::NumericArray offset = numeric(layer.offset(), "offset", name);
  ValueId out;
  if (scale.shape.empty() && offset.shape.empty()) {
    out = eltwise_step(b, x, dnnl::algorithm::eltwise_linear, scale.values[0], offset.values[0], name);
  } else {
    x = b.to_plain(x, name);
    const std::vector<int64_t> dims = b.dims(x);
    out = broadcast_affine(b, x, dnnl::algorithm::binary_mul, param(scale, dims, "scale", name),
                           dnnl::algorithm::binary_add, param(offset, dims, "offset", name), name);
  }
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering rescaling_lowering = {.lower = lower_as<core::Rescaling, lower_rescaling>, .maps_flat_values = true, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
