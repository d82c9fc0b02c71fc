// Keras's own model files, read with libzip and inlay's own HDF5 reader (src/io/hdf5/):
//
//  - Keras 3 ".keras": a zip holding config.json (model.to_json()'s dict), metadata.json and
//    model.weights.h5. In the weights file every layer of model.layers has a group
//    layers/<key>/vars whose datasets "0", "1", ... are the layer's variables (trainable ones first).
//    <key> is the snake_case class name, numbered in model.layers order ("dense", "dense_1", ...; Keras's
//    saving_lib). Weights are matched by that key, as Keras loads them.
//  - tf.keras 2 / Keras legacy HDF5 (model.save("m.h5")): the root attribute model_config holds the model
//    JSON; model_weights/<layer name> lists its datasets in the attribute weight_names, in the layer's
//    weight order.
//
// Only numeric datasets, group links and (legacy files only) string attributes are read. Both formats are
// untrusted input: the HDF5 reader checks every address, size and count against the bytes there are (see
// src/io/hdf5/hdf5_file.hpp), and zip members are read into buffers that grow with the bytes that arrive.
// See model_file.hpp for the error statuses.
#pragma once

#include <memory>
#include <string>

#include "graph/model.hpp"
#include "io/model_file.hpp"

namespace inlay::core {

std::unique_ptr<Model> load_keras_file(const std::string& path, const LoadOptions& options);
std::unique_ptr<Model> load_legacy_h5_file(const std::string& path, const LoadOptions& options);

// Keras's model.load_weights(path) for HDF5 weights files: Keras 3's save_weights("x.weights.h5") (layers/<key>/
// vars, matched as a .keras file's weights), tf.keras 2's save_weights("x.h5") (layer_names, matched by layer name)
// or the weights of a legacy .h5 model file. All or nothing: on any error the model's weights are unchanged.
// The model's compiled plans are dropped.
void load_weights_file(Model& model, const std::string& path);

}  // namespace inlay::core
