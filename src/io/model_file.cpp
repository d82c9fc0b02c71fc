#include "io/model_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/keras_file.hpp"
#include "io/model_json.hpp"
#include "io/tfjs_file.hpp"
#include "util/logging.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace io {

void fail(Status status, const std::string& file, const std::string& message) {
  throw Error(status, python::quote(file) + ": " + message);
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

const char* file_kind(unsigned mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

std::uint64_t require_regular_file(const FileDescriptor& file, const std::string& name, const std::string& what) {
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) fail(Status::IoError, name, "cannot read " + what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) {
    fail(Status::IoError, name, "cannot read " + what + ": it is " + file_kind(st.st_mode) + ", not a regular file");
  }
  // Reads of a regular file never block anyway; the flag is cleared so that reads behave as usual.
  const int flags = ::fcntl(file.get(), F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) != 0) ::fcntl(file.get(), F_SETFL, flags & ~O_NONBLOCK);
  return static_cast<std::uint64_t>(st.st_size);
}

FileDescriptor open_regular_file(const std::filesystem::path& path, const std::string& what) {
  const std::string name = path.string();
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) fail(Status::IoError, name, "cannot open " + what + ": " + std::strerror(errno));
  FileDescriptor file(fd);
  require_regular_file(file, name, what);
  return file;
}

void read_exactly(const FileDescriptor& file, std::span<unsigned char> out, const std::string& name,
                  const std::string& what) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = ::read(file.get(), out.data() + done, out.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(Status::IoError, name, "error reading " + what + ": " + std::strerror(errno));
    if (got == 0) {
      fail(Status::IoError, name,
           "error reading " + what + ": it ended after " + std::to_string(done) + " of its " +
               std::to_string(out.size()) + " bytes (it shrank while being read)");
    }
    done += static_cast<std::size_t>(got);
  }
}

namespace {

// Reads the whole of a regular file, at most max_bytes (reads stop at max_bytes + 1 either way, in case the
// file grows meanwhile): expect(the size fstat gave), then append(offset, bytes, count) for each piece.
template <class Append>
void read_whole_file(const std::filesystem::path& path, std::uint64_t max_bytes, const std::string& what,
                     const std::function<void(std::uint64_t)>& expect, Append&& append) {
  const std::string name = path.string();
  const FileDescriptor file = open_regular_file(path, what);
  const std::uint64_t size = require_regular_file(file, name, what);
  if (size > max_bytes) {
    fail(Status::ParseError, name,
         what + " is " + std::to_string(size) + " bytes, more than the " + std::to_string(max_bytes) + " inlay reads");
  }
  expect(size);
  std::uint64_t total = 0;
  std::array<unsigned char, 1 << 16> chunk{};
  for (;;) {
    const ssize_t got = ::read(file.get(), chunk.data(), chunk.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      fail(Status::IoError, name, "error reading " + what + ": " + std::strerror(errno));
    }
    if (got == 0) break;
    if (total + static_cast<std::uint64_t>(got) > max_bytes) {
      fail(Status::ParseError, name, what + " is more than the " + std::to_string(max_bytes) + " bytes inlay reads");
    }
    append(total, chunk.data(), static_cast<std::size_t>(got));
    total += static_cast<std::uint64_t>(got);
  }
}

}  // namespace

std::vector<unsigned char> read_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                     const std::string& what) {
  // Reserved by the size fstat gave (a regular file's, at most max_bytes).
  std::vector<unsigned char> data;
  read_whole_file(
      path, max_bytes, what, [&](std::uint64_t size) { data.reserve(static_cast<std::size_t>(size)); },
      [&](std::uint64_t, const unsigned char* bytes, std::size_t count) {
        data.insert(data.end(), bytes, bytes + count);
      });
  return data;
}

PageBuffer read_file_pages(const std::filesystem::path& path, std::uint64_t max_bytes, const std::string& what) {
  PageBuffer pages(0);
  std::uint64_t used = 0;
  read_whole_file(
      path, max_bytes, what, [&](std::uint64_t size) { pages.resize(static_cast<std::size_t>(size)); },
      [&](std::uint64_t at, const unsigned char* bytes, std::size_t count) {
        if (at + count > pages.size()) pages.resize(static_cast<std::size_t>(std::max(at + count, 2 * pages.size())));
        std::memcpy(pages.data() + at, bytes, count);
        used = at + count;
      });
  pages.resize(static_cast<std::size_t>(used));
  return pages;
}

void check_weight_budget(const Model& model, std::uint64_t backing_bytes, const LoadOptions& options,
                         const std::string& file, const std::string& backing_what) {
  const std::uint64_t needed = weight_bytes(model, sizeof(float));
  if (options.max_weight_bytes) {
    if (needed > *options.max_weight_bytes) {
      fail(Status::OutOfMemory, file,
           "the model's weights take " + std::to_string(needed) + " bytes as float32, more than this load's "
           "limit of " + std::to_string(*options.max_weight_bytes) + " bytes (max_weight_bytes)");
    }
    return;
  }
  const std::uint64_t backed = backing_bytes > UINT64_MAX / kMaxWeightExpansion ? UINT64_MAX
                                                                                : backing_bytes * kMaxWeightExpansion;
  if (needed > backed) {
    fail(Status::ParseError, file,
         "the model's config declares weights of " + std::to_string(needed) + " bytes as float32, which " +
             backing_what + " cannot hold (at most " + std::to_string(kMaxWeightExpansion) +
             "x its size); a file whose weights are compressed loads with a max_weight_bytes option");
  }
}

Json parse_json(std::string_view text, const std::string& file, const std::string& what) {
  // Depth and size are checked before parsing: before a deep document can exhaust the stack of a recursive
  // walk, and before millions of values are allocated.
  const JsonScan scan = scan_json(text, kMaxJsonDepth);
  if (scan.too_deep) {
    fail(Status::ParseError, file, what + " nests JSON deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  if (scan.values > kMaxJsonValues) {
    fail(Status::ParseError, file, what + " holds " + std::to_string(scan.values) + " JSON values, more than the " +
                                       std::to_string(kMaxJsonValues) + " inlay reads");
  }
  try {
    return parse_json_text(text);
  } catch (const nlohmann::json::exception& e) {
    fail(Status::ParseError, file, what + " is not valid JSON: " + e.what());
  }
}

std::unique_ptr<Model> model_from_file_json(const Json& json, const std::string& file, Dialect dialect) {
  try {
    return model_from_json(json, dialect);
  } catch (const Error& e) {
    throw Error(e.status(), python::quote(file) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    // A config whose weights cannot be allocated (a Dense of 2^40 units): the file is what to look at.
    throw Error(Status::OutOfMemory, python::quote(file) + ": out of memory building the model of its config");
  } catch (const std::length_error&) {
    throw Error(Status::OutOfMemory, python::quote(file) + ": out of memory building the model of its config");
  }
}

std::vector<LayerWeights> weights_by_layer(const Model& model) {
  std::vector<LayerWeights> out;
  for (Layer* layer : model.layers()) {
    LayerWeights entry{layer, {}};
    // A nested model's weights are those of all its layers (Keras 2's Layer.weights of a Functional), listed
    // as tf.keras saves them in a .h5: every trainable one first, then the others.
    const Model* inner = layer->nested_model();
    if (inner != nullptr) {
      for (bool trainable : {true, false}) {
        for (Weight* w : inner->weights()) {
          if (w->trainable == trainable) entry.weights.push_back(w);
        }
      }
    } else {
      entry.weights = all_weights(*layer);  // a wrapper's (TimeDistributed) include its wrapped layer's
    }
    if (!entry.weights.empty()) out.push_back(std::move(entry));
  }
  return out;
}

std::uint64_t weight_bytes(const Model& model, std::uint64_t elem_bytes) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t total = 0;
  for (const Weight* w : model.weights()) {
    const std::uint64_t n = w->size();
    if (n != 0 && elem_bytes > kMax / n) return kMax;
    if (total > kMax - n * elem_bytes) return kMax;
    total += n * elem_bytes;
  }
  return total;
}

std::string quoted_list(const std::vector<std::string>& items, std::size_t max_items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i > 0) out += ", ";
    out += python::quote(items[i]);
  }
  if (items.size() > max_items) out += " (and " + std::to_string(items.size() - max_items) + " more)";
  return out;
}

}  // namespace io

namespace {

enum class Format { Keras, LegacyH5, Tfjs };

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return text;
}

// What the file is, from its first bytes; the extension decides only for files that are none of them
// (so the reader of the format it claims reports what is wrong with it).
Format detect(const std::filesystem::path& path) {
  const std::string name = path.string();
  const io::FileDescriptor file = io::open_regular_file(path, "the model file");
  std::array<char, 64> head{};
  std::size_t n = 0;
  while (n < head.size()) {
    const ssize_t got = ::read(file.get(), head.data() + n, head.size() - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) io::fail(Status::IoError, name, std::string("cannot read the model file: ") + std::strerror(errno));
    if (got == 0) break;
    n += static_cast<std::size_t>(got);
  }
  const std::string_view bytes(head.data(), n);
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4) ||
      bytes.substr(0, 4) == std::string_view("PK\x05\x06", 4)) {
    return Format::Keras;
  }
  if (bytes.substr(0, 8) == std::string_view("\x89HDF\r\n\x1a\n", 8)) return Format::LegacyH5;
  std::size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // UTF-8 byte order mark
  while (i < n && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) ++i;
  if (i < n && bytes[i] == '{') return Format::Tfjs;
  const std::string lowered = lower(name);
  if (ends_with(lowered, ".keras") || ends_with(lowered, ".zip")) return Format::Keras;
  if (ends_with(lowered, ".h5") || ends_with(lowered, ".hdf5") || ends_with(lowered, ".keras.h5")) {
    return Format::LegacyH5;
  }
  if (ends_with(lowered, ".json")) return Format::Tfjs;
  io::fail(Status::ParseError, name,
           "not a model file inlay reads: neither a Keras .keras file (zip), a Keras HDF5 .h5 file, nor a "
           "TensorFlow.js model.json");
}

}  // namespace

std::unique_ptr<Model> load_model_file(const std::string& path, const LoadOptions& options) {
  if (path.empty()) throw_invalid("inlay_model_load: the path is empty");
  const std::filesystem::path p(path);
  std::error_code ec;
  const auto status = std::filesystem::status(p, ec);
  if (ec || !std::filesystem::exists(status)) {
    io::fail(Status::IoError, path,
             "cannot open the model file: " + (ec ? ec.message() : std::string("no such file or directory")));
  }
  if (std::filesystem::is_directory(status)) {
    log().debug("loading the TensorFlow.js model in directory '{}'", path);
    return load_tfjs_model(p / "model.json", options);
  }
  switch (detect(p)) {
    case Format::Keras:
      log().debug("loading the Keras file '{}'", path);
      return load_keras_file(path, options);
    case Format::LegacyH5:
      // Loaded by default: inlay's own HDF5 reader checks every byte it reads (src/io/hdf5/), so the old
      // INLAY_TRUSTED_H5=1 opt-in (for libhdf5, which could crash on crafted files) is no longer needed and
      // no longer read.
      log().debug("loading the Keras HDF5 file '{}'", path);
      return load_legacy_h5_file(path, options);
    case Format::Tfjs:
      break;
  }
  log().debug("loading the TensorFlow.js model '{}'", path);
  return load_tfjs_model(p, options);
}

}  // namespace inlay::core
