// keras.Input(): the front door. Parses Keras's keyword arguments and makes an InputLayer.
#pragma once

#include "graph/graph.hpp"
#include "graph/keras_tensor.hpp"
#include "types/type_spec.hpp"
#include "util/json.hpp"

namespace inlay::core {

// kwargs: Keras 3's Input() keywords (shape, batch_size, dtype, sparse, ragged, batch_shape, name,
// optional) plus tf.keras's batch_input_shape and type_spec. Any other key is Keras 3's
// TypeError "Input() got an unexpected keyword argument '...'". type_spec and tensor may also come as
// objects (nullptr when absent).
KerasTensor& Input(Graph& graph, const Json& kwargs, const TypeSpec* type_spec = nullptr,
                   KerasTensor* tensor = nullptr);

}  // namespace inlay::core
