// model.summary() of Keras 3: the text its print_fn receives (plain, no colour), for Functional and
// Sequential models. Keras draws the table with the `rich` package; summary.cpp ports the parts of rich that
// shape the text (column widths, word wrapping, "…" cropping, markup stripping, cell widths of wide
// characters).
#pragma once

#include <string>

#include "graph/model.hpp"

namespace inlay::core {

// print_summary(model, line_length) as Keras 3.15 prints it to a non-interactive print_fn on a wide console:
// the "Model:" line, the table, the "Total params" lines; ends with a newline. line_length 0 takes Keras's
// default on a wide terminal: 88 for sequential-like models (no "Connected to" column), 108 otherwise.
// Keras's ValueError "Insufficient console width to print summary." when a column gets under 4 characters.
// The console is taken to be wider than every line (Keras on a narrower one would also wrap the "Model:" and
// params lines and crop the table at its width). Not reproduced: rich's emoji codes in names (":smile:"), and
// its MarkupError for a "[/tag]" in a name with no tag to close (the tag is dropped instead).
std::string model_summary(const Model& model, int line_length = 0);

}  // namespace inlay::core
