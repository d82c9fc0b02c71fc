// keras.layers.InputSpec: what a layer requires of its inputs (rank bounds, fixed axes, dtype), checked
// on every call with Keras's messages (keras/src/layers/input_spec.py assert_input_compatibility).
#pragma once

#include <cstdint>
#include <array>
#include <cstddef>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "graph/keras_tensor.hpp"

namespace inlay::core {

// InputSpec's `axes`: required sizes by axis (negative counts from the end), in the order they were set,
// as Keras's dict keeps them. Layers pin one axis (Dense's last, a convolution's channels), so they are
// held inline: a spec is built on every layer call, and a map would allocate each time.
class AxisSizes {
 public:
  static constexpr std::size_t kCapacity = 4;
  int64_t& operator[](int axis);  // throws InternalError past kCapacity distinct axes
  const std::pair<int, int64_t>* begin() const { return items_.data(); }
  const std::pair<int, int64_t>* end() const { return items_.data() + size_; }

 private:
  std::array<std::pair<int, int64_t>, kCapacity> items_{};
  std::size_t size_ = 0;
};

struct InputSpec {
  std::optional<int> ndim;
  std::optional<int> min_ndim;
  std::optional<int> max_ndim;
  std::optional<DType> dtype;
  AxisSizes axes;  // axis -> required size
};

// Raises Keras's ValueError naming the input index, the layer and what was expected. An empty `specs`
// checks nothing; otherwise there must be one spec per input.
void assert_input_compatibility(const std::vector<InputSpec>& specs, const std::vector<const KerasTensor*>& inputs,
                                const std::string& layer_name);

}  // namespace inlay::core
