// What the execution runtime is: oneDNN's version, the CPU engine, the ISA it dispatches to, its threads.
#pragma once

#include "util/json.hpp"

namespace inlay::core {

// Creates the oneDNN CPU engine (throws Error if that fails) and describes the runtime.
Json runtime_info();

}  // namespace inlay::core
