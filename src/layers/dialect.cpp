#include "layers/dialect.hpp"

namespace inlay::core {
namespace {

// Per thread: models may be read on several threads at once, each with its own file.
thread_local Dialect current = Dialect::Keras3;

}  // namespace

Dialect reading_dialect() { return current; }

DialectScope::DialectScope(Dialect dialect) : previous_(current) { current = dialect; }

DialectScope::~DialectScope() { current = previous_; }

}  // namespace inlay::core
