#include "layers/serialization.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

struct ActivationName {
  std::string_view name;
  Activation activation;
};

// Serialized names first, then aliases Keras resolves to the same function.
constexpr std::array<ActivationName, 18> kActivations{{
    {"linear", Activation::Linear},
    {"relu", Activation::Relu},
    {"relu6", Activation::Relu6},
    {"leaky_relu", Activation::LeakyRelu},
    {"elu", Activation::Elu},
    {"selu", Activation::Selu},
    {"gelu", Activation::Gelu},
    {"sigmoid", Activation::Sigmoid},
    {"hard_sigmoid", Activation::HardSigmoid},
    {"tanh", Activation::Tanh},
    {"softmax", Activation::Softmax},
    {"softplus", Activation::Softplus},
    {"softsign", Activation::Softsign},
    {"silu", Activation::Silu},
    {"exponential", Activation::Exponential},
    {"mish", Activation::Mish},
    {"swish", Activation::Silu},
    {"None", Activation::Linear},
}};

[[noreturn]] void unknown_activation(const Json& identifier) {
  throw_invalid("Could not interpret activation function identifier: " + python::str(identifier));
}

// The serialized forms carry the function name in "config" (Keras 3) or "class_name" (older files).
std::string activation_identifier(const Json& identifier) {
  if (identifier.is_string()) return identifier.get<std::string>();
  if (identifier.is_object()) {
    if (identifier.contains("config") && identifier["config"].is_string()) return identifier["config"];
    if (identifier.contains("class_name") && identifier["class_name"].is_string()) return identifier["class_name"];
  }
  unknown_activation(identifier);
}

}  // namespace

Activation parse_activation(const Json& identifier) {
  if (identifier.is_null()) return Activation::Linear;
  const std::string name = activation_identifier(identifier);
  for (const auto& entry : kActivations) {
    if (entry.name == name) return entry.activation;
  }
  unknown_activation(identifier);
}

std::string activation_name(Activation activation) {
  for (const auto& entry : kActivations) {
    if (entry.activation == activation) return std::string(entry.name);
  }
  return "linear";
}

Json serialize_initializer(const Json& identifier) { return identifier; }
Json serialize_regularizer(const Json& identifier) { return identifier; }
Json serialize_constraint(const Json& identifier) { return identifier; }

}  // namespace inlay::core
