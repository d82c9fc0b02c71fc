// Keras's serializable layer arguments: activations, initializers, regularizers and constraints, read
// from any form Keras accepts (a name, Keras 3's {"module","class_name","config","registered_name"} dict,
// tf.keras's {"class_name","config"} dict, TensorFlow.js's snake-cased names and VarianceScaling dicts) and
// written back as Keras 3's get_config() writes them: X.serialize(X.get(identifier)).
//
// Failures carry Keras's exact message: its ValueError, TypeError, KeyError, AttributeError and
// NotImplementedError all become Status::InvalidArgument. Status::Unsupported marks what Keras accepts but
// inlay cannot represent: a layer or other callable object used as an activation, an STFT initializer with
// a named scipy window, a value or seed holding a serialized Keras object.
#pragma once

#include <memory>
#include <string>

#include "util/json.hpp"

namespace inlay::core {

// Every function of keras.activations (Keras 3.15), named as Keras serializes it.
enum class Activation {
  Linear, Relu, Relu6, LeakyRelu, Elu, Selu, Gelu, Sigmoid, HardSigmoid, Tanh, Softmax, Softplus, Softsign,
  Silu, Exponential, Mish,
  Celu, Glu, HardShrink, HardSilu, HardTanh, LogSigmoid, LogSoftmax, SoftShrink, SparsePlus, SparseSigmoid,
  Sparsemax, Squareplus, TanhShrink, Threshold,
  // Other libraries' functions, read only from their files (layers/dialect.hpp) and written back under the name
  // the file used: tf.keras 2's and TensorFlow.js's "hard_sigmoid", clip(0.2x + 0.5, 0, 1); TensorFlow.js's
  // "gelu_new", 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))).
  HardSigmoidLegacy, GeluNew,
};

// keras.activations.get: a name (aliases swish -> silu, hard_swish -> hard_silu), None -> linear, or a
// serialized function dict. "Could not interpret activation function identifier: foo" for unknown names.
// In a tf.keras 2 or TensorFlow.js file (reading_dialect()), hard_sigmoid is that library's, and a
// TensorFlow.js file may also name gelu_new.
Activation parse_activation(const Json& identifier);
// keras.activations.serialize: the name Keras 3 writes into configs ("linear", "relu", "silu", ...); for
// another library's function, the name its file used.
std::string activation_name(Activation activation);

// A serialized initializer, regularizer or constraint as layers keep it: shared and immutable. Every layer made
// without explicit ones asks for the same few names ("glorot_uniform", "zeros"), served from one cached copy:
// copying their JSON per layer was a large part of creating one.
using SharedJson = std::shared_ptr<const Json>;

// keras.initializers.get + serialize; null stays null.
SharedJson serialize_initializer(const Json& identifier);
// keras.regularizers.get + serialize; null stays null.
SharedJson serialize_regularizer(const Json& identifier);
// keras.constraints.get + serialize; null stays null.
SharedJson serialize_constraint(const Json& identifier);

}  // namespace inlay::core
