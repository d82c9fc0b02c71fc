// What the Resizing and CenterCrop lowerings share: a window of an image batch (a crop box) resampled to
// another height and width with oneDNN resampling, and the crop box of Keras's aspect-ratio crop.
#pragma once

#include <array>
#include <string>

#include "runtime/lowerings.hpp"

namespace inlay::runtime {

// A (top, left, height, width) window of the spatial axes.
struct CropBox {
  int64_t top = 0, left = 0, height = 0, width = 0;
};

// The box TensorFlow's resize(crop_to_aspect_ratio=True) and image_utils.smart_resize crop from an image of
// (height, width) before resizing it to (target_height, target_width): the largest centred box of the
// target's aspect ratio.
CropBox aspect_ratio_box(int64_t height, int64_t width, int64_t target_height, int64_t target_width);

// The window `box` of x (a rank 4 image batch, `cf` its data format) resampled to (out_h, out_w) with
// `algorithm` (resampling_nearest or resampling_linear: TensorFlow's half-pixel-centre resize), as the
// node's output. A window the size of the output is copied (a reorder).
void lower_window_resize(PlanBuilder& b, const Node& node, const CropBox& box, int64_t out_h, int64_t out_w,
                         dnnl::algorithm algorithm, bool cf, const std::string& name);

}  // namespace inlay::runtime
