// The JSON type of the core. Ordered, because Keras's dicts keep insertion order: configs come out in
// Keras's key order and "unrecognized keyword" messages list keys as the caller wrote them.
#pragma once

#include <nlohmann/json.hpp>

namespace inlay::core {

using Json = nlohmann::ordered_json;

}  // namespace inlay::core
