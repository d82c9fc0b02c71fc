#include "io/hdf5/hdf5_file.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "io/hdf5/attribute.hpp"
#include "io/hdf5/dataset.hpp"
#include "io/hdf5/file_image.hpp"
#include "io/hdf5/global_heap.hpp"
#include "io/hdf5/object_header.hpp"
#include "io/hdf5/superblock.hpp"

namespace inlay::core::hdf5 {

// One object of the file: its header, parsed once, and what has been read from it since.
struct Node {
  ObjectHeader header;
  ObjectKind kind = ObjectKind::Other;
  std::optional<std::vector<Link>> links;
  std::optional<DatasetInfo> dataset;
  std::optional<std::vector<AttributeMessage>> attributes;
};

// What the Objects of one file share: the bytes, the global heaps read so far and every object header read so
// far, by address (so an object reached by two paths, or twice, is parsed once).
class FileState {
 public:
  FileState(std::span<const unsigned char> bytes, std::string file, std::string name)
      : image(bytes, std::move(file), std::move(name)), heaps(image) {}
  FileState(const FileState&) = delete;
  FileState& operator=(const FileState&) = delete;

  std::shared_ptr<Node> node(std::uint64_t address) {
    if (const auto it = nodes_.find(address); it != nodes_.end()) return it->second;
    auto node = std::make_shared<Node>();
    node->header = read_object_header(image, address);
    node->kind = is_group(node->header)     ? ObjectKind::Group
                 : is_dataset(node->header) ? ObjectKind::Dataset
                                            : ObjectKind::Other;
    nodes_.emplace(address, node);
    return node;
  }

  FileImage image;
  GlobalHeaps heaps;

 private:
  std::map<std::uint64_t, std::shared_ptr<Node>> nodes_;
};

namespace {

// Paths name objects in messages only; a file may nest groups thousands deep, so that a path kept whole
// for each object would cost quadratic memory in the depth: past this length only the tail is kept.
constexpr std::size_t kMaxPathBytes = 512;

std::string child_path(const std::string& parent, const std::string& name) {
  std::string path = parent == "/" ? name : parent + "/" + name;
  if (path.size() > kMaxPathBytes) path = ".../" + path.substr(path.size() - kMaxPathBytes);
  return path;
}

}  // namespace

Object::Object(std::shared_ptr<FileState> state, std::shared_ptr<Node> node, std::string path)
    : state_(std::move(state)), node_(std::move(node)), path_(std::move(path)) {}

// Runs f, giving its errors the file, the HDF5 file's name and this object's path as context.
template <typename F>
auto Object::in_context(F&& f) const -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    const FileImage& image = state_->image;
    throw Error(e.status(),
                hdf5::quoted(image.file()) + ": " + image.name() + ": " + (path_ == "/" ? "" : path_ + ": ") + e.what());
  }
}

ObjectKind Object::kind() const { return node_->kind; }
std::uint64_t Object::address() const { return node_->header.address; }

const std::vector<Link>& Object::links() const {
  if (node_->kind != ObjectKind::Group) throw Error(Status::InvalidArgument, "not a group");
  if (!node_->links) node_->links = read_group_links(state_->image, node_->header);
  return *node_->links;
}

std::vector<std::string> Object::child_names() const {
  return in_context([&] {
    std::vector<std::string> names;
    for (const Link& link : links()) names.push_back(link.name);
    return names;
  });
}

std::optional<LinkType> Object::link_type(const std::string& name) const {
  return in_context([&]() -> std::optional<LinkType> {
    const auto& all = links();
    const auto it = std::lower_bound(all.begin(), all.end(), name, [](const Link& l, const std::string& n) { return l.name < n; });
    if (it == all.end() || it->name != name) return std::nullopt;
    return it->type;
  });
}

Object Object::child(const std::string& name) const {
  return in_context([&] {
    const auto& all = links();
    const auto it = std::lower_bound(all.begin(), all.end(), name, [](const Link& l, const std::string& n) { return l.name < n; });
    if (it == all.end() || it->name != name) state_->image.fail(Status::ParseError, "no link named " + hdf5::quoted(name));
    if (it->type != LinkType::Hard) {
      state_->image.fail(Status::ParseError, hdf5::quoted(name) + " is a " +
                                                 (it->type == LinkType::Soft ? "soft" : "external") +
                                                 " link, which inlay does not follow");
    }
    return Object(state_, state_->node(it->address), child_path(path_, name));
  });
}

const std::vector<AttributeMessage>& Object::attributes() const {
  if (!node_->attributes) {
    // Sorted by name (stable: of two attributes of one name, HDF5 would not write, the first stored wins), so
    // that names come out in h5py's order and a lookup is a binary search, whatever the count.
    std::vector<AttributeMessage> all = read_attributes(state_->image, node_->header);
    std::stable_sort(all.begin(), all.end(),
                     [](const AttributeMessage& a, const AttributeMessage& b) { return a.name < b.name; });
    node_->attributes = std::move(all);
  }
  return *node_->attributes;
}

std::vector<std::string> Object::attribute_names() const {
  return in_context([&] {
    std::vector<std::string> names;
    for (const AttributeMessage& a : attributes()) {
      if (names.empty() || names.back() != a.name) names.push_back(a.name);
    }
    return names;
  });
}

std::optional<Attribute> Object::attribute(const std::string& name, std::uint64_t max_bytes) const {
  return in_context([&]() -> std::optional<Attribute> {
    const auto& all = attributes();
    const auto it = std::lower_bound(all.begin(), all.end(), name,
                                     [](const AttributeMessage& a, const std::string& n) { return a.name < n; });
    if (it == all.end() || it->name != name) return std::nullopt;
    Attribute out;
    out.name_ = it->name;
    out.type_ = it->type;
    out.space_ = it->space;
    if (it->type.is_string()) out.strings_ = attribute_strings(state_->image, state_->heaps, *it, max_bytes);
    if (it->type.is_number()) out.numbers_ = attribute_numbers(*it);
    return out;
  });
}

const Node& Object::dataset_node() const {
  if (node_->kind != ObjectKind::Dataset) throw Error(Status::InvalidArgument, "not a dataset");
  if (!node_->dataset) node_->dataset = parse_dataset(state_->image, node_->header);
  return *node_;
}

const Datatype& Object::dtype() const {
  return in_context([&]() -> const Datatype& { return dataset_node().dataset->type; });
}

const Dataspace& Object::dataspace() const {
  return in_context([&]() -> const Dataspace& { return dataset_node().dataset->space; });
}

StorageKind Object::storage() const {
  return in_context([&] { return dataset_node().dataset->layout.kind; });
}

bool Object::data_outside_file() const {
  return in_context([&] {
    const DatasetInfo& d = *dataset_node().dataset;
    return d.external || d.layout.kind == StorageKind::Virtual;
  });
}

void Object::read_as_float32(std::span<float> out) const {
  in_context([&] { read_dataset(state_->image, *dataset_node().dataset, out, path_); });
}

Hdf5File Hdf5File::open(std::span<const unsigned char> bytes, std::string file, std::string name) {
  return open(bytes, std::move(file), std::move(name), {});
}

Hdf5File Hdf5File::open(std::span<const unsigned char> bytes, std::string file, std::string name,
                        std::function<void(std::span<const unsigned char>)> release) {
  Hdf5File out;
  out.state_ = std::make_shared<FileState>(bytes, std::move(file), std::move(name));
  FileImage& image = out.state_->image;
  image.set_page_release(std::move(release));
  try {
    const Superblock superblock = read_superblock(image);
    out.root_ = out.state_->node(superblock.root_object_header);
    if (out.root_->kind != ObjectKind::Group) image.fail(Status::ParseError, "its root object is not a group");
  } catch (const Error& e) {
    throw Error(e.status(), hdf5::quoted(image.file()) + ": " + image.name() + " is not a readable HDF5 file: " + e.what());
  }
  return out;
}

Object Hdf5File::root() const { return Object(state_, root_, "/"); }

}  // namespace inlay::core::hdf5
