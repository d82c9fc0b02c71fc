// Softmax: over the last axis it is Keras's softmax activation (activation.cpp: oneDNN's softmax with
// TensorFlow's results on rows holding NaN / Inf), and fuses into a producer like an Activation layer. Over
// another single axis it is oneDNN's softmax along that axis, the rows (along the axis) that hold NaN or
// infinities recomputed with TensorFlow's arithmetic. Several axes that are the trailing ones are one
// softmax over their merged extent (Keras computes exp(x - logsumexp(x)), equal within float32 rounding on
// finite inputs; on rows holding +inf the two differ). Other axis lists are unsupported. A Keras mask
// on the input is applied as Keras does (masked positions -1e9 before, 0 after).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "layers/softmax.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/special_values.hpp"

namespace inlay::runtime {

namespace {

// The layer's axes resolved against `rank`, sorted; nullopt when one is out of range or repeated.
std::optional<std::vector<int64_t>> resolved_axes(const core::Softmax& layer, int64_t rank) {
  std::vector<int64_t> axes;
  for (int64_t a : layer.axes()) {
    if (a < -rank || a >= rank) return std::nullopt;
    axes.push_back(a < 0 ? a + rank : a);
  }
  std::sort(axes.begin(), axes.end());
  if (axes.empty() || std::adjacent_find(axes.begin(), axes.end()) != axes.end()) return std::nullopt;
  return axes;
}

// tf.nn.softmax of one row of n elements `stride` apart: a row holding NaN or +inf, or only -inf, is NaN
// throughout (shift by its max, exp, sum).
void tf_softmax_row(const float* x, float* y, int64_t n, int64_t stride) {
  float largest = -std::numeric_limits<float>::infinity();
  bool nan = false;
  for (int64_t j = 0; j < n; ++j) {
    nan = nan || std::isnan(x[j * stride]);
    largest = std::max(largest, x[j * stride]);
  }
  float sum = 0.f;
  for (int64_t j = 0; j < n && !nan; ++j) sum += std::exp(x[j * stride] - largest);
  for (int64_t j = 0; j < n; ++j) {
    y[j * stride] = nan ? std::numeric_limits<float>::quiet_NaN() : std::exp(x[j * stride] - largest) / sum;
  }
}

ValueId softmax_over_axis(PlanBuilder& b, ValueId x, int64_t axis, const std::string& layer) {
  x = b.to_plain(x, layer);
  const std::vector<int64_t> dims = b.dims(x);
  const dnnl::memory::desc md = plain_md(dims);
  const dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, static_cast<int>(axis));
  const dnnl::softmax_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(dims);
  b.add_primitive(layer, dnnl::softmax_forward(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC, x, md}, {DNNL_ARG_DST, out, md}});
  const auto a = static_cast<std::size_t>(axis);
  const int64_t outer = product(dims, 0, a), n = dims[a], inner = product(dims, a + 1, dims.size());
  b.add_custom(
      layer,
      [x, out, outer, n, inner](const RunContext& c) {
        const float* in = c.f32(x);
        float* y = c.f32(out);
        if (all_finite(in, static_cast<std::size_t>(outer * n * inner))) return;  // the common case: one scan
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            const int64_t at = o * n * inner + i;
            bool finite = true;
            for (int64_t j = 0; j < n && finite; ++j) finite = std::isfinite(in[at + j * inner]);
            if (!finite) tf_softmax_row(in + at, y + at, n, inner);
          }
        }
      },
      {x, out}, {out});
  return out;
}

// Softmax.call's mask: right-aligned to the input's dims (each of its dims 1 or the input's), kept where
// > 0.5. The flat index into the mask of every input element, for the two masking steps.
std::vector<int64_t> mask_index(const std::vector<int64_t>& dims, const std::vector<int64_t>& mask_dims,
                                const std::string& layer) {
  if (mask_dims.size() > dims.size()) throw_unsupported(layer, "a Keras mask of higher rank than the input");
  const std::size_t lead = dims.size() - mask_dims.size();
  std::vector<int64_t> strides(dims.size(), 0);
  int64_t stride = 1;
  for (std::size_t d = mask_dims.size(); d-- > 0;) {
    if (mask_dims[d] != 1 && mask_dims[d] != dims[lead + d]) {
      throw_unsupported(layer, "a Keras mask that does not broadcast to the input");
    }
    strides[lead + d] = mask_dims[d] == 1 ? 0 : stride;
    stride *= mask_dims[d];
  }
  const auto n = static_cast<std::size_t>(product(dims, 0, dims.size()));
  std::vector<int64_t> index(n, 0), at(dims.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    int64_t m = 0;
    for (std::size_t d = 0; d < dims.size(); ++d) m += at[d] * strides[d];
    index[i] = m;
    for (std::size_t d = dims.size(); d-- > 0;) {  // next multi-index
      if (++at[d] < dims[d]) break;
      at[d] = 0;
    }
  }
  return index;
}

// where(mask > 0.5, x, fill) into a new plain value (x plain).
ValueId masked_fill(PlanBuilder& b, ValueId x, ValueId mask, std::shared_ptr<const std::vector<int64_t>> index,
                    float fill, const std::string& layer) {
  const ValueId out = b.add_plain(b.dims(x));
  b.add_custom(
      layer,
      [x, mask, out, index, fill](const RunContext& ctx) {
        const float* src = ctx.f32(x);
        const float* keep = ctx.f32(mask);
        float* dst = ctx.f32(out);
        for (std::size_t i = 0; i < index->size(); ++i) dst[i] = keep[(*index)[i]] > 0.5f ? src[i] : fill;
      },
      {x, mask}, {out});
  return out;
}

ValueId softmax_of(PlanBuilder& b, const core::Softmax& layer, ValueId x, const std::vector<int64_t>& dims);

void lower_softmax(PlanBuilder& b, const core::Softmax& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId x = b.value_of(node.inputs[0]);
  const std::vector<int64_t> dims = b.dims(x);
  b.check_dims(node.outputs[0], dims, name);
  const std::optional<ValueId> mask = b.mask_of(node.inputs[0]);
  if (!mask) {
    b.set_output(node.outputs[0], softmax_of(b, layer, x, dims));
    return;
  }
  // Masked positions get -1e9 (Keras's large negative number for float32) before the softmax and 0 after it.
  const auto index = std::make_shared<const std::vector<int64_t>>(mask_index(dims, b.dims(*mask), name));
  const ValueId filled = masked_fill(b, b.to_plain(x, name), *mask, index, -1e9f, name);
  const ValueId y = b.to_plain(softmax_of(b, layer, filled, dims), name);
  b.set_output(node.outputs[0], masked_fill(b, y, *mask, index, 0.0f, name));
}

ValueId softmax_of(PlanBuilder& b, const core::Softmax& layer, ValueId x, const std::vector<int64_t>& dims) {
  const std::string& name = layer.name();
  const auto rank = static_cast<int64_t>(dims.size());
  const auto axes = resolved_axes(layer, rank);
  if (!axes) throw_unsupported(name, "softmax axes outside the input's rank or repeated");
  const bool trailing = axes->back() == rank - 1 && axes->front() == rank - static_cast<int64_t>(axes->size());
  ValueId out;
  if (axes->size() == 1 && trailing) {
    out = apply_activation(b, x, core::Activation::Softmax, name);
  } else if (axes->size() == 1) {
    out = softmax_over_axis(b, x, axes->front(), name);
  } else if (trailing) {
    // The trailing axes merged into one: a view of the plain bytes, softmax over its last axis, a view back.
    x = b.to_plain(x, name);
    const auto lead = static_cast<std::size_t>(axes->front());
    std::vector<int64_t> merged(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(lead));
    merged.push_back(product(dims, lead, dims.size()));
    const ValueId flat = apply_activation(b, b.add_alias(x, merged), core::Activation::Softmax, name);
    out = b.add_alias(b.to_plain(flat, name), dims);
  } else {
    throw_unsupported(name, "softmax over several axes that are not the trailing ones");
  }
  return out;
}

// Only a softmax over the last axis is the softmax activation.
std::optional<core::Activation> as_activation(const core::Softmax& layer) {
  if (layer.axes().size() == 1 && layer.axes().front() == -1) return core::Activation::Softmax;
  return std::nullopt;
}

}  // namespace

const LayerLowering softmax_lowering = {
    .lower = lower_as<core::Softmax, lower_softmax>,
    .role = FusionRole::Activation,
    .activation = [](const Layer& layer) { return as_activation(layer_as<core::Softmax>(layer)); },
    .masking = Masking::PassesThrough,
};

}  // namespace inlay::runtime
