#include "io/hdf5/dataset.hpp"

#include <algorithm>
#include <string>

#include "io/hdf5/chunks.hpp"
#include "io/hdf5/convert.hpp"

namespace inlay::core::hdf5 {
namespace {

// A chunk may be larger than its dataset (an explicit chunk shape on a small dataset) only up to this size.
constexpr std::uint64_t kSmallChunkBytes = 64u << 10;

const Message& required(const FileImage& file, const ObjectHeader& header, std::uint16_t type, const char* name) {
  const Message* m = header.find(type);
  if (m == nullptr) file.corrupt("dataset object header", header.address, "no " + std::string(name) + " message");
  if ((m->flags & kMessageShared) != 0) {
    file.unsupported("dataset", std::string("a shared (committed) ") + name + " message");
  }
  return *m;
}

// Fills `out` with the dataset's fill value (zeros unless it defines one).
void fill(const FileImage& file, const DatasetInfo& dataset, std::span<float> out) {
  std::vector<unsigned char> value;
  if (dataset.fill) value = parse_fill_value(file, *dataset.fill, dataset.type.size);
  float f = 0.0f;
  if (!value.empty()) convert_to_float(dataset.type, value.data(), 1, &f);
  std::fill(out.begin(), out.end(), f);
}

// Copies (converting) the part of a decoded chunk that lies inside the dataset into `out`.
void copy_chunk(const Datatype& type, const ChunkGrid& grid, std::uint64_t index, std::span<const unsigned char> chunk,
                std::span<float> out) {
  const std::size_t rank = grid.dims.size();
  std::vector<std::uint64_t> offset(rank);
  std::vector<std::uint64_t> extent(rank);
  for (std::size_t i = rank; i-- > 0;) {
    offset[i] = (index % grid.counts[i]) * grid.chunk[i];
    index /= grid.counts[i];
    extent[i] = std::min(grid.chunk[i], grid.dims[i] - offset[i]);
  }
  std::vector<std::uint64_t> out_stride(rank, 1);
  std::vector<std::uint64_t> chunk_stride(rank, 1);
  for (std::size_t i = rank - 1; i-- > 0;) {
    out_stride[i] = out_stride[i + 1] * grid.dims[i + 1];
    chunk_stride[i] = chunk_stride[i + 1] * grid.chunk[i + 1];
  }
  // One run of extent[rank - 1] elements per position of the other dimensions, odometer style.
  std::vector<std::uint64_t> at(rank, 0);
  for (;;) {
    std::uint64_t src = 0;
    std::uint64_t dst = 0;
    for (std::size_t i = 0; i < rank; ++i) {
      src += at[i] * chunk_stride[i];
      dst += (offset[i] + at[i]) * out_stride[i];
    }
    convert_to_float(type, chunk.data() + src * type.size, extent[rank - 1], out.data() + dst);
    std::size_t d = rank - 1;
    while (d-- > 0) {
      if (++at[d] < extent[d]) break;
      at[d] = 0;
    }
    if (d == static_cast<std::size_t>(-1)) return;
  }
}

bool partial_edge(const ChunkGrid& grid, std::uint64_t index) {
  for (std::size_t i = grid.dims.size(); i-- > 0;) {
    const std::uint64_t offset = (index % grid.counts[i]) * grid.chunk[i];
    index /= grid.counts[i];
    if (grid.dims[i] - offset < grid.chunk[i]) return true;
  }
  return false;
}

void read_chunked(const FileImage& file, const DatasetInfo& dataset, std::span<float> out, std::uint64_t data_bytes,
                  const std::string& where) {
  const Layout& layout = dataset.layout;
  const ChunkGrid grid = make_chunk_grid(file, layout, dataset.space.dims);
  if (layout.chunk_element_size != dataset.type.size) {
    file.corrupt("data layout message", layout.address,
                 "chunks of " + std::to_string(layout.chunk_element_size) + "-byte elements in a dataset of " +
                     std::to_string(dataset.type.size) + "-byte elements");
  }
  std::uint64_t chunk_bytes = dataset.type.size;
  for (std::uint64_t d : layout.chunk) {
    if (!checked_multiply(chunk_bytes, d, &chunk_bytes)) file.corrupt("data layout message", layout.address, "chunks whose size overflows");
  }
  if (chunk_bytes > data_bytes && chunk_bytes > kSmallChunkBytes) {
    file.fail(Status::ParseError, where + ": chunks of " + std::to_string(chunk_bytes) +
                                      " bytes for a dataset of " + std::to_string(data_bytes) + " bytes");
  }
  if (!dataset.chunks) {
    std::vector<StoredChunk> chunks;
    for_each_chunk(file, layout, grid, chunk_bytes, !dataset.filters.empty(),
                   [&](const StoredChunk& c) { chunks.push_back(c); });
    dataset.chunks = std::move(chunks);
  }
  fill(file, dataset, out);
  std::vector<unsigned char> buffer;
  std::vector<unsigned char> scratch;
  for (const StoredChunk& c : *dataset.chunks) {
    const auto stored = file.at(c.address, c.size, "dataset chunk");
    const std::uint32_t mask = layout.unfiltered_edge_chunks && partial_edge(grid, c.index) ? ~0u : c.filter_mask;
    const auto chunk = decode_chunk(file, dataset.filters, mask, stored, chunk_bytes, buffer, scratch, where);
    copy_chunk(dataset.type, grid, c.index, chunk, out);
  }
}

// Contiguous data, converted in slices of at most kSliceElements, each handed back (FileImage::done_with) as
// soon as it is converted: a large weight (VGG16's first Dense kernel, 392 MiB) is never resident twice.
void read_contiguous(const FileImage& file, const DatasetInfo& dataset, std::span<float> out, std::uint64_t bytes) {
  constexpr std::uint64_t kSliceElements = std::uint64_t{1} << 20;
  const std::uint64_t address = dataset.layout.address;
  const unsigned char* data = file.at(address, bytes, "contiguous dataset data").data();
  const std::uint64_t element = dataset.type.size;
  for (std::uint64_t first = 0; first < dataset.space.count; first += kSliceElements) {
    const std::uint64_t n = std::min(kSliceElements, dataset.space.count - first);
    convert_to_float(dataset.type, data + first * element, n, out.data() + first);
    file.done_with(address + first * element, n * element);
  }
}

}  // namespace

bool is_dataset(const ObjectHeader& header) { return header.find(message_type::kLayout) != nullptr; }

DatasetInfo parse_dataset(const FileImage& file, const ObjectHeader& header) {
  DatasetInfo d;
  const Message& type = required(file, header, message_type::kDatatype, "datatype");
  d.type = parse_datatype(file, type.data, type.address);
  const Message& space = required(file, header, message_type::kDataspace, "dataspace");
  d.space = parse_dataspace(file, space.data, space.address);
  d.layout = parse_layout(file, required(file, header, message_type::kLayout, "data layout"));
  if (const Message* p = header.find(message_type::kFilterPipeline)) {
    d.filters = parse_filter_pipeline(file, p->data, p->address);
  }
  if (const Message* f = header.find(message_type::kFillValue)) d.fill = *f;
  d.external = header.find(message_type::kExternalFiles) != nullptr;
  return d;
}

void read_dataset(const FileImage& file, const DatasetInfo& dataset, std::span<float> out, std::string_view path) {
  const std::string where = "dataset " + hdf5::quoted(path);
  if (dataset.external || dataset.layout.kind == StorageKind::Virtual) {
    file.fail(Status::ParseError, where + " keeps its data outside the file");
  }
  if (!dataset.type.is_number()) {
    file.fail(Status::ParseError, where + " does not hold numbers inlay reads: it holds " + dataset.type.describe());
  }
  if (out.size() != dataset.space.count) {
    throw Error(Status::InvalidArgument, "reading " + where + ": room for " + std::to_string(out.size()) +
                                             " values, it holds " + std::to_string(dataset.space.count));
  }
  if (dataset.space.count == 0) return;
  std::uint64_t bytes = 0;
  if (!checked_multiply(dataset.space.count, dataset.type.size, &bytes)) {
    file.fail(Status::ParseError, where + " is larger than any file");
  }
  const Layout& layout = dataset.layout;
  switch (layout.kind) {
    case StorageKind::Compact:
      if (layout.compact.size() != bytes) {
        file.fail(Status::ParseError, where + ": its compact storage holds " + std::to_string(layout.compact.size()) +
                                          " bytes, but its " + std::to_string(dataset.space.count) + " elements take " +
                                          std::to_string(bytes));
      }
      convert_to_float(dataset.type, layout.compact.data(), dataset.space.count, out.data());
      return;
    case StorageKind::Contiguous:
      if (layout.address == kUndefinedAddress) {
        fill(file, dataset, out);  // never written: what h5py reads is the fill value
        return;
      }
      if (layout.size_known && layout.size != bytes) {
        file.fail(Status::ParseError, where + ": its contiguous storage is " + std::to_string(layout.size) +
                                          " bytes, but its " + std::to_string(dataset.space.count) + " elements take " +
                                          std::to_string(bytes));
      }
      read_contiguous(file, dataset, out, bytes);
      return;
    case StorageKind::Chunked:
      read_chunked(file, dataset, out, bytes, where);
      return;
    case StorageKind::Virtual:
      break;
  }
}

}  // namespace inlay::core::hdf5
