#include "util/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <memory>

namespace inlay::core {
namespace {

std::shared_ptr<spdlog::logger> make_logger() {
  // Not registered in spdlog's global registry: the host application may use spdlog too.
  auto logger = std::make_shared<spdlog::logger>("inlay", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern("[inlay] [%l] %v");
  spdlog::level::level_enum level = spdlog::level::off;
  if (const char* requested = std::getenv("INLAY_LOG_LEVEL"); requested != nullptr && *requested != '\0') {
    level = spdlog::level::from_str(requested);  // unknown names map to off
  }
  logger->set_level(level);
  return logger;
}

}  // namespace

spdlog::logger& log() {
  static const std::shared_ptr<spdlog::logger> logger = make_logger();
  return *logger;
}

}  // namespace inlay::core
