// inlay's own reader of the subset of HDF5 that Keras files use (h5py's model.weights.h5 inside .keras files,
// tf.keras's legacy .h5 files), written for untrusted bytes: every address, size and count read from the file
// is checked against the bytes actually there before use, every walk over the file's structures is bounded and
// detects cycles, nothing is allocated from an unchecked size, and the total parsing work is linear in the
// file's size. See the files of src/io/hdf5/ for each structure and its checks.
//
//   Hdf5File h5 = Hdf5File::open(bytes, "model.keras", "model.weights.h5");
//   Object vars = h5.root().child("layers").child("dense").child("vars");
//   for (const std::string& name : vars.child_names()) { Object w = vars.child(name); ... w.read_as_float32(out); }
//
// Errors are core::Error: ParseError for a damaged or hostile file, Unsupported for HDF5 features inlay does not
// read (named in the message), InvalidArgument for misuse (asking a group for its shape). Messages start with
// "'<file>': <name>: <object path>: ". An Hdf5File and its Objects share caches: use them from one thread at a
// time. The bytes must outlive them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/dataspace.hpp"
#include "io/hdf5/datatype.hpp"
#include "io/hdf5/group.hpp"
#include "io/hdf5/layout.hpp"

namespace inlay::core::hdf5 {

class FileState;
struct Node;
struct AttributeMessage;

enum class ObjectKind { Group, Dataset, Other };

// The most text one attribute's strings may hold unless the caller says otherwise.
inline constexpr std::uint64_t kMaxAttributeBytes = 64ull << 20;

class Attribute {
 public:
  const std::string& name() const { return name_; }
  const Datatype& type() const { return type_; }
  const Dataspace& space() const { return space_; }
  bool is_string() const { return type_.is_string(); }
  bool is_number() const { return type_.is_number(); }
  // One string per element (row-major); empty unless is_string().
  const std::vector<std::string>& strings() const { return strings_; }
  // One number per element; empty unless is_number().
  const std::vector<double>& numbers() const { return numbers_; }

 private:
  friend class Object;
  std::string name_;
  Datatype type_;
  Dataspace space_;
  std::vector<std::string> strings_;
  std::vector<double> numbers_;
};

class Object {
 public:
  // "/" for the root group, else the path from it ("layers/dense/vars/0").
  const std::string& path() const { return path_; }
  ObjectKind kind() const;
  bool is_group() const { return kind() == ObjectKind::Group; }
  bool is_dataset() const { return kind() == ObjectKind::Dataset; }
  // The object header's address (two paths to one object give the same address).
  std::uint64_t address() const;

  // Groups: the names of the links, in byte order (as h5py lists them); the type of one link (nullopt when the
  // group has no such link); the object a hard link leads to (a ParseError for absent, soft and external links).
  std::vector<std::string> child_names() const;
  std::optional<LinkType> link_type(const std::string& name) const;
  Object child(const std::string& name) const;

  // Attributes: their names (in byte order, as h5py lists them), and one attribute's value (nullopt when
  // absent); string attributes holding more than max_bytes of text are a ParseError.
  std::vector<std::string> attribute_names() const;
  std::optional<Attribute> attribute(const std::string& name, std::uint64_t max_bytes = kMaxAttributeBytes) const;

  // Datasets.
  const Datatype& dtype() const;
  const Dataspace& dataspace() const;
  const std::vector<std::uint64_t>& shape() const { return dataspace().dims; }
  std::uint64_t element_count() const { return dataspace().count; }
  StorageKind storage() const;
  // External data files or a virtual layout: the data lives in other files (never followed).
  bool data_outside_file() const;
  // All elements, converted to float (out.size() must be element_count()). Numbers only: a ParseError for
  // other types (dtype().describe() says what they are).
  void read_as_float32(std::span<float> out) const;

 private:
  friend class Hdf5File;
  Object(std::shared_ptr<FileState> state, std::shared_ptr<Node> node, std::string path);
  const std::vector<Link>& links() const;
  const std::vector<AttributeMessage>& attributes() const;
  const Node& dataset_node() const;
  template <typename F>
  auto in_context(F&& f) const -> decltype(f());

  std::shared_ptr<FileState> state_;
  std::shared_ptr<Node> node_;
  std::string path_;
};

class Hdf5File {
 public:
  // Reads the superblock and the root group's object header; a ParseError "'<file>': <name> is not a readable
  // HDF5 file: ..." when they are not there.
  // The file and its objects read `bytes` in place: they must outlive it (a temporary is refused below).
  static Hdf5File open(std::span<const unsigned char> bytes, std::string file, std::string name);
  // The same for bytes whose owner takes back each dataset's pages once the dataset has been read
  // (read_as_float32): `release` gets the dataset's bytes (io::PageBuffer::release). Each dataset can then be
  // read once; a second read, or another object in its bytes, is a ParseError.
  static Hdf5File open(std::span<const unsigned char> bytes, std::string file, std::string name,
                       std::function<void(std::span<const unsigned char>)> release);
  static Hdf5File open(std::vector<unsigned char>&& bytes, std::string file, std::string name) = delete;
  Object root() const;

 private:
  std::shared_ptr<FileState> state_;
  std::shared_ptr<Node> root_;
};

}  // namespace inlay::core::hdf5
