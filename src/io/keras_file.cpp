#include "io/keras_file.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5/hdf5_file.hpp"
#include "io/model_file.hpp"
#include "io/model_json.hpp"
#include "io/page_buffer.hpp"
#include "util/logging.hpp"
#include "util/naming.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

using io::fail;
using io::PageBuffer;
using python::quote;

// The largest metadata.json read from a .keras file.
constexpr std::uint64_t kMaxMetadataBytes = 1ull << 20;
// Zip members are read (and their buffers grown) this many bytes at a time.
constexpr std::uint64_t kZipReadPiece = 1u << 20;
// HDF5 overhead allowed on top of the weights themselves in model.weights.h5 (groups, attributes, padding).
constexpr std::uint64_t kWeightsFileSlack = 64ull << 20;
// Upper bounds on what is walked in an HDF5 file: links per group, strings per attribute.
constexpr std::size_t kMaxLinks = 1u << 20;
constexpr std::uint64_t kMaxStrings = 1u << 20;

// ------------------------------------------------------------------------------------------------
// Zip archives (libzip)

class ZipArchive {
 public:
  explicit ZipArchive(const std::string& path) : path_(path) {
    // libzip reads the descriptor that was checked to be a regular file (opening by path again could meet a
    // FIFO swapped in meanwhile, and block).
    io::FileDescriptor fd = io::open_regular_file(path, "the .keras file");
    struct stat st {};
    archive_bytes_ = ::fstat(fd.get(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    int code = 0;
    zip_ = zip_fdopen(fd.get(), ZIP_CHECKCONS, &code);
    if (zip_ != nullptr) fd.release();  // the archive owns it now (zip_discard closes it)
    if (zip_ == nullptr) {
      zip_error_t error;
      zip_error_init_with_code(&error, code);
      const std::string text = zip_error_strerror(&error);
      zip_error_fini(&error);
      Status status = Status::ParseError;
      if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_SEEK || code == ZIP_ER_NOENT) {
        status = Status::IoError;
      } else if (code == ZIP_ER_MEMORY) {
        status = Status::OutOfMemory;
      }
      fail(status, path_, "not a readable Keras file (a .keras file is a zip archive): " + text);
    }
  }
  ~ZipArchive() { zip_discard(zip_); }
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The member's uncompressed size as its directory entry gives it; nullopt when there is no such member.
  std::optional<zip_stat_t> stat(const char* name) const {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, name, 0, &st) != 0) {
      if (zip_error_code_zip(zip_get_error(zip_)) == ZIP_ER_NOENT) {
        zip_error_clear(zip_);
        return std::nullopt;
      }
      fail(Status::ParseError, path_, std::string("cannot read the entry of ") + name + ": " + zip_strerror(zip_));
    }
    if ((st.valid & ZIP_STAT_SIZE) == 0 || (st.valid & ZIP_STAT_INDEX) == 0) {
      fail(Status::ParseError, path_, std::string("the zip entry of ") + name + " has no size");
    }
    return st;
  }

  // The member's bytes: exactly the size of its directory entry, at most max_bytes, CRC checked; memory grows
  // with the bytes read, not with the size the entry claims.
  std::vector<unsigned char> read(const zip_stat_t& st, std::uint64_t max_bytes) const {
    // The buffer grows with the bytes that actually arrive, never to the size the directory claims: an entry
    // claiming gigabytes but holding a few bytes costs a few bytes (then fails as truncated). Up front it
    // takes at most what the archive itself holds (so a stored member is read without regrowing), or 1 MiB
    // when that is more.
    std::vector<unsigned char> data;
    data.reserve(static_cast<std::size_t>(std::min(st.size, std::max(archive_bytes_, kZipReadPiece))));
    read_member(st, max_bytes, [&](std::uint64_t got, std::uint64_t want) {
      data.resize(static_cast<std::size_t>(got + want));
      return data.data() + got;
    });
    return data;
  }

  // The same bytes in an io::PageBuffer (model.weights.h5: its pages go back as its datasets are read), grown
  // as read() grows its vector.
  PageBuffer read_pages(const zip_stat_t& st, std::uint64_t max_bytes) const {
    check_size(st, max_bytes);
    PageBuffer pages(static_cast<std::size_t>(std::min(st.size, std::max(archive_bytes_, kZipReadPiece))));
    read_member(st, max_bytes, [&](std::uint64_t got, std::uint64_t want) {
      if (got + want > pages.size()) {
        pages.resize(static_cast<std::size_t>(std::min(st.size, std::max(got + want, 2 * pages.size()))));
      }
      return pages.data() + got;
    });
    return pages;
  }

 private:
  void check_size(const zip_stat_t& st, std::uint64_t max_bytes) const {
    const std::string name = st.name != nullptr ? st.name : "?";
    if (st.size > max_bytes) {
      fail(Status::ParseError, path_,
           name + " is " + std::to_string(st.size) + " bytes, more than the " + std::to_string(max_bytes) +
               " inlay reads for it");
    }
  }

  // Reads the member, exactly st.size bytes, CRC checked, in pieces of at most kZipReadPiece bytes, each
  // into room(got, want): where the `want` bytes after the first `got` go.
  template <class Room>
  void read_member(const zip_stat_t& st, std::uint64_t max_bytes, Room&& room) const {
    check_size(st, max_bytes);
    const std::string name = st.name != nullptr ? st.name : "?";
    zip_file_t* file = zip_fopen_index(zip_, st.index, 0);
    if (file == nullptr)
      fail(Status::ParseError, path_, "cannot open " + name + " in the archive: " + zip_strerror(zip_));
    struct Closer {
      zip_file_t* f;
      ~Closer() {
        if (f != nullptr) zip_fclose(f);
      }
    } closer{file};
    std::uint64_t got = 0;
    while (got < st.size) {
      const std::uint64_t want = std::min<std::uint64_t>(st.size - got, kZipReadPiece);
      const zip_int64_t n = zip_fread(file, room(got, want), want);
      if (n < 0) fail(Status::ParseError, path_, "cannot read " + name + ": " + zip_file_strerror(file));
      got += static_cast<std::uint64_t>(n);
      if (n == 0) break;
    }
    if (got < st.size) {
      fail(Status::ParseError, path_,
           name + " is truncated: " + std::to_string(got) + " of its " + std::to_string(st.size) + " bytes are there");
    }
    // Read on to the end, where libzip checks the data's CRC and length.
    unsigned char extra = 0;
    const zip_int64_t n = zip_fread(file, &extra, 1);
    if (n < 0) fail(Status::ParseError, path_, "cannot read " + name + ": " + zip_file_strerror(file));
    if (n > 0) fail(Status::ParseError, path_, name + " holds more bytes than its zip entry says");
    closer.f = nullptr;
    const int rc = zip_fclose(file);
    if (rc != 0) {
      zip_error_t error;
      zip_error_init_with_code(&error, rc);
      const std::string text = zip_error_strerror(&error);
      zip_error_fini(&error);
      fail(Status::ParseError, path_, "cannot read " + name + ": " + text);
    }
  }

  std::string path_;
  std::uint64_t archive_bytes_ = 0;  // the archive file's size: what its members can really hold
  zip_t* zip_ = nullptr;
};

// ------------------------------------------------------------------------------------------------
// HDF5 (inlay's own reader, src/io/hdf5/)

using hdf5::Hdf5File;
using hdf5::LinkType;
using hdf5::Object;

enum class LinkKind { Absent, Hard, Other };

LinkKind link_kind(const Object& group, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) return LinkKind::Absent;
  if (!group.is_group()) return LinkKind::Absent;
  const std::optional<LinkType> type = group.link_type(name);
  if (!type) return LinkKind::Absent;
  return *type == LinkType::Hard ? LinkKind::Hard : LinkKind::Other;
}

// The object at a relative path, one hard link at a time: soft and external links (which could lead into
// other files) are refused. nullopt when something on the way is absent; `why` says what.
std::optional<Object> open_path(const Object& from, const std::string& path, std::string& why) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.empty()) {
    why = "an empty path";
    return std::nullopt;
  }
  Object at = from;
  for (const std::string& part : parts) {
    switch (link_kind(at, part)) {
      case LinkKind::Absent:
        why = "no " + quote(part);
        return std::nullopt;
      case LinkKind::Other:
        why = quote(part) + " is a soft or external link";
        return std::nullopt;
      case LinkKind::Hard:
        break;
    }
    at = at.child(part);
  }
  return at;
}

// The names of a group's links, in name order.
std::vector<std::string> link_names(const Object& group, const std::string& file, const std::string& where) {
  std::vector<std::string> names = group.child_names();
  if (names.size() > kMaxLinks) {
    fail(Status::ParseError, file, where + " has " + std::to_string(names.size()) + " entries, more than inlay reads");
  }
  return names;
}

// A string attribute (scalar or 1-D, fixed or variable length) as its strings; nullopt when absent or not
// made of strings. At most max_bytes in all.
std::optional<std::vector<std::string>> string_attribute(const Object& obj, const std::string& name,
                                                         std::uint64_t max_bytes, const std::string& file,
                                                         const std::string& where) {
  const std::optional<hdf5::Attribute> attribute = obj.attribute(name, max_bytes);
  if (!attribute || !attribute->is_string()) return std::nullopt;
  const hdf5::Dataspace& space = attribute->space();
  if (space.kind == hdf5::SpaceKind::Simple && space.dims.size() != 1) {
    fail(Status::ParseError, file, "the attribute " + quote(name) + " of " + where + " is not a list of strings");
  }
  if (space.count > kMaxStrings) {
    fail(Status::ParseError, file, "the attribute " + quote(name) + " of " + where + " holds too many strings");
  }
  return attribute->strings();
}

// tf.keras splits long list attributes into NAME0, NAME1, ... (saving_utils.save_attributes_to_hdf5_group).
std::optional<std::vector<std::string>> list_attribute(const Object& obj, const std::string& name,
                                                       const std::string& file, const std::string& where) {
  if (auto whole = string_attribute(obj, name, io::kMaxJsonBytes, file, where)) return whole;
  std::optional<std::vector<std::string>> out;
  for (int chunk = 0;; ++chunk) {
    auto part = string_attribute(obj, name + std::to_string(chunk), io::kMaxJsonBytes, file, where);
    if (!part) break;
    if (!out) out.emplace();
    out->insert(out->end(), part->begin(), part->end());
    if (out->size() > kMaxStrings)
      fail(Status::ParseError, file, "the attribute " + quote(name) + " of " + where + " holds too many strings");
  }
  return out;
}

std::string dims_text(const std::vector<std::uint64_t>& dims) {
  std::vector<int64_t> as_int;
  for (std::uint64_t d : dims) {
    as_int.push_back(d > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(d));
  }
  return Shape(as_int).to_tuple_string();
}

// Checks that a dataset holds plain numbers inlay converts, with messages that say what it holds instead.
void check_numeric(const Object& dataset, const Weight& w, const std::string& file, const std::string& where) {
  const hdf5::Datatype& type = dataset.dtype();
  const auto type_class = type.type_class;
  if (type_class != hdf5::TypeClass::FloatingPoint && type_class != hdf5::TypeClass::FixedPoint) {
    fail(Status::ParseError, file,
         where + " (weight " + quote(w.path) + ") does not hold numbers (HDF5 type class " +
             std::to_string(static_cast<int>(type_class)) + ": " + type.describe() + ")");
  }
  if (!type.is_number()) {
    fail(Status::ParseError, file,
         where + " (weight " + quote(w.path) + ") holds " + type.describe() +
             "; inlay reads 2-, 4- and 8-byte floats (and bfloat16) and 1-, 2-, 4- and 8-byte integers");
  }
}

// Reads the dataset at `path` (relative to `from`) into w, after checking that it is a plain numeric dataset
// of w's shape. `where` names it in messages ("model.weights.h5: layers/dense/vars/0").
void read_weight(const Object& from, const std::string& path, Weight& w, const std::string& file,
                 const std::string& where) {
  std::string why;
  const std::optional<Object> object = open_path(from, path, why);
  if (!object) fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") cannot be opened: " + why);
  if (!object->is_dataset()) fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") is not a dataset");
  check_numeric(*object, w, file, where);
  const hdf5::Dataspace& space = object->dataspace();
  if (space.kind == hdf5::SpaceKind::Null) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") holds no data");
  }
  const std::vector<std::uint64_t>& dims = space.dims;
  bool same = dims.size() == w.shape.dims().size();
  for (std::size_t i = 0; same && i < dims.size(); ++i) {
    same = w.shape.dims()[i] >= 0 && dims[i] == static_cast<std::uint64_t>(w.shape.dims()[i]);
  }
  if (!same) {
    fail(Status::ShapeMismatch, file,
         "weight " + quote(w.path) + " has shape " + w.shape.to_tuple_string() + " in the model, but " + where +
             " has shape " + dims_text(dims));
  }
  if (space.count != w.size()) {
    fail(Status::ShapeMismatch, file,
         where + " holds " + std::to_string(space.count) + " values, weight " + quote(w.path) + " has " +
             std::to_string(w.size()));
  }
  // Raw data kept in other files (external storage, virtual datasets) is not followed.
  if (object->data_outside_file()) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") keeps its data outside the file");
  }
  if (w.size() == 0) return;
  object->read_as_float32(std::span<float>(w.mutable_data(), w.size()));
}

// ------------------------------------------------------------------------------------------------
// Keras 3 model.weights.h5

// One group <level>layers/<key> of the file.
struct SavedLayer {
  std::size_t n_vars = 0;  // links in <level>layers/<key>/vars
  bool used = false;
};

// Deeper nesting than the model's config allows (model_json's bound) never happens; the recursion follows the
// model, never the file, and this bound only keeps that explicit.
constexpr int kMaxModelNesting = 64;

// A layer's own weights in Keras's vars/<i> order: trainable ones first, unless the class saves them in a
// fixed order of its own.
std::vector<Weight*> own_weights(Layer& layer) {
  std::vector<Weight*> out;
  for (bool trainable : {true, false}) {
    for (Weight& w : layer.weights()) {
      if (w.trainable == trainable || layer.saves_variables_in_declared_order()) out.push_back(&w);
    }
    if (layer.saves_variables_in_declared_order()) break;
  }
  return out;
}

// Keras's own loading rule (saving_lib._load_state / _load_container_state): the layers of model.layers are
// visited in order, each at <level>layers/<key>, where <key> is the snake_case class name numbered per name
// within that model ("dense", "dense_1", ...; layers without weights take numbers too, a nested Sequential is
// "sequential"); a layer's variables are vars/0, vars/1, ...; a nested model's layers sit under its own group,
// <level>layers/<key>/layers/<inner key>. Keras >= 3.5 also writes the layer's name as an attribute of vars;
// Keras does not match by it when loading, and neither does inlay. The walk follows the model, never the file's
// links: a file's extra keys are counted, not entered, and each model level lists a different layers group
// (hard links aliasing one group for two models are refused), so a file's links cost what the file holds.
class Keras3WeightsLoader {
 public:
  explicit Keras3WeightsLoader(const std::string& file) : file_(file) {}

  // Loads `model`'s weights from `group` (the file's root, or a nested model's layers/<key> group), whose
  // path in the file is `level` ("" or "layers/sequential/").
  void load(const Object& group, const std::string& level, const Model& model, int depth) {
    if (depth > kMaxModelNesting) {
      fail(Status::Unsupported, file_, "models nested more than " + std::to_string(kMaxModelNesting) + " deep");
    }
    std::optional<Object> layers_group;
    std::map<std::string, SavedLayer> saved = list_layers(group, level, layers_group);
    const std::map<const Layer*, std::string> keys = layer_keys(model);
    for (Layer* layer : model.layers()) {
      if (layer->is_operation()) continue;
      const std::string& key = keys.at(layer);
      if (const Model* inner = layer->nested_model()) {
        if (inner->weights().empty()) continue;
        SavedLayer& entry = find_layer(saved, level, key, *layer, inner->weights());
        if (entry.n_vars != 0) extra_vars(level + "layers/" + key, entry.n_vars, "the nested model has none");
        std::string why;
        const std::optional<Object> inner_group = open_path(*layers_group, key, why);
        if (!inner_group) fail(Status::ParseError, file_, kName + ": " + level + "layers/" + key + ": " + why);
        load(*inner_group, level + "layers/" + key + "/", *inner, depth + 1);
        continue;
      }
      const std::vector<Weight*> weights = own_weights(*layer);
      if (!layer->sublayers().empty()) {
        load_wrapper(saved, *layers_group, level, key, *layer);
        continue;
      }
      if (weights.empty()) continue;
      SavedLayer& entry = find_layer(saved, level, key, *layer, weights);
      read_layer(*layers_group, level + "layers/" + key, entry, *layer, weights);
    }
    // Weights for layers the model does not have (Keras warns and skips them; inlay refuses the file).
    for (const auto& [key, entry] : saved) {
      if (!entry.used && entry.n_vars > 0) {
        extra_vars(level + "layers/" + key, entry.n_vars, "for which the model has no layer");
      }
    }
  }

 private:
  inline static const std::string kName = "model.weights.h5";

  // Keras's keys of a model's layers (_get_unique_name over model.layers); op-layers are not in Keras's
  // model.layers and take no key (the op "add" is no layer "add").
  static std::map<const Layer*, std::string> layer_keys(const Model& model) {
    std::map<const Layer*, std::string> keys;
    std::map<std::string, int> used_keys;
    for (const Layer* layer : model.layers()) {
      if (layer->is_operation()) continue;
      std::string key = to_snake_case(std::string(layer->python_class_name()));
      auto [it, fresh] = used_keys.emplace(key, 0);
      if (!fresh) key += "_" + std::to_string(++it->second);
      keys[layer] = key;
    }
    return keys;
  }

  // The groups <level>layers/<key> with how many variables each holds; layers_group is set to <level>layers.
  std::map<std::string, SavedLayer> list_layers(const Object& group, const std::string& level,
                                                std::optional<Object>& layers_group) {
    std::map<std::string, SavedLayer> saved;
    std::string why;
    switch (link_kind(group, "layers")) {
      case LinkKind::Hard:
        break;
      case LinkKind::Other:
        fail(Status::ParseError, file_, kName + ": '" + level + "layers' is a soft or external link");
      case LinkKind::Absent:
        return saved;
    }
    layers_group = open_path(group, "layers", why);
    if (!layers_group) fail(Status::ParseError, file_, kName + ": '" + level + "layers': " + why);
    if (!layers_group->is_group()) fail(Status::ParseError, file_, kName + ": '" + level + "layers' is not a group");
    // Keras writes one group per model; one group listed for many nested models would be listed once per model.
    if (!listed_.insert(layers_group->address()).second) {
      fail(Status::ParseError, file_, kName + ": '" + level + "layers' is a group already read for another model");
    }
    for (const std::string& key : link_names(*layers_group, file_, kName + ": " + level + "layers")) {
      const std::optional<Object> layer_group = open_path(*layers_group, key, why);
      if (!layer_group || !layer_group->is_group()) continue;  // not a layer's group (Keras writes only groups)
      SavedLayer entry;
      const std::string vars_path = level + "layers/" + key + "/vars";
      if (link_kind(*layer_group, "vars") == LinkKind::Hard) {
        const std::optional<Object> vars = open_path(*layer_group, "vars", why);
        if (!vars) fail(Status::ParseError, file_, kName + ": " + vars_path + ": " + why);
        if (!vars->is_group()) fail(Status::ParseError, file_, kName + ": " + vars_path + " is not a group");
        entry.n_vars = link_names(*vars, file_, kName + ": " + vars_path).size();
      }
      saved.emplace(key, entry);
    }
    return saved;
  }

  SavedLayer& find_layer(std::map<std::string, SavedLayer>& saved, const std::string& level, const std::string& key,
                         const Layer& layer, const std::vector<Weight*>& weights) const {
    const auto it = saved.find(key);
    if (it == saved.end()) {
      std::vector<std::string> paths;
      for (const Weight* w : weights) paths.push_back(w->path);
      fail(Status::ParseError, file_,
           kName + " has no weights for layer " + quote(layer.name()) + " (" + std::string(layer.class_name()) + ", " +
               level + "layers/" + key + "): missing " + io::quoted_list(paths));
    }
    it->second.used = true;
    return it->second;
  }

  // Reads a layer's variables from <path>/vars/<i> (path relative to the root, `layers_group` its level's
  // layers group).
  void read_layer(const Object& layers_group, const std::string& path, const SavedLayer& entry, const Layer& layer,
                  const std::vector<Weight*>& weights, std::string relative = "") const {
    if (entry.n_vars != weights.size()) {
      std::string expected;
      for (const Weight* w : weights) expected += (expected.empty() ? "" : ", ") + quote(w->name);
      fail(Status::ParseError, file_,
           "Layer " + quote(layer.name()) + " expected " + std::to_string(weights.size()) +
               " variables, but received " + std::to_string(entry.n_vars) + " variables during loading. Expected: [" +
               expected + "] (" + kName + ": " + path + "/vars)");
    }
    // Relative to layers_group: the layer's key, or a wrapped layer's <key>/<attribute>.
    const std::string key = relative.empty() ? path.substr(path.rfind('/') + 1) : relative;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const std::string var = "/vars/" + std::to_string(i);
      read_weight(layers_group, key + var, *weights[i], file_, kName + ": " + path + var);
    }
  }

  // A wrapper (TimeDistributed): its own variables at <key>/vars, each wrapped layer's at <key>/<attribute>/vars
  // (saving_lib saves a layer held in an attribute under the attribute's name).
  void load_wrapper(std::map<std::string, SavedLayer>& saved, const Object& layers_group, const std::string& level,
                    const std::string& key, Layer& layer) {
    const std::vector<Weight*> every = all_weights(layer);
    if (every.empty()) return;
    SavedLayer& entry = find_layer(saved, level, key, layer, every);
    const std::vector<Weight*> own = own_weights(layer);
    if (!own.empty() || entry.n_vars != 0) read_layer(layers_group, level + "layers/" + key, entry, layer, own);
    load_sublayers(layers_group, level, key, layer);
  }

  // Each wrapped layer's variables at <relative>/<attribute>/vars, and theirs in turn (a Bidirectional's
  // forward_layer/cell/vars: an RNN layer keeps its variables in its cell).
  void load_sublayers(const Object& layers_group, const std::string& level, const std::string& parent, Layer& layer) {
    for (const Layer::SubLayer& sub : layer.sublayers()) {
      const std::string relative = parent + "/" + sub.attribute;
      load_sublayers(layers_group, level, relative, *sub.layer);
      const std::vector<Weight*> weights = own_weights(*sub.layer);
      if (weights.empty()) continue;
      const std::string path = level + "layers/" + relative;
      std::string why;
      const std::optional<Object> vars = open_path(layers_group, relative + "/vars", why);
      if (!vars) fail(Status::ParseError, file_, kName + ": " + path + "/vars: " + why);
      if (!vars->is_group()) fail(Status::ParseError, file_, kName + ": " + path + "/vars is not a group");
      SavedLayer inner;
      inner.n_vars = link_names(*vars, file_, kName + ": " + path + "/vars").size();
      read_layer(layers_group, path, inner, *sub.layer, weights, relative);
    }
  }

  [[noreturn]] void extra_vars(const std::string& path, std::size_t n, const std::string& why) const {
    fail(Status::ParseError, file_,
         kName + " holds " + std::to_string(n) + " weights in " + path + "/vars, " + why);
  }

  const std::string& file_;
  std::set<std::uint64_t> listed_;  // addresses of the layers groups listed so far
};

void load_keras3_weights(const Hdf5File& h5, const Model& model, const std::string& file) {
  Keras3WeightsLoader(file).load(h5.root(), "", model, 0);
}

// ------------------------------------------------------------------------------------------------
// Legacy HDF5 (tf.keras 2 model.save("m.h5"), Keras 3's legacy h5 format)

// The weights of `model` from a legacy weights group: a model file's model_weights, or the root of a
// tf.keras save_weights file (the same layout: layer_names, then one group per layer with weight_names).
void load_legacy_weights_from(const Object& group_root, Model& model, const std::string& file);

void load_legacy_weights(const Hdf5File& h5, Model& model, const std::string& file) {
  const std::vector<io::LayerWeights> wanted = io::weights_by_layer(model);
  std::string why;
  const Object root = h5.root();
  std::optional<Object> weights_root;
  switch (link_kind(root, "model_weights")) {
    case LinkKind::Hard:
      weights_root = open_path(root, "model_weights", why);
      if (!weights_root || !weights_root->is_group()) fail(Status::ParseError, file, "'model_weights' is not a group");
      break;
    case LinkKind::Other:
      fail(Status::ParseError, file, "'model_weights' is a soft or external link");
    case LinkKind::Absent:
      if (wanted.empty()) return;
      fail(Status::ParseError, file, "the file has no 'model_weights' group, and the model has weights");
  }
  load_legacy_weights_from(*weights_root, model, file);
}

void load_legacy_weights_from(const Object& group_root, Model& model, const std::string& file) {
  // As Keras's load_weights_from_hdf5_group (by_name=False, the default of load_weights and what load_model
  // uses): the file's layers that list weights are paired with the model's layers that have weights, in order.
  // Names need not match: a model rebuilt in another session has other auto-names (dense_1 ...).
  const std::vector<io::LayerWeights> wanted = io::weights_by_layer(model);
  const std::optional<std::vector<std::string>> layer_names = list_attribute(group_root, "layer_names", file, "the file");
  if (!layer_names) {
    if (wanted.empty()) return;
    fail(Status::ParseError, file, "the file has no 'layer_names' attribute, and the model has weights");
  }
  std::string why;
  std::vector<std::string> saved;  // the file's layers with weights, in its order
  for (const std::string& name : *layer_names) {
    const std::optional<Object> group = open_path(group_root, name, why);
    if (!group || !group->is_group()) {
      fail(Status::ParseError, file, "layer_names lists " + quote(name) + ", which is " + (group ? "not a group" : why));
    }
    const auto names = list_attribute(*group, "weight_names", file, name);
    if (names && !names->empty()) saved.push_back(name);
  }
  if (saved.size() != wanted.size()) {
    std::vector<std::string> model_names;
    for (const io::LayerWeights& lw : wanted) model_names.push_back(lw.layer->name());
    fail(Status::ParseError, file,
         "Layer count mismatch when loading weights from file. Model expected " + std::to_string(wanted.size()) +
             " layers, found " + std::to_string(saved.size()) + " saved layers. (the model's layers with weights: " +
             io::quoted_list(model_names) + "; the file's: " + io::quoted_list(saved) + ")");
  }
  for (std::size_t k = 0; k < wanted.size(); ++k) {
    const io::LayerWeights& lw = wanted[k];
    const std::optional<Object> group = open_path(group_root, saved[k], why);  // checked above
    const std::vector<std::string> names =
        list_attribute(*group, "weight_names", file, saved[k]).value_or(std::vector<std::string>{});
    if (names.size() != lw.weights.size()) {
      fail(Status::ParseError, file,
           "Weight count mismatch for layer #" + std::to_string(k) + " (named " + lw.layer->name() +
               " in the current model, " + saved[k] + " in the save file). Layer expects " +
               std::to_string(lw.weights.size()) + " weight(s). Received " + std::to_string(names.size()) +
               " saved weight(s)");
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      read_weight(*group, names[i], *lw.weights[i], file, saved[k] + "/" + names[i]);
    }
  }
}

// tf.keras 2 numbers the calls of a model used as a layer from 1 (its node 0 is the one the inner Functional
// made for itself) in the "inbound_nodes" lists it writes, which inlay's config reader does not map yet: such
// a file is refused with what to use instead, rather than with a graph error. Keras 3's .h5 files (nodes as
// {"args": ...} objects, numbered from 0) load.
void refuse_tf_keras_nested_models(const Json& config, const std::string& file) {
  const Json* layers = nullptr;
  if (config.is_object() && config.contains("config") && config["config"].is_object() &&
      config["config"].contains("layers") && config["config"]["layers"].is_array()) {
    layers = &config["config"]["layers"];
  }
  if (layers == nullptr) return;
  for (const Json& entry : *layers) {
    if (!entry.is_object() || !entry.contains("class_name") || !entry.contains("inbound_nodes")) continue;
    const Json& cls = entry["class_name"];
    const Json& nodes = entry["inbound_nodes"];
    const bool nested = cls == "Sequential" || cls == "Functional" || cls == "Model";
    if (!nested || !nodes.is_array() || nodes.empty() || !nodes[0].is_array()) continue;
    const std::string name = entry.contains("name") && entry["name"].is_string() ? entry["name"].get<std::string>() : "?";
    fail(Status::Unsupported, file,
         "layer " + quote(name) + " is a " + cls.get<std::string>() +
             " used as a layer in a tf.keras 2 file: nested models of tf.keras .h5 files are not supported yet "
             "(Keras 3's .keras and .h5 files of the model load)");
  }
}

}  // namespace

std::unique_ptr<Model> load_keras_file(const std::string& path, const LoadOptions& options) {
  ZipArchive zip(path);
  const std::optional<zip_stat_t> config_entry = zip.stat("config.json");
  if (!config_entry) {
    fail(Status::ParseError, path,
         "the archive has no config.json (a .keras file holds config.json, metadata.json and model.weights.h5)");
  }
  const std::vector<unsigned char> config_bytes = zip.read(*config_entry, io::kMaxJsonBytes);
  const Json config = io::parse_json(
      std::string_view(reinterpret_cast<const char*>(config_bytes.data()), config_bytes.size()), path, "config.json");
  if (const auto metadata_entry = zip.stat("metadata.json")) {
    const std::vector<unsigned char> bytes = zip.read(*metadata_entry, kMaxMetadataBytes);
    const Json metadata = io::parse_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                                         path, "metadata.json");
    if (!metadata.is_object()) fail(Status::ParseError, path, "metadata.json is not a JSON object");
    if (metadata.contains("keras_version") && metadata["keras_version"].is_string()) {
      log().debug("'{}' was saved by Keras {}", path, metadata["keras_version"].get<std::string>());
    }
  }
  std::unique_ptr<Model> model = io::model_from_file_json(config, path, Dialect::Keras3);

  const std::optional<zip_stat_t> weights_entry = zip.stat("model.weights.h5");
  if (!weights_entry) {
    fail(Status::ParseError, path,
         "the archive has no model.weights.h5 (a .keras file holds config.json, metadata.json and model.weights.h5)");
  }
  // The weights file cannot be much larger than the model's weights stored as float64.
  const std::uint64_t doubles = io::weight_bytes(*model, 8);
  const std::uint64_t cap =
      doubles > std::numeric_limits<std::uint64_t>::max() - kWeightsFileSlack ? doubles : doubles + kWeightsFileSlack;
  io::check_weight_budget(*model, weights_entry->size, options, path,
                          "model.weights.h5, of " + std::to_string(weights_entry->size) + " bytes,");
  PageBuffer weights = zip.read_pages(*weights_entry, cap);
  // Each weight's pages go back once it is in its layer: loading peaks at about one copy of the weights.
  const Hdf5File h5 = Hdf5File::open(weights.bytes(), path, "model.weights.h5",
                                     [&weights](std::span<const unsigned char> done) { weights.release(done); });
  load_keras3_weights(h5, *model, path);
  return model;
}

// Who saved a legacy .h5 file, by its root attribute keras_version: Keras 3 writes "3.x" (its legacy h5 format
// means what Keras 3 computes), tf.keras 2 "2.x"; files of Keras versions before the attribute existed are old
// Keras's too.
Dialect legacy_h5_dialect(const Hdf5File& h5, const std::string& path) {
  constexpr std::uint64_t kMaxVersionBytes = 256;
  const auto version = string_attribute(h5.root(), "keras_version", kMaxVersionBytes, path, "the file");
  if (!version || version->size() != 1) return Dialect::TfKeras2;
  return dialect_of_keras_version(version->front());
}

// Reads the weights of a weights file into `model`, whose layers must be those the file was saved from.
void read_weights_file(const Hdf5File& h5, Model& model, const std::string& path) {
  const Object root = h5.root();
  if (link_kind(root, "layers") == LinkKind::Hard) return load_keras3_weights(h5, model, path);
  if (link_kind(root, "model_weights") == LinkKind::Hard) return load_legacy_weights(h5, model, path);
  if (list_attribute(root, "layer_names", path, "the file")) return load_legacy_weights_from(root, model, path);
  fail(Status::ParseError, path,
       "the HDF5 file holds no Keras weights: neither a Keras 3 weights file (model.save_weights(\"x.weights.h5\"): "
       "a 'layers' group) nor a tf.keras one (save_weights(\"x.h5\"): a 'layer_names' attribute) nor a legacy .h5 model");
}

void load_weights_file(Model& model, const std::string& path) {
  // The file cannot be much larger than the model's weights stored as float64.
  const std::uint64_t doubles = io::weight_bytes(model, 8);
  const std::uint64_t cap =
      doubles > std::numeric_limits<std::uint64_t>::max() - kWeightsFileSlack ? doubles : doubles + kWeightsFileSlack;
  const std::vector<unsigned char> bytes = io::read_file(path, cap, "the weights file");
  const Hdf5File h5 = Hdf5File::open(bytes, path, std::filesystem::path(path).filename().string());
  // All or nothing: the weights are read into a copy of the model (same layers, same weights in the same
  // order), and copied over only once every one of them was read.
  std::unique_ptr<Model> staged = io::model_from_file_json(model.to_json(), path, Dialect::Keras3);
  read_weights_file(h5, *staged, path);
  const std::vector<Weight*>& into = model.weights();
  const std::vector<Weight*>& from = staged->weights();
  if (into.size() != from.size()) {
    throw Error(Status::InternalError, "load_weights: the model's copy has " + std::to_string(from.size()) +
                                           " weights, the model " + std::to_string(into.size()));
  }
  for (std::size_t i = 0; i < into.size(); ++i) {
    if (into[i]->shape.dims() != from[i]->shape.dims()) {
      throw Error(Status::InternalError, "load_weights: weight " + quote(into[i]->path) + " differs in its copy");
    }
  }
  for (std::size_t i = 0; i < into.size(); ++i) {
    const std::span<const float> values = from[i]->values();
    std::copy(values.begin(), values.end(), into[i]->mutable_data());
  }
  model.graph().weights_changed();
}

std::unique_ptr<Model> load_legacy_h5_file(const std::string& path, const LoadOptions& options) {
  PageBuffer bytes = io::read_file_pages(path, std::numeric_limits<std::uint64_t>::max(), "the HDF5 file");
  // Each weight's pages go back once it is in its layer: loading peaks at about one copy of the weights.
  const Hdf5File h5 = Hdf5File::open(bytes.bytes(), path, std::filesystem::path(path).filename().string(),
                                     [&bytes](std::span<const unsigned char> done) { bytes.release(done); });
  const auto config_text = string_attribute(h5.root(), "model_config", io::kMaxJsonBytes, path, "the file");
  if (!config_text || config_text->size() != 1) {
    fail(Status::ParseError, path,
         "the HDF5 file has no model_config attribute: it holds weights only (save_weights), not a model");
  }
  const Json config = io::parse_json(config_text->front(), path, "model_config");
  refuse_tf_keras_nested_models(config, path);
  std::unique_ptr<Model> model = io::model_from_file_json(config, path, legacy_h5_dialect(h5, path));
  io::check_weight_budget(*model, bytes.size(), options, path,
                          "the file, of " + std::to_string(bytes.size()) + " bytes,");
  load_legacy_weights(h5, *model, path);
  return model;
}

}  // namespace inlay::core
