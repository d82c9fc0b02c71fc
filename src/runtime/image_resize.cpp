#include "runtime/image_resize.hpp"

#include <algorithm>

namespace inlay::runtime {

using dnnl::memory;

CropBox aspect_ratio_box(int64_t height, int64_t width, int64_t target_height, int64_t target_width) {
  // Python's int(float(a * b) / c), clipped to [1, size]; then int(float(size - crop) / 2).
  const auto int_div = [](int64_t a, int64_t b, int64_t c) {
    return static_cast<int64_t>(static_cast<double>(a * b) / static_cast<double>(c));
  };
  CropBox box;
  box.height = std::max<int64_t>(std::min(height, int_div(width, target_height, target_width)), 1);
  box.width = std::max<int64_t>(std::min(width, int_div(height, target_width, target_height)), 1);
  box.top = static_cast<int64_t>(static_cast<double>(height - box.height) / 2);
  box.left = static_cast<int64_t>(static_cast<double>(width - box.width) / 2);
  return box;
}

void lower_window_resize(PlanBuilder& b, const Node& node, const CropBox& box, int64_t out_h, int64_t out_w,
                         dnnl::algorithm algorithm, bool cf, const std::string& name) {
  ValueId x = b.value_of(node.inputs[0]);
  const memory::desc src_md = b.spatial_view(x, cf, name);
  const std::vector<int64_t> in_nc = nc_dims(b.dims(x), cf);
  const std::vector<int64_t> out_nc = {in_nc[0], in_nc[1], out_h, out_w};
  const std::vector<int64_t> out_dims = keras_dims(out_nc, cf);
  b.check_dims(node.outputs[0], out_dims, name);
  if (product(out_nc, 0, 4) == 0 || box.height <= 0 || box.width <= 0) {
    // An empty batch or image: TensorFlow's resize of nothing is an empty output or zeros.
    const ValueId out = b.add_plain(out_dims);
    const auto count = static_cast<std::size_t>(product(out_dims, 0, out_dims.size()));
    b.add_custom(name, [out, count](const RunContext& ctx) { std::fill_n(ctx.f32(out), count, 0.f); }, {x}, {out});
    b.set_output(node.outputs[0], out);
    return;
  }
  const memory::desc window =
      src_md.submemory_desc({in_nc[0], in_nc[1], box.height, box.width}, {0, 0, box.top, box.left});
  if (box.height == out_h && box.width == out_w) {  // a plain crop
    b.set_output(node.outputs[0], b.reorder(x, window, nc_md(out_nc, !cf), out_dims, true, cf, name));
    return;
  }
  const memory::desc dst_any(to_dnnl(out_nc), memory::data_type::f32, memory::format_tag::any);
  const dnnl::resampling_forward::desc desc(dnnl::prop_kind::forward_inference, algorithm, window, dst_any);
  const dnnl::resampling_forward::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_value(out_dims, pd.dst_desc(), true, cf);
  b.add_primitive(name, dnnl::resampling_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, x, window}, {DNNL_ARG_DST, out, pd.dst_desc()}});
  b.same_magnitude(out, x);  // copies or convex combinations of the input's values
  b.set_output(node.outputs[0], out);
}

}  // namespace inlay::runtime
