// Datasets: the datatype, dataspace, layout, filters and fill value of an object header, and reading the
// elements as float32. What is read is checked against what is declared, before anything is copied:
//  - compact: the stored bytes must be exactly element count x element size (no more, no less);
//  - contiguous: the data's address and size must lie inside the file, and the size must be exactly the
//    elements' (storage never allocated reads as the fill value, as h5py does);
//  - chunked: chunks at valid, distinct grid positions; each chunk decodes to exactly its declared size (zlib
//    stops past it); a chunk may not be larger than both the dataset and 64 KiB (the dataset's size is the
//    caller's budget, a chunk's is not), so what is inflated stays within the chunk grid's extent; chunks never
//    written read as the fill value.
// Data kept outside the file (external storage, virtual datasets) is never followed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "io/hdf5/chunks.hpp"
#include "io/hdf5/dataspace.hpp"
#include "io/hdf5/datatype.hpp"
#include "io/hdf5/file_image.hpp"
#include "io/hdf5/filters.hpp"
#include "io/hdf5/layout.hpp"
#include "io/hdf5/object_header.hpp"

namespace inlay::core::hdf5 {

struct DatasetInfo {
  Datatype type;
  Dataspace space;
  Layout layout;
  std::vector<Filter> filters;
  std::optional<Message> fill;  // the fill value message, when there is one
  bool external = false;          // an external data files message: the data is in other files
  // Chunked datasets: the stored chunks, listed by the first read, so that reading the dataset again does not
  // walk (and charge the file's work budget for) its chunk index again.
  mutable std::optional<std::vector<StoredChunk>> chunks;
};

// Whether the object header is a dataset's (it has a data layout message).
bool is_dataset(const ObjectHeader& header);

// The dataset's messages, parsed (a ParseError when one of datatype, dataspace and layout is missing;
// Unsupported for shared (committed) datatypes).
DatasetInfo parse_dataset(const FileImage& file, const ObjectHeader& header);

// Reads every element, converted to float, into `out` (out.size() must be the element count). `path` names the
// dataset in messages.
void read_dataset(const FileImage& file, const DatasetInfo& dataset, std::span<float> out, std::string_view path);

}  // namespace inlay::core::hdf5
