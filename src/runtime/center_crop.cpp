// CenterCrop: the central (height, width) window of each image (a reorder of a submemory); an image smaller
// than that on either axis goes through image_utils.smart_resize instead: its largest centred window of the
// target's aspect ratio, resized bilinearly.
#include "layers/center_crop.hpp"
#include "runtime/image_resize.hpp"

namespace inlay::runtime {

namespace {

void lower_center_crop(PlanBuilder& b, const core::CenterCrop& layer, const Node& node) {
  const std::string& name = layer.name();
  const std::vector<int64_t>& in = b.dims(b.value_of(node.inputs[0]));
  if (in.size() != 4) throw_unsupported(name, "an unbatched (rank " + std::to_string(in.size()) + ") image input");
  const bool cf = layer.channels_first();
  const std::vector<int64_t> in_nc = nc_dims(in, cf);
  const std::vector<int64_t> out_nc = nc_dims(node.outputs[0]->shape().dims(), cf);
  const int64_t h = in_nc[2], w = in_nc[3], out_h = out_nc[2], out_w = out_nc[3];
  if (out_h < 0 || out_w < 0) throw_unsupported(name, "a None height or width");
  CropBox box{(h - out_h) / 2, (w - out_w) / 2, out_h, out_w};  // h_diff // 2, both >= 0 here
  if (h < out_h || w < out_w) box = aspect_ratio_box(h, w, out_h, out_w);
  lower_window_resize(b, node, box, out_h, out_w, dnnl::algorithm::resampling_linear, cf, name);
}

}  // namespace

const LayerLowering center_crop_lowering = {.lower = lower_as<core::CenterCrop, lower_center_crop>};

}  // namespace inlay::runtime
