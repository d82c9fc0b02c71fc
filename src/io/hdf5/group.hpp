// The links of a group, in the three ways HDF5 stores them:
//  - symbol tables (libver "earliest", what Keras and tf.keras write): a v1 B-tree of type 0 over "SNOD" symbol
//    nodes whose entries name their links by offset into the group's local heap ("HEAP");
//  - compact link storage (libver "latest", few links): Link messages in the group's object header;
//  - dense link storage (libver "latest", more than 8 links by default): Link messages kept in a fractal heap,
//    indexed by a v2 B-tree of name hashes.
// Names are checked (not empty, no '/', no NUL, unique) and returned in byte order, as h5py lists them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/file_image.hpp"
#include "io/hdf5/object_header.hpp"

namespace inlay::core::hdf5 {

enum class LinkType { Hard, Soft, External };

struct Link {
  std::string name;
  LinkType type = LinkType::Hard;
  std::uint64_t address = kUndefinedAddress;  // hard links: the object header
  std::string target;                         // soft links: the path they name
};

// Whether the object header is a group's (a symbol table, link info or link message in it).
bool is_group(const ObjectHeader& header);

// The group's links, sorted by name.
std::vector<Link> read_group_links(const FileImage& file, const ObjectHeader& header);

// One encoded Link message (in an object header or a fractal heap).
Link parse_link_message(const FileImage& file, std::span<const unsigned char> data, std::uint64_t address);

}  // namespace inlay::core::hdf5
