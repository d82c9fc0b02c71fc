// What Resizing and CenterCrop share (keras/src/layers/preprocessing/image_preprocessing/): the keyword
// arguments of BaseImagePreprocessingLayer (factor, bounding_box_format, data_format) and the output shape
// rule of an image layer that sets the height and width of a batched (rank 4) or unbatched (rank 3) image.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "layers/layer_args.hpp"
#include "types/shape.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace inlay::core {

struct ImageLayerArgs {
  Json bounding_box_format;  // null when not given (then absent from the config)

  // BaseImagePreprocessingLayer.__init__ of a class with _USE_BASE_FACTOR = False: a factor other than None
  // is refused ("Layer Resizing does not take a `factor` argument. Received: factor=0.5").
  static ImageLayerArgs read(LayerArgs& args, std::string_view class_name);
};

// compute_output_shape of Resizing / CenterCrop: (batch, height, width, channels) for rank 4 (channels_last),
// else the first two (channels_last) or the second and third (channels_first) axes. `height` / `width` are
// the values Keras kept (ints; a float or negative one is Keras's invalid-shape message).
Shape image_output_shape(const Shape& input, const Json& height, const Json& width, bool channels_first);

// Keras calls the image preprocessing layers with training=True (DataLayer), which its call errors show:
// throw_call_error's text with "kwargs={'training': 'True'}" for kwargs=<class 'inspect._empty'>.
[[noreturn]] void rethrow_image_call_error(const Error& error);

}  // namespace inlay::core
