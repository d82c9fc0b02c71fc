// TensorFlow.js layers models: model.json ({"format": "layers-model", "modelTopology": <Keras model JSON>,
// "weightsManifest": [{"paths": [shard files], "weights": [{"name", "shape", "dtype", "quantization"}]}]})
// and its binary weight shards.
//
// Each manifest group's shards (paths relative to model.json; absolute paths and ".." are refused) are
// concatenated in order and its weights read back to back from them: float32 / int32 little-endian, or
// quantized (uint8 / uint16: value = q * scale + min; float16). A manifest weight is matched to the model's
// weight "<layer name>/<weight name>" by its name ("dense/kernel"; a ":0" suffix and leading scopes such as
// "sequential/" are dropped when they do not match), as tfjs-layers' loadWeights matches them; its shape
// must be the model weight's. See model_file.hpp for the error statuses.
#pragma once

#include <filesystem>
#include <memory>

#include "graph/model.hpp"
#include "io/model_file.hpp"

namespace inlay::core {

std::unique_ptr<Model> load_tfjs_model(const std::filesystem::path& model_json, const LoadOptions& options);

}  // namespace inlay::core
