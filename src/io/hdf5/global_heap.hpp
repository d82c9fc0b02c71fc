// Global heap collections ("GCOL"): where variable-length data lives, here the text of variable-length string
// attributes (Keras's model_config, layer_names, weight_names). A collection is parsed once, all its objects
// indexed, every object checked to lie inside the collection, and the collection inside the file.
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

class GlobalHeaps {
 public:
  explicit GlobalHeaps(const FileImage& file) : file_(&file) {}

  // The bytes of object `index` of the collection at `collection`; a ParseError when there is no such object.
  std::span<const unsigned char> object(std::uint64_t collection, std::uint64_t index);

 private:
  using Objects = std::map<std::uint64_t, std::span<const unsigned char>>;
  const Objects& parse(std::uint64_t collection);

  const FileImage* file_;
  std::map<std::uint64_t, Objects> collections_;
};

}  // namespace inlay::core::hdf5
