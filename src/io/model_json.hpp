// Models from Keras JSON: model.to_json() of Keras 3, of tf.keras 2, and TensorFlow.js's model.json
// topology (Sequential and Functional). The model is rebuilt on a new graph by replaying its layers'
// calls, so every shape, check and name is inferred again exactly as when the model was first made.
#pragma once

#include <memory>

#include "graph/model.hpp"
#include "util/json.hpp"

namespace inlay::core {

// Accepts, at the top level: a Keras 3 / tf.keras 2 model dict ({"class_name": "Functional" | "Model" |
// "Sequential", "config": {...}}), a Keras file's {"model_config": {...}} wrapper, or a TensorFlow.js
// model.json ({"modelTopology": ...}). Weights are zero (files bring them, see keras_file / tfjs).
// Errors: ParseError for JSON that is no model config, Unsupported for classes inlay lacks, InvalidArgument
// for Keras's own errors while rebuilding.
std::unique_ptr<Model> model_from_json(const Json& json);

}  // namespace inlay::core
