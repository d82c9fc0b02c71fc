// The library's logger. Silent unless INLAY_LOG_LEVEL names a spdlog level (trace, debug, info, warn,
// error, critical, off); logs go to stderr. spdlog stays out of every public header.
#pragma once

#include <spdlog/spdlog.h>

namespace inlay::core {

spdlog::logger& log();

}  // namespace inlay::core
