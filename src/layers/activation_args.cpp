#include "layers/activation_args.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::string python_type_short_name(const Json& value) {
  const std::string full = python::type_name(value);  // "<class 'int'>"
  return full.substr(8, full.size() - 10);
}

double comparable_number(const Json& value, const char* op, const char* other_type) {
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_number()) return value.get<double>();
  throw_invalid(std::string("'") + op + "' not supported between instances of '" + python_type_short_name(value) +
                "' and '" + other_type + "'");
}

double check_unit_interval(const Json& value, const char* argument) {
  // `0 <= value` is evaluated first: Python reports the int on the left.
  if (!value.is_number() && !value.is_boolean()) {
    throw_invalid("'<=' not supported between instances of 'int' and '" + python_type_short_name(value) + "'");
  }
  const double number = comparable_number(value, "<=", "int");
  if (!(0.0 <= number && number <= 1.0)) {
    throw_invalid(std::string("Invalid value received for argument `") + argument +
                  "`. Expected a float value between 0 and 1. Received: " + argument + "=" + python::str(value));
  }
  return number;
}

void check_seed(const Json& seed) {
  if (!seed.is_null() && !seed.is_number_integer() && !seed.is_boolean()) {
    throw_invalid("Argument `seed` must be an integer. Received: seed=" + python::str(seed));
  }
  if (seed.is_boolean()) throw_invalid("Can't convert Python sequence with mixed types to Tensor.");
}

void reject_unexpected_keys(std::string_view class_name, const Json& config, std::initializer_list<const char*> allowed) {
  if (!config.is_object()) return;
  for (const auto& [key, value] : config.items()) {
    bool known = false;
    for (const char* name : allowed) known = known || key == name;
    if (!known) {
      throw_invalid(std::string(class_name) + ".__init__() got an unexpected keyword argument '" + key + "'");
    }
  }
}

}  // namespace inlay::core
