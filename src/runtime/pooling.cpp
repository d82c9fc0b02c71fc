// MaxPooling{1,2}D and AveragePooling{1,2}D on oneDNN pooling, in the producer's layout (blocked after a
// convolution). TensorFlow's "same" average pooling divides by the number of input elements in each
// window, which is oneDNN's avg_exclude_padding; max pooling never picks padding.
//
// NaN and infinities: TensorFlow's MaxPool starts from -FLT_MAX and keeps a value only when it is larger
// (NaN is skipped, a window of -inf gives -FLT_MAX), which is exactly what every oneDNN max pooling kernel
// does; average pooling sums, NaN and inf - inf included, in both. Global max pooling is
// tf.reduce_max instead, which propagates NaN and gives -inf for all -inf: pooling_max gives neither, so a
// step after it recomputes the (sample, channel) results when the input holds NaN or -inf.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "layers/conv_utils.hpp"
#include "layers/pooling_base.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/special_values.hpp"
#include "runtime/window.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

// tf.reduce_max over each (sample, channel)'s `spatial` values of a plain (N, C, spatial) buffer.
void reduce_max_rows(const float* x, float* out, int64_t rows, int64_t spatial) {
  for (int64_t r = 0; r < rows; ++r) {
    float largest = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < spatial; ++i) {
      const float v = x[r * spatial + i];
      if (std::isnan(v)) {
        largest = v;
        break;
      }
      largest = std::max(largest, v);
    }
    out[r] = largest;
  }
}

// After the global max pooling of x (seen through src_md, (N, C, spatial...) dims) wrote its plain N x C
// result into `pooled`: TensorFlow's reduce_max when x holds NaN or -inf. Then x is reordered to a plain
// buffer (allocated in that rare case only) and reduced here.
void add_reduce_max_fix(PlanBuilder& b, ValueId x, const memory::desc& src_md, ValueId pooled,
                        const std::string& layer) {
  const memory::dims dims = src_md.dims();
  const std::vector<int64_t> nc(dims.begin(), dims.end());
  const int64_t rows = nc[0] * nc[1], spatial = product(nc, 2, nc.size());
  const std::size_t physical = src_md.get_size() / sizeof(float);
  const dnnl::engine engine = b.engine();
  const memory::desc plain = plain_md(nc);
  b.add_custom(
      layer,
      [x, src_md, pooled, rows, spatial, physical, engine, plain](const RunContext& c) {
        if (!any_nan_or_negative_infinity(c.f32(x), physical)) return;
        std::vector<float> values(static_cast<std::size_t>(rows * spatial));
        dnnl::memory from(src_md, engine, c.data(x)), to(plain, engine, values.data());
        dnnl::stream stream(engine);
        dnnl::reorder(from, to).execute(stream, from, to);
        stream.wait();
        reduce_max_rows(values.data(), c.f32(pooled), rows, spatial);
      },
      {x, pooled}, {pooled});
}

void lower_pooling(PlanBuilder& b, const core::BasePooling& layer, const Node& node) {
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, channels_first, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), channels_first);

  memory::dims strides, kernel, pad_left, pad_right;
  std::vector<int64_t> out_nc = {in_nc[0], in_nc[1]};
  for (int i = 0; i < layer.pool_dimensions(); ++i) {
    const WindowPadding p =
        window_padding(in_nc[2 + i], layer.pool_size()[i], layer.strides()[i], 1, layer.padding(), name);
    kernel.push_back(layer.pool_size()[i]);
    strides.push_back(p.stride);
    pad_left.push_back(p.left);
    pad_right.push_back(p.right);
    out_nc.push_back(p.output);
  }
  check_window_output(name, out_nc, [&] {
    core::conv_utils::compute_pooling_output_shape(core::Shape(b.dims(x)), core::Json(layer.pool_size()),
                                                   core::Json(layer.strides()), core::Json(layer.padding()),
                                                   layer.data_format());
  });
  const std::vector<int64_t> out_dims = keras_dims(out_nc, channels_first);
  b.check_dims(node.outputs[0], out_dims, name);

  const auto algo = layer.pool_mode() == core::PoolMode::Max ? dnnl::algorithm::pooling_max
                                                             : dnnl::algorithm::pooling_avg_exclude_padding;
  const memory::desc dst_any(out_nc, memory::data_type::f32, memory::format_tag::any);
  const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, algo, src_md, dst_any, strides, kernel,
                                         pad_left, pad_right);
  const dnnl::pooling_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_value(out_dims, pd.dst_desc(), true, channels_first);
  b.add_primitive(name, dnnl::pooling_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, src_md}, {DNNL_ARG_DST, out, pd.dst_desc()}});
  b.same_magnitude(out, x);  // a window's max or mean (padding excluded) is no larger than its elements
  b.set_output(node.outputs[0], out);
}

// GlobalAveragePooling1D with a Keras mask (batch, steps): sum(where(mask, x, 0)) / sum(mask) per (sample,
// channel), as Keras computes it (masked NaNs do not reach the sum; an all-masked row is 0 / 0 = NaN).
// Hand-written: a weighted mean whose weights differ per sample is nothing oneDNN 2.6 pools.
void lower_masked_average_1d(PlanBuilder& b, const core::BaseGlobalPooling& layer, const Node& node, ValueId mask) {
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in = b.dims(x);
  const int64_t samples = in[0], steps = channels_first ? in[2] : in[1], channels = channels_first ? in[1] : in[2];
  if (b.dims(mask) != std::vector<int64_t>{samples, steps}) {
    throw_unsupported(name, "a mask that is not of the input's (batch, steps) dims");
  }
  const std::vector<int64_t> out_dims =
      layer.keepdims() ? (channels_first ? std::vector<int64_t>{samples, channels, 1}
                                         : std::vector<int64_t>{samples, 1, channels})
                       : std::vector<int64_t>{samples, channels};
  b.check_dims(node.outputs[0], out_dims, name);
  const ValueId out = b.add_plain(out_dims);
  // Element (s, t, c) of either layout, and the stride between channels.
  const int64_t step_stride = channels_first ? 1 : channels, channel_stride = channels_first ? steps : 1;
  b.add_custom(
      name,
      [x, mask, out, samples, steps, channels, step_stride, channel_stride](const RunContext& ctx) {
        const float* src = ctx.f32(x);
        const float* keep = ctx.f32(mask);
        float* dst = ctx.f32(out);
        for (int64_t s = 0; s < samples; ++s) {
          float kept = 0;
          for (int64_t t = 0; t < steps; ++t) kept += keep[s * steps + t];
          const float* sample = src + s * steps * channels;
          for (int64_t c = 0; c < channels; ++c) {
            float sum = 0;
            for (int64_t t = 0; t < steps; ++t) {
              if (keep[s * steps + t] != 0.0f) sum += sample[t * step_stride + c * channel_stride];
            }
            dst[s * channels + c] = sum / kept;
          }
        }
      },
      {x, mask}, {out});
  b.set_output(node.outputs[0], out);
}

void lower_global_pooling(PlanBuilder& b, const core::BaseGlobalPooling& layer, const Node& node) {
  // Only GlobalAveragePooling1D reads a mask (the other global poolings do not support masking in Keras).
  if (const std::optional<ValueId> mask = b.mask_of(node.inputs[0]);
      mask && layer.pool_dimensions() == 1 && layer.pool_mode() == core::PoolMode::Average) {
    lower_masked_average_1d(b, layer, node, *mask);
    return;
  }
  // A pooling window over the whole spatial extent: oneDNN's pooling kernels read blocked and nhwc
  // layouts at full speed (its 2.6 reduction primitive falls back to a reference kernel for them).
  const std::string& name = layer.name();
  const bool channels_first = layer.channels_first();
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, channels_first, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), channels_first);

  memory::dims window(in_nc.begin() + 2, in_nc.end());
  const memory::dims ones(window.size(), 1), zeros(window.size(), 0);
  std::vector<int64_t> pooled_nc(in_nc.size(), 1);  // (N, C, 1, ...)
  pooled_nc[0] = in_nc[0];
  pooled_nc[1] = in_nc[1];
  const std::vector<int64_t> pooled_dims = keras_dims(pooled_nc, channels_first);  // Keras's keepdims dims
  const std::vector<int64_t> out_dims = layer.keepdims() ? pooled_dims : std::vector<int64_t>{in_nc[0], in_nc[1]};
  b.check_dims(node.outputs[0], out_dims, name);

  if (std::find(window.begin(), window.end(), 0) != window.end()) {
    // An empty window (a None spatial dim given size 0) has nothing to pool, which oneDNN refuses; TensorFlow's
    // reduce_mean of nothing is NaN and its reduce_max -inf, for every sample and channel.
    const float fill = layer.pool_mode() == core::PoolMode::Max ? -std::numeric_limits<float>::infinity()
                                                                : std::numeric_limits<float>::quiet_NaN();
    const auto n = static_cast<std::size_t>(in_nc[0] * in_nc[1]);
    const ValueId out = b.add_plain(out_dims);
    b.add_custom(
        name, [out, n, fill](const RunContext& ctx) { std::fill_n(ctx.f32(out), n, fill); },
        {x}, {out});
    b.set_output(node.outputs[0], out);
    return;
  }

  const auto algo = layer.pool_mode() == core::PoolMode::Max ? dnnl::algorithm::pooling_max
                                                             : dnnl::algorithm::pooling_avg_exclude_padding;
  const memory::desc dst_any(pooled_nc, memory::data_type::f32, memory::format_tag::any);
  const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, algo, src_md, dst_any, window, window,
                                         zeros, zeros);
  const dnnl::pooling_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  ValueId pooled = b.add_value(pooled_dims, pd.dst_desc(), true, channels_first);
  b.add_primitive(name, dnnl::pooling_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, src_md}, {DNNL_ARG_DST, pooled, pd.dst_desc()}});
  b.same_magnitude(pooled, x);
  // (N, C, 1, ...) in Keras's bytes is (N, C), (N, 1, ..., C) and (N, C, 1, ...) alike: a view, after a
  // reorder of the N x C values only when the pooling wrote a blocked layout.
  pooled = b.to_plain(pooled, name);
  if (layer.pool_mode() == core::PoolMode::Max) add_reduce_max_fix(b, x, src_md, pooled, name);
  b.set_output(node.outputs[0], b.add_alias(pooled, out_dims));
}

}  // namespace

const LayerLowering pooling_lowering = {.lower = lower_as<core::BasePooling, lower_pooling>};
// Masking: GlobalAveragePooling1D consumes its input's mask and its compute_mask returns None; the other
// global poolings do not support masking: no output ever gets a mask.
const LayerLowering global_pooling_lowering = {.lower = lower_as<core::BaseGlobalPooling, lower_global_pooling>,
                                               .masking = Masking::Computes};

}  // namespace inlay::runtime
