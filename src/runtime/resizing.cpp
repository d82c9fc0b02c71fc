// Resizing: TensorFlow's resize (half-pixel centres, no antialiasing) is oneDNN's resampling for
// "bilinear" (resampling_linear) and "nearest" (resampling_nearest); crop_to_aspect_ratio resamples a
// centred window of the input. bicubic / lanczos / area, pad_to_aspect_ratio and antialias have no oneDNN
// counterpart.
#include "layers/resizing.hpp"
#include "runtime/image_resize.hpp"
#include "util/python_text.hpp"

namespace inlay::runtime {

namespace {

void lower_resizing(PlanBuilder& b, const core::Resizing& layer, const Node& node) {
  const std::string& name = layer.name();
  const std::vector<int64_t>& in = b.dims(b.value_of(node.inputs[0]));
  if (in.size() != 4) throw_unsupported(name, "an unbatched (rank " + std::to_string(in.size()) + ") image input");
  const core::Json& method = layer.interpolation();
  dnnl::algorithm algorithm = dnnl::algorithm::resampling_linear;
  if (method == "nearest") {
    algorithm = dnnl::algorithm::resampling_nearest;
  } else if (method != "bilinear") {
    throw_unsupported(name, "interpolation=" + core::python::repr(method));
  }
  if (layer.pad_to_aspect_ratio()) throw_unsupported(name, "pad_to_aspect_ratio=True");
  if (layer.antialias()) throw_unsupported(name, "antialias=True");
  const bool cf = layer.channels_first();
  const std::vector<int64_t> in_nc = nc_dims(in, cf);
  const std::vector<int64_t> out_nc = nc_dims(node.outputs[0]->shape().dims(), cf);
  const int64_t out_h = out_nc[2], out_w = out_nc[3];
  if (out_h < 0 || out_w < 0) throw_unsupported(name, "a None height or width");
  CropBox box{0, 0, in_nc[2], in_nc[3]};
  if (layer.crop_to_aspect_ratio() && out_h > 0 && out_w > 0) box = aspect_ratio_box(in_nc[2], in_nc[3], out_h, out_w);
  lower_window_resize(b, node, box, out_h, out_w, algorithm, cf, name);
}

}  // namespace

const LayerLowering resizing_lowering = {.lower = lower_as<core::Resizing, lower_resizing>};

}  // namespace inlay::runtime
