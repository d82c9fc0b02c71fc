// Keras's serializable layer arguments: activations, initializers, regularizers and constraints, read
// from any form Keras accepts (a name, Keras 3's {"module","class_name","config","registered_name"} dict,
// tf.keras's {"class_name","config"} dict) and written back as Keras 3's get_config() writes them.
#pragma once

#include <string>

#include "util/json.hpp"

namespace inlay::core {

// The activations inlay runs. Keras 3 names; aliases resolve (swish -> silu, None -> linear).
enum class Activation {
  Linear, Relu, Relu6, LeakyRelu, Elu, Selu, Gelu, Sigmoid, HardSigmoid, Tanh, Softmax, Softplus, Softsign,
  Silu, Exponential, Mish,
};

// keras.activations.get: "Could not interpret activation function identifier: foo" for unknown ones.
Activation parse_activation(const Json& identifier);
// keras.activations.serialize: the name Keras 3 writes into configs ("linear", "relu", "silu", ...).
std::string activation_name(Activation activation);

// keras.initializers.get + serialize; null stays null.
Json serialize_initializer(const Json& identifier);
// keras.regularizers.get + serialize; null stays null.
Json serialize_regularizer(const Json& identifier);
// keras.constraints.get + serialize; null stays null.
Json serialize_constraint(const Json& identifier);

}  // namespace inlay::core
