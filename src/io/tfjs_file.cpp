#include "io/tfjs_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "io/model_file.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

using io::fail;
using python::quote;

enum class Encoding { Float32, Int32, Uint8, Uint16, Float16 };

std::uint64_t element_bytes(Encoding e) {
  switch (e) {
    case Encoding::Uint8:
      return 1;
    case Encoding::Uint16:
    case Encoding::Float16:
      return 2;
    case Encoding::Float32:
    case Encoding::Int32:
      break;
  }
  return 4;
}

struct ManifestWeight {
  std::string name;
  Weight* target = nullptr;
  Encoding encoding = Encoding::Float32;
  double min = 0.0;
  double scale = 1.0;
  std::uint64_t bytes = 0;
};

struct ManifestGroup {
  std::vector<std::string> paths;
  std::vector<ManifestWeight> weights;
  std::uint64_t bytes = 0;
};

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  std::uint32_t mantissa = h & 0x3ffu;
  std::uint32_t bits = 0;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf, NaN
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {  // subnormal: normalize
    std::uint32_t e = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((mantissa & 0x3ffu) << 13);
  } else {
    bits = sign;
  }
  float out = 0.0f;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned>(p[0]) | static_cast<unsigned>(p[1]) << 8);
}

void decode(const unsigned char* p, const ManifestWeight& mw) {
  float* out = mw.target->mutable_data();
  const std::size_t n = mw.target->size();
  switch (mw.encoding) {
    case Encoding::Float32:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t bits = le32(p + 4 * i);
        std::memcpy(&out[i], &bits, sizeof bits);
      }
      break;
    case Encoding::Int32:
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<std::int32_t>(le32(p + 4 * i)));
      break;
    case Encoding::Uint8:
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(p[i] * mw.scale + mw.min);
      break;
    case Encoding::Uint16:
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(le16(p + 2 * i) * mw.scale + mw.min);
      break;
    case Encoding::Float16:
      for (std::size_t i = 0; i < n; ++i) out[i] = half_to_float(le16(p + 2 * i));
      break;
  }
}

class ManifestReader {
 public:
  ManifestReader(Model& model, std::string file) : file_(std::move(file)) {
    for (const io::LayerWeights& lw : io::weights_by_layer(model)) {
      for (Weight* w : lw.weights) {
        const std::string key = lw.layer->name() + "/" + w->name;
        add_key(key, w);
        // Weights held in a sublayer are named by their path ("lstm/lstm_cell/kernel": an RNN's cell).
        if (w->path != key) add_key(w->path, w);
        order_.push_back(w);
      }
    }
  }

  std::vector<ManifestGroup> read(const Json& manifest) {
    std::vector<ManifestGroup> groups;
    if (manifest.is_null()) {
      check_complete();
      return groups;
    }
    if (!manifest.is_array()) bad("\"weightsManifest\" is not a list");
    for (std::size_t g = 0; g < manifest.size(); ++g) groups.push_back(group(manifest[g], g));
    check_complete();
    return groups;
  }

 private:
  [[noreturn]] void bad(const std::string& why) const { fail(Status::ParseError, file_, "model.json: " + why); }

  ManifestGroup group(const Json& entry, std::size_t g) {
    const std::string where = "weightsManifest[" + std::to_string(g) + "]";
    if (!entry.is_object()) bad(where + " is not an object");
    ManifestGroup out;
    const Json& paths = entry.contains("paths") ? entry["paths"] : Json();
    if (!paths.is_array()) bad(where + " has no \"paths\" list");
    for (const Json& p : paths) {
      if (!p.is_string()) bad(where + ".paths holds a non-string");
      out.paths.push_back(p.get<std::string>());
    }
    const Json& weights = entry.contains("weights") ? entry["weights"] : Json();
    if (!weights.is_array()) bad(where + " has no \"weights\" list");
    for (std::size_t i = 0; i < weights.size(); ++i) {
      ManifestWeight mw = weight(weights[i], where + ".weights[" + std::to_string(i) + "]");
      out.bytes += mw.bytes;  // bounded: every weight is a distinct model weight of at most 4 bytes per value
      out.weights.push_back(std::move(mw));
    }
    return out;
  }

  ManifestWeight weight(const Json& entry, const std::string& where) {
    if (!entry.is_object()) bad(where + " is not an object");
    if (!entry.contains("name") || !entry["name"].is_string()) bad(where + " has no \"name\"");
    ManifestWeight mw;
    mw.name = entry["name"].get<std::string>();
    const std::string named = "weight " + quote(mw.name) + " (" + where + ")";
    if (!entry.contains("shape") || !entry["shape"].is_array()) bad(named + " has no \"shape\" list");
    std::vector<int64_t> dims;
    for (const Json& d : entry["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0 ||
          (d.is_number_unsigned() && d.get<std::uint64_t>() > INT64_MAX)) {
        bad(named + " has a shape that is not a list of sizes: " + entry["shape"].dump());
      }
      dims.push_back(d.get<int64_t>());
    }
    const Shape shape(dims);
    std::uint64_t count = 0;
    try {
      count = static_cast<std::uint64_t>(shape.num_elements().value_or(0));
    } catch (const Error&) {
      bad(named + " has a shape whose size overflows: " + shape.to_tuple_string());
    }

    const std::string dtype =
        entry.contains("dtype") && entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "";
    if (dtype == "float32") {
      mw.encoding = Encoding::Float32;
    } else if (dtype == "int32") {
      mw.encoding = Encoding::Int32;
    } else if (dtype.empty()) {
      bad(named + (entry.contains("dtype") ? " has a \"dtype\" that is not a dtype name: " + entry["dtype"].dump()
                                           : " has no \"dtype\""));
    } else {
      fail(Status::Unsupported, file_,
           "model.json: " + named + " has dtype " + quote(dtype) + "; inlay reads float32 and int32 weights");
    }
    if (entry.contains("quantization") && !entry["quantization"].is_null()) {
      const Json& q = entry["quantization"];
      if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string())
        bad(named + " has a malformed \"quantization\"");
      const std::string qtype = q["dtype"].get<std::string>();
      if (qtype == "uint8" || qtype == "uint16") {
        mw.encoding = qtype == "uint8" ? Encoding::Uint8 : Encoding::Uint16;
        if (!q.contains("scale") || !q["scale"].is_number() || !q.contains("min") || !q["min"].is_number()) {
          bad(named + " is quantized to " + qtype + " without numbers \"scale\" and \"min\"");
        }
        mw.scale = q["scale"].get<double>();
        mw.min = q["min"].get<double>();
        if (!std::isfinite(mw.scale) || !std::isfinite(mw.min))
          bad(named + " has a non-finite quantization scale or min");
      } else if (qtype == "float16") {
        mw.encoding = Encoding::Float16;
      } else {
        fail(Status::Unsupported, file_,
             "model.json: " + named + " is quantized to " + quote(qtype) +
                 "; inlay reads uint8, uint16 and float16 quantization");
      }
    }

    mw.target = match(mw.name);
    if (mw.target == nullptr) {
      std::vector<std::string> keys;
      for (const auto& [key, w] : by_key_) keys.push_back(key);
      bad(named + " matches no weight of the model (its weights: " + io::quoted_list(keys) + ")");
    }
    if (auto [it, fresh] = assigned_.emplace(mw.target, mw.name); !fresh) {
      bad("weights " + quote(it->second) + " and " + quote(mw.name) +
          " of the manifest are both for the model's weight " + quote(mw.target->path));
    }
    if (mw.target->shape.dims() != dims) {
      fail(Status::ShapeMismatch, file_,
           "model.json: " + named + " has shape " + shape.to_tuple_string() + ", but the model's weight " +
               quote(mw.target->path) + " has shape " + mw.target->shape.to_tuple_string());
    }
    if (count != mw.target->size()) {
      fail(Status::ShapeMismatch, file_,
           "model.json: " + named + " has " + std::to_string(count) + " values, the model's weight " +
               quote(mw.target->path) + " has " + std::to_string(mw.target->size()));
    }
    mw.bytes = count * element_bytes(mw.encoding);
    return mw;
  }

  // The model weight a manifest name is for: "<layer>/<weight>", after dropping a ":0" suffix and, when
  // that does not match, leading scopes ("sequential/dense/kernel" -> "dense/kernel"). Stripping scopes one
  // at a time would cost the name's length per '/' (quadratic in a hostile name); instead only the suffixes
  // with as many '/' as some model key can match, so those few are looked up, longest first as before.
  void add_key(const std::string& key, Weight* w) {
    key_depths_.insert(static_cast<std::size_t>(std::count(key.begin(), key.end(), '/')));
    if (!by_key_.emplace(key, w).second) ambiguous_.insert(key);
  }

  Weight* match(std::string_view name) const {
    if (Weight* w = match_name(name)) return w;
    // tf.keras names DepthwiseConv's kernel "depthwise_kernel", Keras 3 "kernel" (SeparableConv keeps
    // "depthwise_kernel" in both, and matched above).
    constexpr std::string_view kTfKerasDepthwise = "/depthwise_kernel";
    if (name.size() > kTfKerasDepthwise.size() && name.ends_with(kTfKerasDepthwise)) {
      return match_name(std::string(name.substr(0, name.size() - kTfKerasDepthwise.size())) + "/kernel");
    }
    constexpr std::string_view kTfKerasDepthwiseScoped = "/depthwise_kernel:0";
    if (name.size() > kTfKerasDepthwiseScoped.size() && name.ends_with(kTfKerasDepthwiseScoped)) {
      return match_name(std::string(name.substr(0, name.size() - kTfKerasDepthwiseScoped.size())) + "/kernel");
    }
    return nullptr;
  }

  Weight* match_name(std::string_view name) const {
    const std::size_t colon = name.rfind(':');
    if (colon != std::string_view::npos && colon + 1 < name.size() &&
        name.find_first_not_of("0123456789", colon + 1) == std::string_view::npos) {
      name = name.substr(0, colon);
    }
    for (auto depth = key_depths_.rbegin(); depth != key_depths_.rend(); ++depth) {
      const std::optional<std::string_view> suffix = suffix_with_slashes(name, *depth);
      if (!suffix) continue;
      if (auto it = by_key_.find(*suffix); it != by_key_.end()) {
        if (ambiguous_.count(*suffix) != 0) bad("the model has two weights named " + quote(std::string(*suffix)));
        return it->second;
      }
    }
    return nullptr;
  }

  // The end of `name` holding exactly `slashes` '/' and starting at the beginning or after a '/'.
  static std::optional<std::string_view> suffix_with_slashes(std::string_view name, std::size_t slashes) {
    std::size_t start = name.size();
    for (std::size_t seen = 0; seen <= slashes; ++seen) {
      const std::size_t slash = start == 0 ? std::string_view::npos : name.rfind('/', start - 1);
      if (slash == std::string_view::npos) return seen == slashes ? std::optional(name) : std::nullopt;
      start = slash;
    }
    return name.substr(start + 1);
  }

  void check_complete() const {
    std::vector<std::string> missing;
    for (const Weight* w : order_) {
      if (assigned_.count(w) == 0) missing.push_back(w->path);
    }
    if (!missing.empty()) {
      bad("weightsManifest has no values for " + std::to_string(missing.size()) + " of the model's " +
          std::to_string(order_.size()) + " weights: " + io::quoted_list(missing));
    }
  }

  std::string file_;
  std::map<std::string, Weight*, std::less<>> by_key_;
  std::set<std::string, std::less<>> ambiguous_;
  std::set<std::size_t> key_depths_;  // how many '/' the keys of by_key_ hold
  std::vector<Weight*> order_;
  std::map<const Weight*, std::string> assigned_;
};

// The components of a shard path from the manifest ("group1-shard1of2.bin", "weights/part1.bin"), refusing
// paths that could leave the model's directory by their text: absolute ones and "..".
std::vector<std::string> shard_components(const std::string& relative, const std::string& file) {
  auto refuse = [&](const std::string& why) {
    fail(Status::ParseError, file, "model.json: the shard path " + quote(relative) + " " + why);
  };
  if (relative.empty()) refuse("is empty");
  if (relative.find('\0') != std::string::npos) refuse("holds a NUL character");
  if (relative.find('\\') != std::string::npos) refuse("holds a backslash");
  const std::filesystem::path p(relative);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory())
    refuse("is absolute; shards must be next to model.json");
  std::vector<std::string> parts;
  for (const auto& part : p) {
    if (part == "..") refuse("leaves the model's directory");
    if (part.empty() || part == ".") continue;
    parts.push_back(part.string());
  }
  if (parts.empty()) refuse("names no file");
  return parts;
}

// One weight shard, opened: the descriptor its bytes are read from, and its size as fstat gave it.
struct Shard {
  std::string relative;  // as the manifest spells it
  io::FileDescriptor fd;
  std::uint64_t size = 0;
};

// The directory holding model.json, opened once: every shard is opened beneath this descriptor.
io::FileDescriptor open_model_directory(const std::filesystem::path& dir, const std::string& file) {
  const std::filesystem::path where = dir.empty() ? std::filesystem::path(".") : dir;
  int fd = -1;
  do {
    fd = ::open(where.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    fail(Status::IoError, file, "cannot open the model's directory " + quote(where.string()) + ": " + std::strerror(errno));
  }
  return io::FileDescriptor(fd);
}

// A shard, opened one path component at a time beneath the model's directory with O_NOFOLLOW, so that the
// file opened is the file checked and nothing outside the directory is reached: a symbolic link anywhere in
// the path is refused, even one that stays inside (resolving links safely beneath a directory needs
// openat2(RESOLVE_BENEATH), which Debian 12's glibc does not wrap and container seccomp profiles may refuse;
// realpath-then-open can be raced; converters write no links). O_NONBLOCK: a FIFO is refused, never waited
// on; the last component must be a regular file.
Shard open_shard(const io::FileDescriptor& dir, const std::string& relative, const std::string& file) {
  const std::vector<std::string> parts = shard_components(relative, file);
  const std::string what = "the weight shard " + quote(relative);
  io::FileDescriptor at;  // the directory the next component is opened in; invalid: `dir`
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | (last ? O_NONBLOCK : O_DIRECTORY);
    const int parent = at.get() >= 0 ? at.get() : dir.get();
    int fd = -1;
    do {
      fd = ::openat(parent, parts[i].c_str(), flags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      const int error = errno;
      struct stat st {};
      const bool is_link = ::fstatat(parent, parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
      if (is_link) {
        fail(Status::IoError, file,
             "cannot read " + what + ": " + quote(parts[i]) + " is a symbolic link; inlay follows no links inside "
             "a model's directory (they could lead outside it)");
      }
      if (!last && error == ENOTDIR) {
        fail(Status::IoError, file, "cannot read " + what + ": " + quote(parts[i]) + " is not a directory");
      }
      fail(Status::IoError, file, "cannot read " + what + ": " + std::strerror(error));
    }
    at = io::FileDescriptor(fd);
  }
  Shard shard{relative, std::move(at), 0};
  shard.size = io::require_regular_file(shard.fd, file, what);
  return shard;
}

// Every shard of every group, opened and sized before any is read (so the budget sees what the files hold).
std::vector<std::vector<Shard>> open_shards(const std::filesystem::path& dir, const std::vector<ManifestGroup>& groups,
                                           const std::string& file) {
  std::vector<std::vector<Shard>> shards(groups.size());
  if (groups.empty()) return shards;
  const io::FileDescriptor directory = open_model_directory(dir, file);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const std::string& relative : groups[g].paths) shards[g].push_back(open_shard(directory, relative, file));
  }
  return shards;
}

std::uint64_t total_size(const std::vector<Shard>& shards) {
  std::uint64_t total = 0;
  for (const Shard& shard : shards) total = shard.size > UINT64_MAX - total ? UINT64_MAX : total + shard.size;
  return total;
}

// A group whose shards do not hold exactly the bytes its weights take: which weight they end in (truncated),
// or how much they hold beyond the last one.
[[noreturn]] void fail_group_size(const ManifestGroup& group, std::uint64_t total, std::size_t g,
                                  const std::string& file) {
  std::string why;
  if (total < group.bytes) {
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < group.weights.size(); ++i) {
      const ManifestWeight& mw = group.weights[i];
      if (offset + mw.bytes > total) {
        const std::size_t after = group.weights.size() - i - 1;
        why = ": weight " + quote(mw.name) + " (bytes " + std::to_string(offset) + ".." +
              std::to_string(offset + mw.bytes) + ") is cut short" +
              (after > 0 ? ", and the " + std::to_string(after) + " weight(s) after it are missing" : "") +
              " (truncated shards?)";
        break;
      }
      offset += mw.bytes;
    }
  } else {
    why = ": " + std::to_string(total - group.bytes) + " byte(s) more than the weights it lists";
  }
  fail(Status::ParseError, file,
       "the shards of weightsManifest[" + std::to_string(g) + "] hold " + std::to_string(total) +
           " bytes, but its weights take " + std::to_string(group.bytes) + why + "; its shards: " +
           io::quoted_list(group.paths));
}

// A group's bytes: its shards' contents, concatenated, read from the descriptors that were sized (their
// total is the group's, checked before).
std::vector<unsigned char> read_group(const ManifestGroup& group, const std::vector<Shard>& shards,
                                      const std::string& file) {
  std::vector<unsigned char> data(static_cast<std::size_t>(group.bytes));
  std::size_t offset = 0;
  for (const Shard& shard : shards) {
    io::read_exactly(shard.fd, std::span(data).subspan(offset, static_cast<std::size_t>(shard.size)), file,
                     "the weight shard " + quote(shard.relative));
    offset += static_cast<std::size_t>(shard.size);
  }
  return data;
}

// The manifest names of a nested model's weights (what the TensorFlow.js converter writes for a Sequential or
// Functional used as a layer) are not checked against a converter's output yet, so such a model is refused
// rather than guessed at; its .keras and .h5 files load.
void refuse_nested_weights(const Model& model, const std::string& file) {
  for (const Layer* layer : model.layers()) {
    const Model* inner = layer->nested_model();
    if (inner != nullptr && !inner->weights().empty()) {
      fail(Status::Unsupported, file,
           "layer " + quote(layer->name()) + " is a " + std::string(inner->class_name()) +
               " with weights used as a layer: reading the weights of nested models from a TensorFlow.js model "
               "is not supported yet (the model's .keras or .h5 file loads)");
    }
  }
}

}  // namespace

std::unique_ptr<Model> load_tfjs_model(const std::filesystem::path& model_json, const LoadOptions& options) {
  const std::string file = model_json.string();
  const std::vector<unsigned char> text = io::read_file(model_json, io::kMaxJsonBytes, "model.json");
  const Json json =
      io::parse_json(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), file, "model.json");
  if (!json.is_object()) fail(Status::ParseError, file, "model.json is not a JSON object");
  if (json.contains("format")) {
    if (!json["format"].is_string()) fail(Status::ParseError, file, "model.json: \"format\" is not a string");
    const std::string format = json["format"].get<std::string>();
    if (format == "graph-model") {
      fail(Status::Unsupported, file,
           "TensorFlow.js graph models are not supported; inlay reads layers models "
           "(format \"layers-model\")");
    }
    if (format != "layers-model") {
      fail(Status::Unsupported, file,
           "unknown TensorFlow.js model format " + quote(format) +
               "; inlay reads layers models (format \"layers-model\")");
    }
  }
  if (!json.contains("modelTopology")) {
    fail(Status::ParseError, file,
         std::string("model.json has no \"modelTopology\": not a TensorFlow.js layers model") +
             (json.contains("class_name") ? " (a bare Keras model config: use inlay_model_from_json)" : ""));
  }
  // TensorFlow.js runs a model.json, whichever library it was converted from.
  std::unique_ptr<Model> model = io::model_from_file_json(json, file, Dialect::TensorFlowJs);
  refuse_nested_weights(*model, file);
  const std::vector<ManifestGroup> groups =
      ManifestReader(*model, file).read(json.contains("weightsManifest") ? json["weightsManifest"] : Json());
  // Every shard is opened and sized before anything is read or allocated: a group whose shards do not hold
  // exactly its weights' bytes is named as such, and the budget counts the bytes the files hold.
  const std::vector<std::vector<Shard>> shards = open_shards(model_json.parent_path(), groups, file);
  std::uint64_t shard_bytes = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::uint64_t n = total_size(shards[g]);
    if (n != groups[g].bytes) fail_group_size(groups[g], n, g, file);
    shard_bytes = n > UINT64_MAX - shard_bytes ? UINT64_MAX : shard_bytes + n;
  }
  io::check_weight_budget(*model, shard_bytes, options, file,
                          "its weight shards, of " + std::to_string(shard_bytes) + " bytes,");
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::vector<unsigned char> data = read_group(groups[g], shards[g], file);
    std::uint64_t offset = 0;
    for (const ManifestWeight& mw : groups[g].weights) {
      decode(data.data() + offset, mw);
      offset += mw.bytes;
    }
  }
  return model;
}

}  // namespace inlay::core
