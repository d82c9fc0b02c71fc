#include "io/keras_file.hpp"

#include <hdf5.h>
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "io/model_file.hpp"
#include "util/logging.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

using io::fail;
using python::quote;

// The largest metadata.json read from a .keras file.
constexpr std::uint64_t kMaxMetadataBytes = 1ull << 20;
// HDF5 overhead allowed on top of the weights themselves in model.weights.h5 (groups, attributes, padding).
constexpr std::uint64_t kWeightsFileSlack = 64ull << 20;
// Upper bounds on what is walked in an HDF5 file: links per group, strings per attribute.
constexpr hsize_t kMaxLinks = 1u << 20;
constexpr hsize_t kMaxStrings = 1u << 20;

// ------------------------------------------------------------------------------------------------
// Zip archives (libzip)

class ZipArchive {
 public:
  explicit ZipArchive(const std::string& path) : path_(path) {
    int code = 0;
    zip_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
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

  // The member's bytes: exactly the size of its directory entry, at most max_bytes, CRC checked.
  std::vector<unsigned char> read(const zip_stat_t& st, std::uint64_t max_bytes) const {
    const std::string name = st.name != nullptr ? st.name : "?";
    if (st.size > max_bytes) {
      fail(Status::ParseError, path_,
           name + " is " + std::to_string(st.size) + " bytes, more than the " + std::to_string(max_bytes) +
               " inlay reads for it");
    }
    zip_file_t* file = zip_fopen_index(zip_, st.index, 0);
    if (file == nullptr)
      fail(Status::ParseError, path_, "cannot open " + name + " in the archive: " + zip_strerror(zip_));
    struct Closer {
      zip_file_t* f;
      ~Closer() {
        if (f != nullptr) zip_fclose(f);
      }
    } closer{file};
    std::vector<unsigned char> data(static_cast<std::size_t>(st.size));
    std::uint64_t got = 0;
    while (got < st.size) {
      const std::uint64_t want = std::min<std::uint64_t>(st.size - got, 1u << 20);
      const zip_int64_t n = zip_fread(file, data.data() + got, want);
      if (n < 0) fail(Status::ParseError, path_, "cannot read " + name + ": " + zip_file_strerror(file));
      if (n == 0) break;
      got += static_cast<std::uint64_t>(n);
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
    return data;
  }

 private:
  std::string path_;
  zip_t* zip_ = nullptr;
};

// ------------------------------------------------------------------------------------------------
// HDF5

// Serializes inlay's use of HDF5 (Debian's build is thread-safe, others need not be) and, for the calling
// thread, turns off HDF5's printing of error stacks to stderr; the caller's setting is restored after.
class Hdf5Session {
 public:
  Hdf5Session() : lock_(mutex()) {
    H5Eget_auto2(H5E_DEFAULT, &old_func_, &old_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Hdf5Session() {
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func_, old_data_);
  }
  Hdf5Session(const Hdf5Session&) = delete;
  Hdf5Session& operator=(const Hdf5Session&) = delete;

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> lock_;
  H5E_auto2_t old_func_ = nullptr;
  void* old_data_ = nullptr;
};

// The innermost message of HDF5's error stack ("file signature not found"), then the stack is cleared.
std::string hdf5_error() {
  std::string text;
  auto walk = [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
    auto* out = static_cast<std::string*>(data);
    std::string line = e->desc != nullptr ? e->desc : "";
    char minor[256] = {};
    if (H5Eget_msg(e->min_num, nullptr, minor, sizeof minor) > 0 && minor[0] != '\0') {
      line += line.empty() ? minor : std::string(" (") + minor + ")";
    }
    if (!line.empty()) *out = line;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? std::string("HDF5 error") : text;
}

// An HDF5 identifier, closed with its close function.
class Hid {
 public:
  Hid() = default;
  Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Hid() { reset(); }
  Hid(Hid&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
      close_ = other.close_;
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// An HDF5 file opened read-only from bytes in memory (the core driver, without copying the bytes). `name`
// is how messages call it ("model.weights.h5").
class H5Image {
 public:
  H5Image(std::vector<unsigned char>& bytes, std::string file, std::string name)
      : file_(std::move(file)), name_(std::move(name)), udata_{bytes.data(), bytes.size()} {
    if (bytes.empty()) fail(Status::ParseError, file_, name_ + " is empty");
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5FD_file_image_callbacks_t callbacks = {&image_malloc, &image_memcpy, &image_realloc, &image_free,
                                             &udata_copy,   &udata_free,   &udata_};
    if (!fapl.valid() || H5Pset_fapl_core(fapl.get(), 1 << 16, false) < 0 ||
        H5Pset_file_image_callbacks(fapl.get(), &callbacks) < 0 ||
        H5Pset_file_image(fapl.get(), bytes.data(), bytes.size()) < 0) {
      throw Error(Status::InternalError, quote(file_) + ": cannot set up HDF5 to read " + name_ + ": " + hdf5_error());
    }
    // The core driver refuses to open an image under the name of a file that exists; no file can exist
    // below /dev/null.
    const std::string image_name = "/dev/null/inlay-file-image/" + name_;
    file_id_ = Hid(H5Fopen(image_name.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!file_id_.valid()) {
      fail(Status::ParseError, file_, name_ + " is not a readable HDF5 file: " + hdf5_error());
    }
  }
  hid_t root() const { return file_id_.get(); }

 private:
  struct Udata {
    void* data;
    std::size_t size;
  };
  // HDF5 asks for buffers of the image's size to copy it into; handing back the image itself (and making
  // the copies no-ops) keeps one copy in memory. The file is read-only, so nothing writes to it.
  static void* image_malloc(std::size_t size, H5FD_file_image_op_t, void* udata) {
    auto* u = static_cast<Udata*>(udata);
    return size == u->size ? u->data : nullptr;
  }
  static void* image_memcpy(void* dest, const void* src, std::size_t size, H5FD_file_image_op_t, void*) {
    if (dest != src) std::memmove(dest, src, size);
    return dest;
  }
  static void* image_realloc(void*, std::size_t, H5FD_file_image_op_t, void*) { return nullptr; }
  static herr_t image_free(void*, H5FD_file_image_op_t, void*) { return 0; }
  static void* udata_copy(void* udata) { return udata; }
  static herr_t udata_free(void*) { return 0; }

  std::string file_;
  std::string name_;
  Udata udata_;
  Hid file_id_;  // closed before udata_ goes away (declared after it)
};

enum class LinkKind { Absent, Hard, Other };

LinkKind link_kind(hid_t loc, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) return LinkKind::Absent;
  const htri_t exists = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return LinkKind::Absent;
  }
  H5L_info_t info;
  if (H5Lget_info(loc, name.c_str(), &info, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return LinkKind::Other;
  }
  return info.type == H5L_TYPE_HARD ? LinkKind::Hard : LinkKind::Other;
}

// Opens the object at a relative path, one hard link at a time: soft and external links (which could lead
// into other files) are refused. Returns an invalid Hid when something on the way is absent; `why` says.
Hid open_path(hid_t loc, const std::string& path, std::string& why) {
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
    return {};
  }
  Hid current;
  hid_t at = loc;
  for (const std::string& part : parts) {
    switch (link_kind(at, part)) {
      case LinkKind::Absent:
        why = "no " + quote(part);
        return {};
      case LinkKind::Other:
        why = quote(part) + " is a soft or external link";
        return {};
      case LinkKind::Hard:
        break;
    }
    Hid next(H5Oopen(at, part.c_str(), H5P_DEFAULT), H5Oclose);
    if (!next.valid()) {
      why = "cannot open " + quote(part) + ": " + hdf5_error();
      return {};
    }
    current = std::move(next);
    at = current.get();
  }
  return current;
}

bool is_group(hid_t id) { return H5Iget_type(id) == H5I_GROUP; }

// The names of a group's links, in name order.
std::vector<std::string> link_names(hid_t group, const std::string& file, const std::string& where) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) fail(Status::ParseError, file, "cannot list " + where + ": " + hdf5_error());
  if (info.nlinks > kMaxLinks) {
    fail(Status::ParseError, file, where + " has " + std::to_string(info.nlinks) + " entries, more than inlay reads");
  }
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) fail(Status::ParseError, file, "cannot list " + where + ": " + hdf5_error());
    std::string name(static_cast<std::size_t>(len), '\0');
    if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT) < 0) {
      fail(Status::ParseError, file, "cannot list " + where + ": " + hdf5_error());
    }
    names.push_back(std::move(name));
  }
  return names;
}

// A string attribute (scalar or 1-D, fixed or variable length) as its strings; nullopt when absent or not
// made of strings. At most max_bytes in all.
std::optional<std::vector<std::string>> string_attribute(hid_t obj, const std::string& name, std::uint64_t max_bytes,
                                                         const std::string& file, const std::string& where) {
  const htri_t exists = H5Aexists(obj, name.c_str());
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  auto bad = [&](const std::string& why) {
    fail(Status::ParseError, file, "the attribute " + quote(name) + " of " + where + " " + why);
  };
  Hid attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) bad("cannot be read: " + hdf5_error());
  Hid type(H5Aget_type(attr.get()), H5Tclose);
  if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  Hid space(H5Aget_space(attr.get()), H5Sclose);
  if (!space.valid()) bad("cannot be read: " + hdf5_error());
  hsize_t count = 1;
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
  if (space_class == H5S_SIMPLE) {
    if (H5Sget_simple_extent_ndims(space.get()) != 1) bad("is not a list of strings");
    H5Sget_simple_extent_dims(space.get(), &count, nullptr);
  } else if (space_class == H5S_NULL) {
    count = 0;
  } else if (space_class != H5S_SCALAR) {
    bad("has an unknown dataspace");
  }
  if (count > kMaxStrings) bad("holds too many strings");
  std::vector<std::string> out;
  if (count == 0) return out;
  const htri_t variable = H5Tis_variable_str(type.get());
  if (variable < 0) bad("cannot be read: " + hdf5_error());
  if (variable > 0) {
    Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!mem.valid() || H5Tset_size(mem.get(), H5T_VARIABLE) < 0 ||
        H5Tset_cset(mem.get(), H5Tget_cset(type.get())) < 0) {
      bad("cannot be read: " + hdf5_error());
    }
    std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
    const herr_t rc = H5Aread(attr.get(), mem.get(), pointers.data());
    std::uint64_t total = 0;
    bool too_long = false;
    for (char* p : pointers) {
      if (p == nullptr) {
        out.emplace_back();
        continue;
      }
      const std::size_t len = std::strlen(p);
      total += len;
      if (total > max_bytes) too_long = true;
      if (!too_long && rc >= 0) out.emplace_back(p, len);
      H5free_memory(p);
    }
    if (rc < 0) bad("cannot be read: " + hdf5_error());
    if (too_long) bad("is more than the " + std::to_string(max_bytes) + " bytes inlay reads");
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  if (size == 0 || count > max_bytes / size)
    bad("is more than the " + std::to_string(max_bytes) + " bytes inlay reads");
  std::vector<char> buffer(static_cast<std::size_t>(count) * size);
  if (H5Aread(attr.get(), type.get(), buffer.data()) < 0) bad("cannot be read: " + hdf5_error());
  for (hsize_t i = 0; i < count; ++i) {
    const char* p = buffer.data() + i * size;
    out.emplace_back(p, strnlen(p, size));
  }
  return out;
}

// tf.keras splits long list attributes into NAME0, NAME1, ... (saving_utils.save_attributes_to_hdf5_group).
std::optional<std::vector<std::string>> list_attribute(hid_t obj, const std::string& name, const std::string& file,
                                                       const std::string& where) {
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

std::string dims_text(const std::vector<hsize_t>& dims) {
  std::vector<int64_t> as_int;
  for (hsize_t d : dims) as_int.push_back(d > static_cast<hsize_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(d));
  return Shape(as_int).to_tuple_string();
}

// Reads the dataset at `path` (relative to loc) into w, after checking that it is a plain numeric dataset
// of w's shape. `where` names it in messages ("model.weights.h5: layers/dense/vars/0").
void read_weight(hid_t loc, const std::string& path, Weight& w, const std::string& file, const std::string& where) {
  std::string why;
  Hid object = open_path(loc, path, why);
  if (!object.valid()) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") cannot be opened: " + why);
  }
  if (H5Iget_type(object.get()) != H5I_DATASET) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") is not a dataset");
  }
  const hid_t dataset = object.get();
  Hid type(H5Dget_type(dataset), H5Tclose);
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) {
    fail(Status::ParseError, file,
         where + " (weight " + quote(w.path) + ") does not hold numbers (HDF5 type class " +
             std::to_string(static_cast<int>(type_class)) + ")");
  }
  // Numbers of a plain width only: HDF5 sizes its conversion buffers by the element size the file claims,
  // so a corrupt datatype of gigabyte-sized "floats" would make H5Dread allocate that much.
  const std::size_t type_size = H5Tget_size(type.get());
  const bool plain_width = type_class == H5T_FLOAT ? type_size == 2 || type_size == 4 || type_size == 8
                                                   : type_size == 1 || type_size == 2 || type_size == 4 || type_size == 8;
  if (!plain_width) {
    fail(Status::ParseError, file,
         where + " (weight " + quote(w.path) + ") holds " + std::to_string(type_size) + "-byte " +
             (type_class == H5T_FLOAT ? "floats" : "integers") +
             "; inlay reads 2-, 4- and 8-byte floats and 1-, 2-, 4- and 8-byte integers");
  }
  Hid space(H5Dget_space(dataset), H5Sclose);
  if (!space.valid()) fail(Status::ParseError, file, where + ": cannot read its dataspace: " + hdf5_error());
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
  std::vector<hsize_t> dims;
  if (space_class == H5S_SIMPLE) {
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > H5S_MAX_RANK) fail(Status::ParseError, file, where + " has an invalid rank");
    dims.resize(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
      fail(Status::ParseError, file, where + ": cannot read its shape: " + hdf5_error());
    }
  } else if (space_class != H5S_SCALAR) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") holds no data");
  }
  bool same = dims.size() == w.shape.dims().size();
  for (std::size_t i = 0; same && i < dims.size(); ++i) {
    same = w.shape.dims()[i] >= 0 && dims[i] == static_cast<hsize_t>(w.shape.dims()[i]);
  }
  if (!same) {
    fail(Status::ShapeMismatch, file,
         "weight " + quote(w.path) + " has shape " + w.shape.to_tuple_string() + " in the model, but " + where +
             " has shape " + dims_text(dims));
  }
  const hssize_t points = H5Sget_simple_extent_npoints(space.get());
  if (points < 0 || static_cast<std::uint64_t>(points) != w.size()) {
    fail(Status::ShapeMismatch, file,
         where + " holds " + std::to_string(points) + " values, weight " + quote(w.path) + " has " +
             std::to_string(w.size()));
  }
  // Raw data kept in other files (external storage, virtual datasets) is not followed.
  Hid dcpl(H5Dget_create_plist(dataset), H5Pclose);
  if (!dcpl.valid()) fail(Status::ParseError, file, where + ": cannot read its storage properties: " + hdf5_error());
  if (H5Pget_layout(dcpl.get()) == H5D_VIRTUAL || H5Pget_external_count(dcpl.get()) != 0) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") keeps its data outside the file");
  }
  if (w.size() == 0) return;
  if (H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w.mutable_data()) < 0) {
    fail(Status::ParseError, file, where + " (weight " + quote(w.path) + ") cannot be read: " + hdf5_error());
  }
}

// keras.src.utils.naming.to_snake_case.
std::string to_snake_case(const std::string& name) {
  static const std::regex non_word("[^A-Za-z0-9_]+");
  static const std::regex word(R"((.)([A-Z][a-z]+))");
  static const std::regex camel("([a-z])([A-Z])");
  std::string out = std::regex_replace(name, non_word, "");
  out = std::regex_replace(out, word, "$1_$2");
  out = std::regex_replace(out, camel, "$1_$2");
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

std::vector<std::string> weight_names(const io::LayerWeights& lw) {
  std::vector<std::string> names;
  for (const Weight* w : lw.weights) names.push_back(w->name);
  return names;
}

std::vector<std::string> weight_paths(const io::LayerWeights& lw) {
  std::vector<std::string> paths;
  for (const Weight* w : lw.weights) paths.push_back(w->path);
  return paths;
}

// ------------------------------------------------------------------------------------------------
// Keras 3 model.weights.h5

// One group layers/<key> of the file.
struct SavedLayer {
  std::size_t n_vars = 0;  // links in layers/<key>/vars
  bool used = false;
};

// Keras's own loading rule (saving_lib._load_state): the layers of model.layers are visited in order, each
// at layers/<key>, where <key> is the snake_case class name numbered per name ("dense", "dense_1", ...;
// layers without weights take numbers too); its variables are vars/0, vars/1, ... Keras >= 3.5 also writes
// the layer's name as an attribute of vars; inlay does not read it: it is a variable-length string, which
// HDF5 1.10 reads from the file's global heap without bounds checks (crafted files crash it there).
void load_keras3_weights(const H5Image& h5, Model& model, const std::string& file) {
  const std::string h5_name = "model.weights.h5";
  std::map<const Layer*, std::string> keys;
  std::map<std::string, int> used_keys;
  for (const Layer* layer : model.layers()) {
    std::string key = to_snake_case(std::string(layer->class_name()));
    auto [it, fresh] = used_keys.emplace(key, 0);
    if (!fresh) key += "_" + std::to_string(++it->second);
    keys[layer] = key;
  }

  std::map<std::string, SavedLayer> saved;
  std::string why;
  Hid layers_group;
  switch (link_kind(h5.root(), "layers")) {
    case LinkKind::Hard:
      layers_group = open_path(h5.root(), "layers", why);
      if (!layers_group.valid()) fail(Status::ParseError, file, h5_name + ": 'layers': " + why);
      if (!is_group(layers_group.get())) fail(Status::ParseError, file, h5_name + ": 'layers' is not a group");
      for (const std::string& key : link_names(layers_group.get(), file, h5_name + ": layers")) {
        Hid group = open_path(layers_group.get(), key, why);
        if (!group.valid() || !is_group(group.get())) continue;  // not a layer's group (Keras writes only groups)
        SavedLayer entry;
        if (link_kind(group.get(), "vars") == LinkKind::Hard) {
          Hid vars = open_path(group.get(), "vars", why);
          if (!vars.valid()) fail(Status::ParseError, file, h5_name + ": layers/" + key + "/vars: " + why);
          if (!is_group(vars.get()))
            fail(Status::ParseError, file, h5_name + ": layers/" + key + "/vars is not a group");
          entry.n_vars = link_names(vars.get(), file, h5_name + ": layers/" + key + "/vars").size();
        }
        saved.emplace(key, entry);
      }
      break;
    case LinkKind::Other:
      fail(Status::ParseError, file, h5_name + ": 'layers' is a soft or external link");
    case LinkKind::Absent:
      break;
  }

  for (const io::LayerWeights& lw : io::weights_by_layer(model)) {
    const std::string& layer_name = lw.layer->name();
    const std::string& key = keys.at(lw.layer);
    const auto it = saved.find(key);
    if (it == saved.end()) {
      fail(Status::ParseError, file,
           h5_name + " has no weights for layer " + quote(layer_name) + " (" + std::string(lw.layer->class_name()) +
               ", layers/" + key + "/vars): missing " + io::quoted_list(weight_paths(lw)));
    }
    SavedLayer& entry = it->second;
    entry.used = true;
    if (entry.n_vars != lw.weights.size()) {
      std::string expected;
      for (const std::string& n : weight_names(lw)) expected += (expected.empty() ? "" : ", ") + quote(n);
      fail(Status::ParseError, file,
           "Layer " + quote(layer_name) + " expected " + std::to_string(lw.weights.size()) +
               " variables, but received " + std::to_string(entry.n_vars) + " variables during loading. Expected: [" +
               expected + "] (" + h5_name + ": layers/" + key + "/vars)");
    }
    for (std::size_t i = 0; i < lw.weights.size(); ++i) {
      const std::string path = key + "/vars/" + std::to_string(i);
      read_weight(layers_group.get(), path, *lw.weights[i], file, h5_name + ": layers/" + path);
    }
  }
  // Weights for layers the model does not have (Keras warns and skips them; inlay refuses the file).
  for (const auto& [key, entry] : saved) {
    if (!entry.used && entry.n_vars > 0) {
      fail(Status::ParseError, file,
           h5_name + " holds " + std::to_string(entry.n_vars) + " weights in layers/" + key +
               "/vars, for which the model has no layer");
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Legacy HDF5 (tf.keras 2 model.save("m.h5"), Keras 3's legacy h5 format)

void load_legacy_weights(const H5Image& h5, Model& model, const std::string& file) {
  const std::vector<io::LayerWeights> wanted = io::weights_by_layer(model);
  std::string why;
  Hid weights_root;
  switch (link_kind(h5.root(), "model_weights")) {
    case LinkKind::Hard:
      weights_root = open_path(h5.root(), "model_weights", why);
      if (!weights_root.valid() || !is_group(weights_root.get()))
        fail(Status::ParseError, file, "'model_weights' is not a group");
      break;
    case LinkKind::Other:
      fail(Status::ParseError, file, "'model_weights' is a soft or external link");
    case LinkKind::Absent:
      if (wanted.empty()) return;
      fail(Status::ParseError, file, "the file has no 'model_weights' group, and the model has weights");
  }
  std::set<std::string> model_layer_names;
  for (const Layer* layer : model.layers()) model_layer_names.insert(layer->name());
  int index = 0;
  for (const io::LayerWeights& lw : wanted) {
    const std::string& name = lw.layer->name();
    const std::string where = "model_weights/" + name;
    Hid group = open_path(weights_root.get(), name, why);
    if (!group.valid() || !is_group(group.get())) {
      fail(Status::ParseError, file,
           "the file has no weights for layer " + quote(name) + " (" + where + ": " + why + "): missing " +
               io::quoted_list(weight_paths(lw)));
    }
    const std::vector<std::string> names =
        list_attribute(group.get(), "weight_names", file, where).value_or(std::vector<std::string>{});
    if (names.size() != lw.weights.size()) {
      fail(Status::ParseError, file,
           "Layer #" + std::to_string(index) + " (named " + quote(name) + ") expects " +
               std::to_string(lw.weights.size()) + " weight(s), but the saved weights have " +
               std::to_string(names.size()) + " element(s). (" + where + ")");
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      read_weight(group.get(), names[i], *lw.weights[i], file, where + "/" + names[i]);
    }
    ++index;
  }
  // Weights of layers the model does not have.
  if (auto layer_names = list_attribute(weights_root.get(), "layer_names", file, "model_weights")) {
    for (const std::string& name : *layer_names) {
      if (model_layer_names.count(name) != 0) continue;
      Hid group = open_path(weights_root.get(), name, why);
      if (!group.valid() || !is_group(group.get())) continue;
      const auto names = list_attribute(group.get(), "weight_names", file, "model_weights/" + name);
      if (names && !names->empty()) {
        fail(Status::ParseError, file,
             "the file holds " + std::to_string(names->size()) + " weights of layer " + quote(name) +
                 ", which the model does not have");
      }
    }
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
  std::unique_ptr<Model> model = io::model_from_file_json(config, path);

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
  std::vector<unsigned char> weights_bytes = zip.read(*weights_entry, cap);
  Hdf5Session session;
  H5Image h5(weights_bytes, path, "model.weights.h5");
  load_keras3_weights(h5, *model, path);
  return model;
}

std::unique_ptr<Model> load_legacy_h5_file(const std::string& path, const LoadOptions& options) {
  std::vector<unsigned char> bytes = io::read_file(path, std::numeric_limits<std::uint64_t>::max(), "the HDF5 file");
  Hdf5Session session;
  H5Image h5(bytes, path, std::filesystem::path(path).filename().string());
  const auto config_text = string_attribute(h5.root(), "model_config", io::kMaxJsonBytes, path, "the file");
  if (!config_text || config_text->size() != 1) {
    fail(Status::ParseError, path,
         "the HDF5 file has no model_config attribute: it holds weights only (save_weights), not a model");
  }
  const Json config = io::parse_json(config_text->front(), path, "model_config");
  std::unique_ptr<Model> model = io::model_from_file_json(config, path);
  io::check_weight_budget(*model, bytes.size(), options, path,
                          "the file, of " + std::to_string(bytes.size()) + " bytes,");
  load_legacy_weights(h5, *model, path);
  return model;
}

}  // namespace inlay::core
