// Version 1 B-trees ("TREE" nodes): the index of symbol-table groups (node type 0, keys are local heap offsets
// of names, leaves point at "SNOD" symbol nodes) and of chunked datasets in the older formats (node type 1, keys
// hold a chunk's stored size, filter mask and offset, leaves point at the chunks). The walk is iterative, each
// node's level must be one less than its parent's (so the depth is at most the root's level, below 256), and a
// node reached twice is a corrupt file: cycles and shared subtrees end the walk with a ParseError.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

// One entry of a leaf node: the key before the child (whose bytes the caller interprets) and the child's
// address.
struct V1BtreeEntry {
  std::span<const unsigned char> key;
  std::uint64_t child = kUndefinedAddress;
};

// Calls `visit` for every leaf entry of the tree at `root`, in key order. `type` is the node type every node
// must have, `key_size` the size of one key in bytes.
void walk_v1_btree(const FileImage& file, std::uint64_t root, unsigned type, std::uint64_t key_size,
                   const std::function<void(const V1BtreeEntry&)>& visit);

}  // namespace inlay::core::hdf5
