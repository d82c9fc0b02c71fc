#include "layers/inferred_broadcast.hpp"

#include "types/shape.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

// TensorFlow's shape text: [?,3,5].
std::string tf_shape(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) s += ",";
    s += dims[i] == kNoneDim ? "?" : std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace

std::vector<int64_t> traced_broadcast(const std::vector<int64_t>& x, const std::vector<int64_t>& y,
                                      std::string_view node, std::string_view layer, std::string_view class_name) {
  const std::size_t rank = std::max(x.size(), y.size());
  std::vector<int64_t> out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t a = i < rank - x.size() ? 1 : x[i - (rank - x.size())];
    const int64_t b = i < rank - y.size() ? 1 : y[i - (rank - y.size())];
    if (a == 1) {
      out[i] = b;
    } else if (b == 1) {
      out[i] = a;
    } else if (a == kNoneDim || b == kNoneDim) {
      out[i] = a == kNoneDim ? b : a;  // TensorFlow assumes the unknown one broadcasts or matches
    } else if (a == b) {
      out[i] = a;
    } else {
      const std::string cls(class_name);
      throw_invalid("Could not automatically infer the output shape / dtype of '" + std::string(layer) +
                    "' (of type " + cls + "). Either the `" + cls + ".call()` method is incorrect, or you need to "
                    "implement the `" + cls + ".compute_output_spec() / compute_output_shape()` method. Error "
                    "encountered:\n\nDimensions must be equal, but are " + std::to_string(a) + " and " +
                    std::to_string(b) + " for '{{node " + std::string(node) + ")' with input shapes: " + tf_shape(x) +
                    ", " + tf_shape(y) + ".");
    }
  }
  return out;
}

}  // namespace inlay::core
