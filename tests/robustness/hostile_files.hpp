// Hostile model files, made by the tests themselves (no fixture, no Python): .keras archives written byte by
// byte (so an entry can claim any size), Keras configs declaring huge weights, TensorFlow.js directories
// whose shards are links, FIFOs or directories. Shared by test_hostile_files.cpp and
// hostile_files_under_limits.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../support/test_support.hpp"

namespace hostile {

using TempDir = inlay_test::TempDir;

void write_file(const std::filesystem::path& path, const std::string& bytes);
// mkfifo; nothing ever opens its other end, so whoever opens it to read without O_NONBLOCK waits forever.
void make_fifo(const std::filesystem::path& path);

// One member of a zip archive.
struct ZipEntry {
  std::string name;
  std::string data;  // the member's contents
  bool deflate = false;  // stored otherwise
  // The uncompressed size its headers claim instead of data.size() (a lying entry).
  std::optional<std::uint32_t> claimed_size;
};
// A member stored as is, and one deflated (claiming `claimed_size` bytes when given).
ZipEntry stored(std::string name, std::string data);
ZipEntry deflated(std::string name, std::string data, std::optional<std::uint32_t> claimed_size = std::nullopt);
// The zip archive of these entries (local headers, data, central directory; no zip64).
std::string zip_archive(const std::vector<ZipEntry>& entries);

// A Keras 3 Sequential config (config.json's text): an InputLayer of batch_shape [null, units] and `layers`
// Dense layers "d0", "d1", ... of `units` units each, without bias: each kernel holds units^2 float32.
std::string dense_stack_config(int layers, std::int64_t units);
// The same model as a TensorFlow.js model.json whose single weight group lists every kernel, in `shard`.
std::string dense_stack_tfjs(int layers, std::int64_t units, const std::string& shard);

// A .keras archive holding this config.json, a metadata.json and a model.weights.h5 of these bytes.
std::string keras_archive(const std::string& config_json, const std::string& weights_h5);

// The tiny TensorFlow.js model of the path tests: Dense(1) on 2 features, kernel [[0.5], [-2]], bias [0.25]
// (12 bytes of float32 weights), its manifest naming the shard `shard_path` (relative to model.json).
std::string tiny_tfjs_model_json(const std::string& shard_path);
// Those 12 bytes, little-endian float32.
std::string tiny_tfjs_weights();

}  // namespace hostile
