// UpSampling{1,2,3}D on oneDNN resampling, reading and writing the producer's layout (blocked included).
// Keras's "nearest" is ops.repeat: output index o reads input o / size, which is what oneDNN's
// resampling_nearest picks for an integer factor (round((o + 0.5) / size - 0.5), never a tie). Keras's
// "bilinear" is tf.image.resize with half-pixel centers, oneDNN's resampling_linear. Other
// ops.image.resize methods (bicubic, lanczos, area, ...) have no oneDNN primitive.
#include <limits>

#include "layers/up_sampling_base.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

dnnl::algorithm resampling_algorithm(const core::UpSamplingBase& layer) {
  const std::string& method = layer.interpolation();
  if (method == "nearest") return dnnl::algorithm::resampling_nearest;
  if (method == "bilinear") return dnnl::algorithm::resampling_linear;
  throw_unsupported(layer.name(), "interpolation='" + method + "'");
}

void lower_up_sampling(PlanBuilder& b, const core::UpSamplingBase& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool cf = layer.channels_first();
  const dnnl::algorithm algorithm = resampling_algorithm(layer);
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, cf, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), cf);
  std::vector<int64_t> out_nc = in_nc;
  for (std::size_t i = 0; i < layer.size().size(); ++i) {
    // Saturated: check_dims refuses an output too large for the runtime.
    if (__builtin_mul_overflow(in_nc[2 + i], layer.size()[i], &out_nc[2 + i])) {
      out_nc[2 + i] = std::numeric_limits<int64_t>::max();
    }
  }
  const std::vector<int64_t> out_dims = keras_dims(out_nc, cf);
  b.check_dims(node.outputs[0], out_dims, name);
  if (product(in_nc, 0, in_nc.size()) == 0) {  // nothing to resample: an empty output
    const ValueId out = b.add_plain(out_dims);
    b.add_custom(name, [](const RunContext&) {}, {x}, {out});
    b.set_output(node.outputs[0], out);
    return;
  }
  const memory::desc dst_any(to_dnnl(out_nc), memory::data_type::f32, memory::format_tag::any);
  const dnnl::resampling_forward::desc desc(dnnl::prop_kind::forward_inference, algorithm, src_md, dst_any);
  const dnnl::resampling_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_value(out_dims, pd.dst_desc(), true, cf);
  b.add_primitive(name, dnnl::resampling_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, src_md}, {DNNL_ARG_DST, out, pd.dst_desc()}});
  b.same_magnitude(out, x);  // copies (nearest) or convex combinations (linear) of the input's values
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering up_sampling_lowering = {.lower = lower_as<core::UpSamplingBase, lower_up_sampling>};

}  // namespace inlay::runtime
