// Keras's naming helpers (keras.src.utils.naming), in linear time: keras_file and graph name things after
// class names. Python's version is three re.sub calls; std::regex is recursive (a long enough name takes it
// past the end of the stack) and these strings come from files.
#pragma once

#include <string>
#include <string_view>

namespace inlay::core {

// keras.src.utils.naming.to_snake_case: "Conv2DTranspose" -> "conv2d_transpose", "ReLU" -> "re_lu".
// ASCII rules, as Python's [A-Z] / [a-z] classes; bytes outside ASCII are dropped as \W drops symbols.
std::string to_snake_case(std::string_view name);

}  // namespace inlay::core
