// keras.layers.InputSpec: what a layer requires of its inputs (rank bounds, fixed axes, dtype), checked
// on every call with Keras's messages (keras/src/layers/input_spec.py assert_input_compatibility).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/keras_tensor.hpp"

namespace inlay::core {

struct InputSpec {
  std::optional<int> ndim;
  std::optional<int> min_ndim;
  std::optional<int> max_ndim;
  std::optional<DType> dtype;
  std::map<int, int64_t> axes;  // axis (negative counts from the end) -> required size
};

// Raises Keras's ValueError naming the input index, the layer and what was expected. An empty `specs`
// checks nothing; otherwise there must be one spec per input.
void assert_input_compatibility(const std::vector<InputSpec>& specs, const std::vector<const KerasTensor*>& inputs,
                                const std::string& layer_name);

}  // namespace inlay::core
