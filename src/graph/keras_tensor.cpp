#include "graph/keras_tensor.hpp"

namespace inlay::core {

std::string keras_tensor_repr(const KerasTensor& x) {
  return "<KerasTensor shape=" + x.shape().to_tuple_string() + ", dtype=" + std::string(dtype_name(x.dtype())) +
         ", sparse=" + (x.sparse() ? "True" : "False") + ", ragged=" + (x.ragged() ? "True" : "False") +
         ", name=" + x.name() + ">";
}

}  // namespace inlay::core
