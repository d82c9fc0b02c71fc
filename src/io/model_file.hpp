// Models from files: inlay_model_load's dispatch, plus the small helpers the file readers share.
//
// What load_model_file accepts, recognized by content (the extension only breaks ties):
//   - a Keras 3 ".keras" file (a zip: config.json, metadata.json, model.weights.h5)        -> keras_file
//   - a tf.keras / Keras legacy HDF5 ".h5" file (model_config attribute + model_weights)    -> keras_file
//   - a TensorFlow.js layers model: its model.json, or the directory holding it              -> tfjs_file
// Files are untrusted: every size is capped or checked against the model before anything is allocated,
// and every failure is a core::Error naming the file and what was wrong with it:
//   IoError      the file (or a member, shard) cannot be opened or read
//   ParseError   malformed contents: not a zip / HDF5 / JSON, missing members, truncated data, weights
//                missing from the file or present in it without a place in the model
//   ShapeMismatch a weight whose shape or element count differs from the model's
//   Unsupported  a format variant inlay does not read (tfjs graph models, string weights, ...)
// Errors of the model config itself (core::model_from_json's) keep their status, prefixed by the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/model.hpp"
#include "io/page_buffer.hpp"
#include "layers/dialect.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace inlay::core {

// What a caller may set for one load (inlay_model_load_with_options).
struct LoadOptions {
  // The most bytes of weights (as float32) this load may allocate. Unset: the default budget, which is what
  // the file's own weight data can back (io::check_weight_budget). A caller who sets it trusts the file's
  // sizes up to that many bytes instead (compressed weights can hold more than 4x their stored bytes).
  std::optional<std::uint64_t> max_weight_bytes;
};

// inlay_model_load: the model and its weights from a .keras file, a legacy .h5 file, or a TensorFlow.js
// model.json (or its directory).
std::unique_ptr<Model> load_model_file(const std::string& path, const LoadOptions& options = {});

namespace io {

// A file descriptor, closed when this goes.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Opens `path` for reading, refusing anything but a regular file (IoError naming `what`): the open never
// blocks (O_NONBLOCK, so a FIFO cannot hang the caller), then the descriptor is checked with fstat, so the
// file checked is the file read.
FileDescriptor open_regular_file(const std::filesystem::path& path, const std::string& what);

// The size of an open file, refusing anything but a regular file (IoError "'<name>': cannot read <what>: it
// is a FIFO, not a regular file"); clears O_NONBLOCK, which the non-blocking open left on it.
std::uint64_t require_regular_file(const FileDescriptor& file, const std::string& name, const std::string& what);

// "a directory", "a FIFO", "a symbolic link", ... for messages about a file that is not a regular file.
const char* file_kind(unsigned mode);

// Fills `out` from the file's current position (IoError when it cannot, or when the file ends first).
void read_exactly(const FileDescriptor& file, std::span<unsigned char> out, const std::string& name,
                  const std::string& what);

// Each weight value needs at most this many times the bytes a file stores it in (uint8-quantized tfjs
// weights and int8 Keras weights become float32).
inline constexpr std::uint64_t kMaxWeightExpansion = 4;

// The load's budget for the model's weights, checked after the model is built from its config (which
// allocates no weight memory) and before any weight is read: the weights as float32 must fit in
// options.max_weight_bytes when the caller set it, and otherwise in kMaxWeightExpansion times
// `backing_bytes`, the bytes of weight data the file holds, which `backing_what` names ("model.weights.h5, of
// 20 bytes,"): the tfjs shards' sizes as fstat gives them, a legacy .h5 file's size, or the size a .keras
// zip entry gives (a claim, but one its reading enforces: an entry that holds less fails as truncated
// before any weight is allocated). Throws OutOfMemory (the caller's limit) or ParseError (a file declaring
// weights its data cannot hold).
void check_weight_budget(const Model& model, std::uint64_t backing_bytes, const LoadOptions& options,
                         const std::string& file, const std::string& backing_what);

// The largest JSON document (config.json, model.json, an HDF5 model_config attribute) inlay reads.
inline constexpr std::uint64_t kMaxJsonBytes = 64ull << 20;
// JSON nesting deeper than this is refused (model configs are a few levels deep).
inline constexpr int kMaxJsonDepth = 256;

// "'<path>': <message>" as an Error of the given status.
[[noreturn]] void fail(Status status, const std::string& file, const std::string& message);

// The whole regular file (open_regular_file), refusing one larger than max_bytes (IoError when unreadable,
// ParseError when too large); memory grows with the bytes actually read.
std::vector<unsigned char> read_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                     const std::string& what);
// The same bytes in a PageBuffer: for a weights file whose pages go back as its datasets are read.
PageBuffer read_file_pages(const std::filesystem::path& path, std::uint64_t max_bytes, const std::string& what);

// JSON text to a value, refusing malformed text and nesting deeper than kMaxJsonDepth (ParseError naming
// `what`).
Json parse_json(std::string_view text, const std::string& file, const std::string& what);

// core::model_from_json on a file's model config, read as `dialect` (the file's producer, which its format
// tells); its errors keep their status and get the file as context.
std::unique_ptr<Model> model_from_file_json(const Json& json, const std::string& file, Dialect dialect);

// A model's weights, grouped by layer in model.layers order (only layers that have weights), each layer's
// trainable weights first: the order Keras saves and model.weights lists them. A nested model (a Sequential or
// Functional used as a layer) is one entry holding all its inner weights, trainable ones first (tf.keras's
// order for it in a .h5 file).
struct LayerWeights {
  Layer* layer = nullptr;
  std::vector<Weight*> weights;
};
std::vector<LayerWeights> weights_by_layer(const Model& model);

// Total bytes of the model's weights stored as elements of elem_bytes each (saturating; for caps).
std::uint64_t weight_bytes(const Model& model, std::uint64_t elem_bytes);

// "'a', 'b', 'c' (and 7 more)" for messages.
std::string quoted_list(const std::vector<std::string>& items, std::size_t max_items = 8);

}  // namespace io
}  // namespace inlay::core
