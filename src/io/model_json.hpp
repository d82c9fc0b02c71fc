// Models from Keras JSON: model.to_json() of Keras 3, of tf.keras 2, and TensorFlow.js's model.json
// topology (Sequential and Functional). The model is rebuilt on a new graph by replaying its layers'
// calls, so every shape, check and name is inferred again exactly as when the model was first made.
#pragma once

#include <memory>
#include <string_view>

#include "graph/model.hpp"
#include "layers/dialect.hpp"
#include "util/json.hpp"

namespace inlay::core {

// Accepts, at the top level: a Keras 3 / tf.keras 2 model dict ({"class_name": "Functional" | "Model" |
// "Sequential", "config": {...}}), a Keras file's {"model_config": {...}} wrapper, or a TensorFlow.js
// model.json ({"modelTopology": ...}). Weights are zero (files bring them, see keras_file / tfjs).
// Errors: ParseError for JSON that is no model config, Unsupported for classes inlay lacks, InvalidArgument
// for Keras's own errors while rebuilding.
// The model means what its producer computes (layers/dialect.hpp): the producer is dialect_of_json(json).
std::unique_ptr<Model> model_from_json(const Json& json);
// The same, read as a file of `dialect` wrote it (the file readers know it from the file's format).
std::unique_ptr<Model> model_from_json(const Json& json, Dialect dialect);

// Which library wrote this model JSON: TensorFlow.js for a model.json (a "modelTopology", format
// "layers-model") or a topology it saved ("keras_version": "tfjs-layers ..."); tf.keras 2 where the JSON
// carries a "keras_version" below 3 (tf.keras's to_json writes one; Keras 3's writes none); Keras 3 otherwise.
Dialect dialect_of_json(const Json& json);

// The dialect of a "keras_version" string: "tfjs-layers x.y" is TensorFlow.js, a major version below 3 is
// tf.keras 2 (or older Keras), anything else Keras 3.
Dialect dialect_of_keras_version(std::string_view version);

}  // namespace inlay::core
