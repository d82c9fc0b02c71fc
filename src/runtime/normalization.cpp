// Normalization: (x - mean) / max(sqrt(variance), 1e-7), or mean + x * max(sqrt(variance), 1e-7) with
// invert, as one oneDNN binary primitive with a fused binary post-op (Keras's two roundings), the two
// parameters broadcast over the axes that are not kept. The denominator is computed once here, in float32
// as Keras does (sqrt, then tf.maximum, which keeps NaN).
#include <cmath>

#include "layers/normalization.hpp"
#include "runtime/elementwise_steps.hpp"

namespace inlay::runtime {

namespace {

constexpr float kEpsilon = 1e-7f;  // keras.backend.epsilon()

// The values of `array` (aligned with the last kept axes, or a scalar) spread over the broadcast shape.
std::vector<float> spread(const core::NumericArray& array, const core::Normalization& layer) {
  const std::vector<int64_t>& shape = layer.broadcast_shape();
  const std::vector<int>& keep = layer.keep_axes();
  std::vector<float> out(static_cast<std::size_t>(product(shape, 0, shape.size())));
  // Strides of the array's axes within the array, per kept axis (0 where the array broadcasts).
  std::vector<int64_t> stride(shape.size(), 0);
  int64_t s = 1;
  for (std::size_t i = 1; i <= array.shape.size(); ++i) {
    const auto axis = static_cast<std::size_t>(keep[keep.size() - i]);
    const int64_t m = array.shape[array.shape.size() - i];
    stride[axis] = m == 1 ? 0 : s;
    s *= m;
  }
  for (std::size_t flat = 0; flat < out.size(); ++flat) {
    int64_t rest = static_cast<int64_t>(flat), at = 0;
    for (std::size_t d = shape.size(); d-- > 0;) {
      at += (rest % shape[d]) * stride[d];
      rest /= shape[d];
    }
    out[flat] = array.values[static_cast<std::size_t>(at)];
  }
  return out;
}

void lower_normalization(PlanBuilder& b, const core::Normalization& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.value_of(node.inputs[0]);
  b.check_dims(node.outputs[0], b.dims(x), name);
  const std::vector<int64_t> dims = b.dims(x);
  const std::vector<int64_t>& shape = layer.broadcast_shape();
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (shape[d] != 1 && shape[d] != dims[d]) {
      throw core::Error(core::Status::ShapeMismatch, "Layer '" + name + "': axis " + std::to_string(d) + " has size " +
                                                         std::to_string(dims[d]) + ", the layer was built for " +
                                                         std::to_string(shape[d]));
    }
  }
  std::vector<float> mean, variance;
  if (layer.has_config_values()) {
    mean = spread(layer.config_mean(), layer);
    variance = spread(layer.config_variance(), layer);
  } else {
    // The weights hold the kept axes in order: the same row-major values as the broadcast shape.
    const auto m = weight_values(layer, "mean"), v = weight_values(layer, "variance");
    mean.assign(m.begin(), m.end());
    variance.assign(v.begin(), v.end());
  }
  BroadcastParam mean_param{shape, std::move(mean)}, denominator{shape, std::move(variance)};
  for (float& v : denominator.values) {
    const float root = std::sqrt(v);
    v = std::isnan(root) || root > kEpsilon ? root : kEpsilon;
  }
  const ValueId out =
      layer.invert()
          ? broadcast_affine(b, x, dnnl::algorithm::binary_mul, denominator, dnnl::algorithm::binary_add, mean_param, name)
          : broadcast_affine(b, x, dnnl::algorithm::binary_sub, mean_param, dnnl::algorithm::binary_div, denominator, name);
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering normalization_lowering = {.lower = lower_as<core::Normalization, lower_normalization>, .masking = Masking::PassesThrough};

}  // namespace inlay::runtime
