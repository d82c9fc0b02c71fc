// Argument checks the activation and pass-through layers share (ReLU, LeakyReLU, ThresholdedReLU, the noise
// and dropout layers): Python's comparisons of a number argument, with the TypeError Python raises when the
// value is not a number.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "util/json.hpp"

namespace inlay::core {

// type(value).__name__: "int", "str", "list", ...
std::string python_type_short_name(const Json& value);

// `value` as a number for a Python comparison `value <op> other` (bool is an int; True is 1). Anything else
// raises Python's "'<op>' not supported between instances of '<type>' and '<other_type>'".
double comparable_number(const Json& value, const char* op, const char* other_type);

// The noise / dropout argument check of Keras 3 (`not 0 <= value <= 1`): "Invalid value received for argument
// `rate`. Expected a float value between 0 and 1. Received: rate=2" (argument "rate" or "stddev").
double check_unit_interval(const Json& value, const char* argument);

// backend.random.SeedGenerator(seed), made when the rate / stddev is > 0: an int or None.
void check_seed(const Json& seed);

// For the classes whose __init__ takes no **kwargs (SpatialDropout*): Python's TypeError for the first key
// of `config` that is not one of `allowed`.
void reject_unexpected_keys(std::string_view class_name, const Json& config, std::initializer_list<const char*> allowed);

}  // namespace inlay::core
