#include "io/hdf5/v1_btree.hpp"

#include <set>
#include <string>
#include <vector>

#include "io/hdf5/byte_reader.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kV1BtreeWhat = "v1 B-tree node";

struct PendingV1Node {
  std::uint64_t address;
  int level;  // the level this node must have; -1 for the root (any)
};

}  // namespace

void walk_v1_btree(const FileImage& file, std::uint64_t root, unsigned type, std::uint64_t key_size,
                   const std::function<void(const V1BtreeEntry&)>& visit) {
  const std::uint64_t header_size = 8 + 2 * std::uint64_t{file.offset_size()};
  const std::uint64_t entry_size = key_size + file.offset_size();
  std::set<std::uint64_t> seen;
  std::vector<PendingV1Node> stack{{root, -1}};
  while (!stack.empty()) {
    const PendingV1Node node = stack.back();
    stack.pop_back();
    if (!seen.insert(node.address).second) {
      file.corrupt(kV1BtreeWhat, node.address, "reached twice (the tree's nodes form a cycle or share a subtree)");
    }
    ByteReader head(file, file.at(node.address, header_size, kV1BtreeWhat), node.address, kV1BtreeWhat);
    head.signature("TREE");
    const unsigned node_type = head.u8();
    const int level = head.u8();
    const std::uint64_t entries = head.u16();
    if (node_type != type) {
      head.fail("node type " + std::to_string(node_type) + " where the tree holds type " + std::to_string(type));
    }
    if (node.level >= 0 && level != node.level) {
      head.fail("level " + std::to_string(level) + " under a node of level " + std::to_string(node.level + 1));
    }
    // Entries and the final key, all inside the file (so the count is bounded by the bytes present).
    const std::uint64_t body = entries * entry_size + key_size;
    const auto bytes = file.at(node.address, header_size + body, kV1BtreeWhat);
    file.charge(bytes.size());
    ByteReader r(file, bytes, node.address, kV1BtreeWhat);
    r.skip(header_size);
    if (level == 0) {
      for (std::uint64_t i = 0; i < entries; ++i) {
        V1BtreeEntry e;
        e.key = r.bytes(key_size);
        e.child = r.address();
        visit(e);
      }
      continue;
    }
    std::vector<std::uint64_t> children;
    children.reserve(static_cast<std::size_t>(entries));
    for (std::uint64_t i = 0; i < entries; ++i) {
      r.skip(key_size);
      children.push_back(r.address());
    }
    // Pushed right to left, so that the leftmost child is visited first.
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back({*it, level - 1});
  }
}

}  // namespace inlay::core::hdf5
