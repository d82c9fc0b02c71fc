#include "io/hdf5/v2_btree.hpp"

#include <bit>
#include <set>
#include <string>
#include <vector>

#include "io/hdf5/byte_reader.hpp"
#include "io/hdf5/checksum.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kV2BtreeWhat = "v2 B-tree";
// Signature, version, type and checksum: the bytes of a node that are not records or pointers.
constexpr std::uint64_t kNodeOverhead = 10;
// Deeper trees would hold more records than any file has bytes.
constexpr unsigned kMaxDepth = 32;

// H5VM_limit_enc_size: bytes needed to encode values up to n.
unsigned encoded_size(std::uint64_t n) { return static_cast<unsigned>((std::bit_width(n | 1) - 1) / 8 + 1); }

// What HDF5 derives from the header for the nodes at each depth (H5B2__hdr_init).
struct Level {
  std::uint64_t max_records = 0;
  std::uint64_t cumulative_max = 0;
  unsigned cumulative_size = 0;  // bytes of the "total records below" field of pointers to nodes at this depth
};

struct Tree {
  unsigned type = 0;
  std::uint64_t node_size = 0;
  std::uint64_t record_size = 0;
  unsigned count_size = 0;  // bytes of the "records in child" field of pointers
  std::vector<Level> levels;
};

std::vector<Level> derive_levels(const FileImage& file, std::uint64_t address, const Tree& tree, unsigned depth,
                                 unsigned* count_size) {
  std::vector<Level> levels(depth + 1);
  levels[0].max_records = (tree.node_size - kNodeOverhead) / tree.record_size;
  if (levels[0].max_records == 0) file.corrupt(kV2BtreeWhat, address, "its nodes are too small for one record");
  levels[0].cumulative_max = levels[0].max_records;
  *count_size = encoded_size(levels[0].max_records);
  for (unsigned u = 1; u <= depth; ++u) {
    const std::uint64_t pointer = file.offset_size() + *count_size + levels[u - 1].cumulative_size;
    const std::uint64_t room = tree.node_size - kNodeOverhead;
    levels[u].max_records = room > pointer ? (room - pointer) / (tree.record_size + pointer) : 0;
    if (levels[u].max_records == 0) file.corrupt(kV2BtreeWhat, address, "its internal nodes are too small for one record");
    const std::uint64_t below = levels[u - 1].cumulative_max;
    const std::uint64_t m = levels[u].max_records;
    if (below > (~std::uint64_t{0} - m) / (m + 1)) file.corrupt(kV2BtreeWhat, address, "a depth of " + std::to_string(depth));
    levels[u].cumulative_max = (m + 1) * below + m;
    levels[u].cumulative_size = encoded_size(levels[u].cumulative_max);
  }
  return levels;
}

void verify(const FileImage& file, std::span<const unsigned char> node, std::uint64_t checked, std::uint64_t at) {
  ByteReader r(file, node, at, kV2BtreeWhat);
  r.seek(checked);
  const std::uint32_t stored = r.u32();
  if (lookup3(node.first(static_cast<std::size_t>(checked))) != stored) {
    file.corrupt("v2 B-tree node", at, "its checksum does not match");
  }
}

struct PendingV2Node {
  std::uint64_t address;
  unsigned depth;
  std::uint64_t records;
};

}  // namespace

void walk_v2_btree(const FileImage& file, std::uint64_t address, unsigned type,
                   const std::function<void(std::span<const unsigned char>)>& visit) {
  const std::uint64_t header_size = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + file.offset_size() + 2 + file.length_size() + 4;
  const auto header = file.at(address, header_size, kV2BtreeWhat);
  file.charge(header_size);
  ByteReader h(file, header, address, kV2BtreeWhat);
  h.signature("BTHD");
  if (const unsigned v = h.u8(); v != 0) h.fail("header version " + std::to_string(v));
  Tree tree;
  tree.type = h.u8();
  if (tree.type != type) h.fail("record type " + std::to_string(tree.type) + ", expected " + std::to_string(type));
  tree.node_size = h.u32();
  tree.record_size = h.u16();
  const unsigned depth = h.u16();
  h.skip(2);  // split and merge percentages
  const std::uint64_t root = h.address();
  const std::uint64_t root_records = h.u16();
  h.length();  // total records in the tree (the walk counts what is there)
  verify(file, header, h.position(), address);
  if (tree.record_size == 0 || tree.node_size <= kNodeOverhead) h.fail("nodes of " + std::to_string(tree.node_size) +
                                                                      " bytes for records of " +
                                                                      std::to_string(tree.record_size));
  if (depth > kMaxDepth) h.fail("a depth of " + std::to_string(depth));
  tree.levels = derive_levels(file, address, tree, depth, &tree.count_size);
  if (root == kUndefinedAddress || root_records == 0) return;  // an empty tree

  std::set<std::uint64_t> seen;
  std::vector<PendingV2Node> stack{{root, depth, root_records}};
  while (!stack.empty()) {
    const PendingV2Node node = stack.back();
    stack.pop_back();
    if (!seen.insert(node.address).second) {
      file.corrupt("v2 B-tree node", node.address, "reached twice (the tree's nodes form a cycle or share a subtree)");
    }
    if (node.records > tree.levels[node.depth].max_records) {
      file.corrupt("v2 B-tree node", node.address,
                   std::to_string(node.records) + " records in a node that holds at most " +
                       std::to_string(tree.levels[node.depth].max_records));
    }
    const auto bytes = file.at(node.address, tree.node_size, "v2 B-tree node");
    ByteReader r(file, bytes, node.address, "v2 B-tree node");
    r.signature(node.depth == 0 ? "BTLF" : "BTIN");
    if (const unsigned v = r.u8(); v != 0) r.fail("version " + std::to_string(v));
    if (const unsigned t = r.u8(); t != tree.type) r.fail("record type " + std::to_string(t));
    const auto records = r.bytes(node.records * tree.record_size);
    std::vector<PendingV2Node> children;
    if (node.depth > 0) {
      for (std::uint64_t i = 0; i <= node.records; ++i) {
        const std::uint64_t child = r.address();
        const std::uint64_t child_records = r.uint(tree.count_size);
        if (node.depth > 1) r.skip(tree.levels[node.depth - 1].cumulative_size);
        if (child == kUndefinedAddress) r.fail("a child pointer with an undefined address");
        children.push_back({child, node.depth - 1, child_records});
      }
    }
    file.charge(r.position() + 4);
    verify(file, bytes, r.position(), node.address);
    for (std::uint64_t i = 0; i < node.records; ++i) {
      visit(records.subspan(static_cast<std::size_t>(i * tree.record_size), static_cast<std::size_t>(tree.record_size)));
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
}

}  // namespace inlay::core::hdf5
