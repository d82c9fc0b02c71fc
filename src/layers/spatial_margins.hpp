// The per-spatial-axis (before, after) margins of ZeroPadding{1,2,3}D and Cropping{1,2,3}D: how Keras reads
// them (keras/src/layers/reshaping/{zero_padding,cropping}{2,3}d.py) and the values the runtime uses.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "util/json.hpp"

namespace inlay::core {

// (before, after) per spatial axis, as ints.
using AxisMargins = std::vector<std::array<int64_t, 2>>;

// Keras's messages for the two ways the N-D form can be wrong (each class words them its own way).
struct MarginMessages {
  std::string wrong_length;  // a sequence of the wrong length ("`padding` should have two elements. ...")
  std::string wrong_type;    // neither an int nor a sequence
};

// The 2-D / 3-D form: an int v is ((v, v), ...) for `rank` axes; a sequence of `rank` entries has each
// entry argument_validation.standardize_tuple'd to 2 ("1st entry of padding", ...). Returns the nested
// JSON Keras keeps (values keep their Python types: bools and floats stay so).
Json standardize_margins(const Json& value, int rank, const std::string& name, const MarginMessages& messages);

// The ints of a nested ((before, after), ...) JSON (bools as 0/1, floats truncated).
AxisMargins margin_values(const Json& nested);

// Whether a nested margins JSON holds a float (Keras keeps it; it makes the output shape invalid).
bool has_float_margin(const Json& nested);

// keras.backend.standardize_shape on an output shape Python computed ((None, 4.5, 3) when a float
// margin or factor was kept): Keras's message for a float or negative dimension.
void check_output_shape(const Json& shape);

}  // namespace inlay::core
