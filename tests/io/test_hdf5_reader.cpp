// inlay's own HDF5 reader (src/io/hdf5/) against h5py: every file tools/fixtures/gen_hdf5_fixtures.py wrote
// (tests/fixtures/hdf5/: both libver settings, every layout, type and link kind the reader supports) and the
// model.weights.h5 of every .keras fixture, walked the way the generator walked them with h5py and compared
// object by object (links, types, shapes, storage, values, attributes). Then hostile files made here by
// patching valid ones: storage that claims more or fewer bytes than it has, a deflate bomb, cycles, huge
// counts, truncation and byte flips at every offset. Each must end in a clean Error, never a crash, a hang or
// a read outside the file.
#include <gtest/gtest.h>
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/checksum.hpp"
#include "io/hdf5/file_image.hpp"
#include "io/hdf5/hdf5_file.hpp"
#include "util/error.hpp"

namespace inlay::core::hdf5 {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Bytes = std::vector<unsigned char>;

const fs::path kFixtures = INLAY_FIXTURES_DIR;
const fs::path kHdf5 = kFixtures / "hdf5";

Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A member of a zip archive (libzip).
Bytes zip_member(const fs::path& path, const char* name) {
  int error = 0;
  zip_t* z = zip_open(path.string().c_str(), ZIP_RDONLY, &error);
  if (z == nullptr) throw std::runtime_error("cannot open " + path.string());
  zip_stat_t st;
  zip_stat_init(&st);
  Bytes out;
  if (zip_stat(z, name, 0, &st) == 0) {
    out.resize(st.size);
    zip_file_t* f = zip_fopen(z, name, 0);
    const zip_int64_t n = zip_fread(f, out.data(), st.size);
    zip_fclose(f);
    out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  }
  zip_discard(z);
  return out;
}

const json& cases() {
  static const json data = [] {
    std::ifstream in(kHdf5 / "cases.json");
    return json::parse(in);
  }();
  return data;
}

// numpy's dtype.str for a datatype ("<f4", ">i8", "|u1", "|S8", "|O").
std::string numpy_dtype(const Datatype& t) {
  if (t.variable_string) return "|O";
  if (t.fixed_string) return "|S" + std::to_string(t.size);
  const std::string order = t.size == 1 ? "|" : t.big_endian ? ">" : "<";
  switch (t.number) {
    case NumberFormat::Signed:
      return order + "i" + std::to_string(t.size);
    case NumberFormat::Unsigned:
      return order + "u" + std::to_string(t.size);
    case NumberFormat::Float16:
    case NumberFormat::Float32:
    case NumberFormat::Float64:
      return order + "f" + std::to_string(t.size);
    case NumberFormat::BFloat16:
    case NumberFormat::None:
      break;
  }
  return "other: " + t.describe();
}

// A number as the generator writes it: NaN and infinities as strings.
json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

json describe_attribute(const Object& o, const std::string& name) {
  const std::optional<Attribute> a = o.attribute(name);
  EXPECT_TRUE(a.has_value()) << o.path() << " @" << name;
  json out = {{"name", name}, {"shape", a->space().dims}};
  if (a->is_string()) {
    out["kind"] = "string";
    out["values"] = a->strings();
  } else if (a->is_number()) {
    out["kind"] = "number";
    out["values"] = json::array();
    for (double v : a->numbers()) out["values"].push_back(number(v));
  } else {
    out["kind"] = "other";
  }
  return out;
}

json describe_dataset(const Object& o) {
  const StorageKind storage = o.storage();
  json out = {{"path", o.path()},
              {"kind", "dataset"},
              {"dtype", numpy_dtype(o.dtype())},
              {"shape", o.shape()},
              {"storage", storage == StorageKind::Compact      ? "compact"
                          : storage == StorageKind::Contiguous ? "contiguous"
                          : storage == StorageKind::Chunked    ? "chunked"
                                                               : "other"},
              {"numeric", o.dtype().is_number()}};
  if (o.dtype().is_number()) {
    std::vector<float> values(static_cast<std::size_t>(o.element_count()));
    o.read_as_float32(values);
    if (values.size() <= 64) {
      out["values"] = json::array();
      for (float v : values) out["values"].push_back(number(v));
    } else {
      double sum = 0;
      double sum_abs = 0;
      json first = json::array();
      for (std::size_t i = 0; i < values.size(); ++i) {
        sum += values[i];
        sum_abs += std::fabs(values[i]);
        if (i < 8) first.push_back(number(values[i]));
      }
      out["checksum"] = {{"sum", sum}, {"sum_abs", sum_abs}, {"first", first}};
    }
  }
  return out;
}

// The generator's walk: every object reached through hard links once, links in name order, depth first.
json describe(const Object& root) {
  json objects = json::array();
  std::set<std::uint64_t> seen;
  std::function<void(const Object&)> visit = [&](const Object& o) {
    if (!seen.insert(o.address()).second) return;
    json entry;
    if (o.is_dataset()) {
      entry = describe_dataset(o);
    } else if (o.is_group()) {
      entry = {{"path", o.path()}, {"kind", "group"}, {"links", json::array()}};
    } else {
      entry = {{"path", o.path()}, {"kind", "other"}};
    }
    entry["attributes"] = json::array();
    for (const std::string& name : o.attribute_names()) entry["attributes"].push_back(describe_attribute(o, name));
    objects.push_back(entry);
    if (!o.is_group()) return;
    std::vector<std::string> hard;
    for (const std::string& name : o.child_names()) {
      const LinkType type = *o.link_type(name);
      const char* kind = type == LinkType::Hard ? "hard" : type == LinkType::Soft ? "soft" : "external";
      objects.back()["links"].push_back({{"name", name}, {"type", kind}});
      if (type == LinkType::Hard) hard.push_back(name);
    }
    for (const std::string& name : hard) visit(o.child(name));
  };
  visit(root);
  return objects;
}

// Compares one object of the reader with h5py's, field by field (checksums within rounding of the sums).
void expect_same_object(const json& mine, const json& h5py) {
  SCOPED_TRACE(h5py.value("path", "?"));
  for (const char* key : {"path", "kind", "links", "dtype", "shape", "storage", "numeric", "values", "attributes"}) {
    EXPECT_EQ(mine.contains(key), h5py.contains(key)) << key;
    if (mine.contains(key) && h5py.contains(key)) {
      EXPECT_EQ(mine[key], h5py[key]) << key;
    }
  }
  EXPECT_EQ(mine.contains("checksum"), h5py.contains("checksum"));
  if (mine.contains("checksum") && h5py.contains("checksum")) {
    const json& a = mine["checksum"];
    const json& b = h5py["checksum"];
    const double tolerance = 1e-9 * b["sum_abs"].get<double>() + 1e-12;
    EXPECT_NEAR(a["sum"].get<double>(), b["sum"].get<double>(), tolerance);
    EXPECT_NEAR(a["sum_abs"].get<double>(), b["sum_abs"].get<double>(), tolerance);
    EXPECT_EQ(a["first"], b["first"]);
  }
}

// --------------------------------------------------------------------------------------------------------
// Against h5py

struct FileCase {
  std::string label;
  std::size_t index;
};

void PrintTo(const FileCase& c, std::ostream* os) { *os << c.label; }

std::vector<FileCase> file_cases() {
  std::vector<FileCase> out;
  const json& files = cases().at("files");
  for (std::size_t i = 0; i < files.size(); ++i) {
    out.push_back({files[i].contains("file") ? files[i]["file"].get<std::string>() : files[i]["keras"].get<std::string>(), i});
  }
  return out;
}

class AgainstH5py : public ::testing::TestWithParam<FileCase> {};

TEST_P(AgainstH5py, EveryObjectAsH5pyReadsIt) {
  const json& c = cases().at("files").at(GetParam().index);
  const Bytes bytes = c.contains("file") ? read_file(kHdf5 / c["file"].get<std::string>())
                                         : zip_member(kFixtures / c["keras"].get<std::string>(), "model.weights.h5");
  ASSERT_FALSE(bytes.empty());
  const Hdf5File file = Hdf5File::open(bytes, GetParam().label, "weights");
  const json mine = describe(file.root());
  const json& theirs = c.at("objects");
  ASSERT_EQ(mine.size(), theirs.size());
  for (std::size_t i = 0; i < mine.size(); ++i) expect_same_object(mine[i], theirs[i]);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AgainstH5py, ::testing::ValuesIn(file_cases()),
                         [](const ::testing::TestParamInfo<FileCase>& param) {
                           std::string name;
                           for (char ch : param.param.label) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
                           }
                           return name + "_" + std::to_string(param.param.index);
                         });

TEST(Hdf5Reader, CoversTheFormatsItClaims) {
  // The fixtures exercise what the reader is for: both file format generations, every storage kind, links
  // in all three storages (1200 in one group in both), compressed and checksummed chunks.
  const json& files = cases().at("files");
  std::set<std::string> storages;
  std::set<std::string> dtypes;
  for (const json& f : files) {
    for (const json& o : f["objects"]) {
      if (o["kind"] == "dataset") {
        storages.insert(o["storage"].get<std::string>());
        dtypes.insert(o["dtype"].get<std::string>());
      }
    }
  }
  EXPECT_EQ(storages, (std::set<std::string>{"compact", "contiguous", "chunked"}));
  for (const char* t : {"<f2", "<f4", "<f8", ">f2", ">f4", ">f8", "|i1", "<i2", "<i4", "<i8", ">i2", ">i4", ">i8", "|u1",
                        "<u2", "<u4", "<u8", ">u2", ">u4", ">u8", "|S4"}) {
    EXPECT_EQ(dtypes.count(t), 1u) << t;
  }
  const Bytes latest = read_file(kHdf5 / "many_links_latest.h5");
  const Hdf5File file = Hdf5File::open(latest, "many_links_latest.h5", "many_links_latest.h5");
  EXPECT_EQ(file.root().child("many").child_names().size(), 1200u);
  EXPECT_EQ(file.root().attribute_names().size(), 20u);  // dense attribute storage
}

TEST(Hdf5Reader, UnsupportedFeaturesAreNamed) {
  for (const json& c : cases().at("unsupported")) {
    SCOPED_TRACE(c.dump());
    const Bytes bytes = read_file(kHdf5 / c["file"].get<std::string>());
    const Hdf5File file = Hdf5File::open(bytes, "unsupported.h5", "unsupported.h5");
    const Object o = file.root().child(c["path"].get<std::string>());
    std::vector<float> out(static_cast<std::size_t>(o.element_count()));
    try {
      o.read_as_float32(out);
      ADD_FAILURE() << "read";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), Status::Unsupported) << e.what();
      EXPECT_NE(std::string(e.what()).find(c["message"].get<std::string>()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("unsupported.h5: " + c["path"].get<std::string>()), std::string::npos)
          << e.what();
    }
  }
}

TEST(Hdf5Reader, MisuseIsAnInvalidArgument) {
  const Bytes bytes = read_file(kHdf5 / "earliest.h5");
  const Hdf5File file = Hdf5File::open(bytes, "earliest.h5", "earliest.h5");
  const Object root = file.root();
  EXPECT_THROW(root.dtype(), Error);
  const Object contiguous = root.child("layouts").child("contiguous");
  std::vector<float> wrong(3);
  try {
    contiguous.read_as_float32(wrong);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::InvalidArgument) << e.what();
  }
  try {
    root.child("links").child("soft");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::ParseError);
    EXPECT_NE(std::string(e.what()).find("'soft' is a soft link"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(root.link_type("absent").has_value());
  EXPECT_FALSE(root.attribute("absent").has_value());
}

// --------------------------------------------------------------------------------------------------------
// Hostile files: valid files patched here

// Opens and walks a file as the fuzz target does; returns the error, or nullopt when everything read.
std::optional<Error> walk_all(const Bytes& bytes) {
  try {
    const Hdf5File file = Hdf5File::open(bytes, "hostile.h5", "hostile.h5");
    std::set<std::uint64_t> seen;
    std::function<void(const Object&)> visit = [&](const Object& o) {
      if (!seen.insert(o.address()).second) return;
      for (const std::string& name : o.attribute_names()) o.attribute(name, 1u << 20);
      if (o.is_dataset() && o.dtype().is_number() && o.element_count() <= (1u << 20)) {
        std::vector<float> out(static_cast<std::size_t>(o.element_count()));
        o.read_as_float32(out);
      }
      if (!o.is_group()) return;
      for (const std::string& name : o.child_names()) {
        if (o.link_type(name) == LinkType::Hard) visit(o.child(name));
      }
    };
    visit(file.root());
    return std::nullopt;
  } catch (const Error& e) {
    return e;
  }
}

void put_le(Bytes& b, std::size_t at, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<unsigned char>(v >> (8 * i));
}

std::uint64_t get_le(const Bytes& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= std::uint64_t{b[at + static_cast<std::size_t>(i)]} << (8 * i);
  return v;
}

// Where `needle` is in `hay` (a single occurrence is required).
std::size_t find_once(const Bytes& hay, const Bytes& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
  EXPECT_NE(it, hay.end());
  const std::size_t at = static_cast<std::size_t>(it - hay.begin());
  EXPECT_EQ(std::search(it + 1, hay.end(), needle.begin(), needle.end()), hay.end()) << "found twice";
  return at;
}

// A dataset's values as its little-endian float32 bytes (what contiguous and compact storage hold).
Bytes float_bytes(const Bytes& file_bytes, const std::string& a, const std::string& b) {
  const Hdf5File file = Hdf5File::open(file_bytes, "f", "f");
  const Object o = file.root().child(a).child(b);
  std::vector<float> values(static_cast<std::size_t>(o.element_count()));
  o.read_as_float32(values);
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

Error read_error(const Bytes& bytes, const std::string& a, const std::string& b) {
  try {
    const Hdf5File file = Hdf5File::open(bytes, "hostile.h5", "hostile.h5");
    const Object o = file.root().child(a).child(b);
    std::vector<float> values(static_cast<std::size_t>(o.element_count()));
    o.read_as_float32(values);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << a << "/" << b << " was read";
  return Error(Status::Ok, "");
}

// Recomputes the checksum of the version 2 object header ("OHDR") at `at`, after an edit of its first chunk.
void fix_ohdr_checksum(Bytes& b, std::size_t at) {
  ASSERT_EQ(std::memcmp(&b[at], "OHDR", 4), 0);
  const unsigned flags = b[at + 5];
  std::size_t pos = at + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
  const int width = 1 << (flags & 3);
  const std::uint64_t size = get_le(b, pos, width);
  pos += static_cast<std::size_t>(width) + size;
  put_le(b, pos, lookup3(std::span<const unsigned char>(&b[at], pos - at)), 4);
}

TEST(HostileHdf5, CompactDatasetClaimingFewerBytesThanItsElements) {
  // libhdf5 1.10 read such a dataset and filled the rest of the weights from its own heap. The layout
  // message (version 3 or 4, class 0 = compact, size, data) is found by the data's bytes; its size says 16
  // of 24 (and in the checksummed format the header's checksum is recomputed, so that the size itself is
  // what the reader has to catch).
  for (const char* name : {"earliest.h5", "latest.h5"}) {
    SCOPED_TRACE(name);
    Bytes bytes = read_file(kHdf5 / name);
    const Bytes data = float_bytes(bytes, "layouts", "compact");
    ASSERT_EQ(data.size(), 24u);
    const std::size_t at = find_once(bytes, data);
    ASSERT_EQ(bytes[at - 3], 0u);  // class 0: compact
    ASSERT_EQ(get_le(bytes, at - 2, 2), 24u);
    put_le(bytes, at - 2, 16, 2);
    if (std::string(name) == "latest.h5") {
      const Bytes original = read_file(kHdf5 / name);  // the file reads these bytes: they must outlive it
      const Hdf5File file = Hdf5File::open(original, "f", "f");
      fix_ohdr_checksum(bytes, static_cast<std::size_t>(file.root().child("layouts").child("compact").address()));
    }
    const Error e = read_error(bytes, "layouts", "compact");
    EXPECT_EQ(e.status(), Status::ParseError) << e.what();
    EXPECT_NE(std::string(e.what()).find("compact storage holds 16 bytes, but its 6 elements take 24"),
              std::string::npos)
        << e.what();
  }
}

TEST(HostileHdf5, ContiguousDataOutsideTheFile) {
  Bytes bytes = read_file(kHdf5 / "earliest.h5");
  const Bytes data = float_bytes(bytes, "layouts", "contiguous");
  const std::size_t data_at = find_once(bytes, data);
  // The layout message: version 3, class 1 (contiguous), address, size.
  Bytes pattern = {3, 1};
  for (int i = 0; i < 8; ++i) pattern.push_back(static_cast<unsigned char>(data_at >> (8 * i)));
  const std::size_t at = find_once(bytes, pattern);
  ASSERT_EQ(get_le(bytes, at + 10, 8), data.size());
  Bytes past = bytes;
  put_le(past, at + 2, bytes.size() - 40, 8);  // starts inside the file, ends past it
  Error e = read_error(past, "layouts", "contiguous");
  EXPECT_EQ(e.status(), Status::ParseError);
  EXPECT_NE(std::string(e.what()).find("not inside the file"), std::string::npos) << e.what();
  put_le(past, at + 2, ~std::uint64_t{0} - 8, 8);  // an address that overflows when its size is added
  e = read_error(past, "layouts", "contiguous");
  EXPECT_EQ(e.status(), Status::ParseError) << e.what();
  Bytes big = bytes;
  put_le(big, at + 10, std::uint64_t{1} << 40, 8);  // a size that is not the elements'
  e = read_error(big, "layouts", "contiguous");
  EXPECT_NE(std::string(e.what()).find("contiguous storage is 1099511627776 bytes, but its 20 elements take 80"),
            std::string::npos)
      << e.what();
}

// A zlib stream of `gib` GiB of zeros: 1 MiB deflated once and repeated (a full flush makes the pieces
// byte-aligned and independent), then an empty final block and the Adler-32 of that many zeros.
Bytes deflate_bomb(std::uint64_t gib) {
  z_stream zs{};
  EXPECT_EQ(deflateInit(&zs, 9), Z_OK);
  Bytes zeros(1u << 20, 0);
  auto piece = [&]() {
    Bytes out(1u << 16);
    zs.next_in = zeros.data();
    zs.avail_in = static_cast<uInt>(zeros.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FULL_FLUSH), Z_OK);
    out.resize(out.size() - zs.avail_out);
    return out;
  };
  Bytes bomb = piece();  // with the zlib header
  const Bytes repeat = piece();
  deflateEnd(&zs);
  const std::uint64_t pieces = gib << 10;
  for (std::uint64_t i = 1; i < pieces; ++i) bomb.insert(bomb.end(), repeat.begin(), repeat.end());
  bomb.push_back(0x03);  // final fixed-Huffman block holding only its end code
  bomb.push_back(0x00);
  const std::uint64_t total = pieces << 20;
  const std::uint32_t adler = static_cast<std::uint32_t>(total % 65521) << 16 | 1u;  // zeros: a = 1, b = n
  for (int i = 3; i >= 0; --i) bomb.push_back(static_cast<unsigned char>(adler >> (8 * i)));
  return bomb;
}

TEST(HostileHdf5, DeflateBombChunkStopsAtTheChunkSize) {
  const Bytes bomb = deflate_bomb(1);
  {  // The bomb is a valid zlib stream of 1 GiB (checked on its first 64 MiB, and that it goes on).
    z_stream zs{};
    ASSERT_EQ(inflateInit(&zs), Z_OK);
    Bytes out(64u << 20);
    zs.next_in = const_cast<Bytef*>(bomb.data());
    zs.avail_in = static_cast<uInt>(bomb.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_NO_FLUSH), Z_OK);
    EXPECT_EQ(zs.avail_out, 0u);
    inflateEnd(&zs);
  }
  EXPECT_LT(bomb.size(), 2u << 20);
  // The chunk of layouts/chunked_one_chunk (100 floats, one gzip chunk, a v1 B-tree of one leaf entry at
  // offset 0): its key's size and its address now point at the bomb, appended to the file.
  Bytes bytes = read_file(kHdf5 / "earliest.h5");
  std::size_t key_at = 0;
  int found = 0;
  for (std::size_t at = 0; at + 64 < bytes.size(); ++at) {
    if (std::memcmp(&bytes[at], "TREE", 4) != 0 || bytes[at + 4] != 1 || bytes[at + 5] != 0) continue;
    const std::size_t key = at + 24;  // signature, type, level, entries, two sibling addresses
    if (get_le(bytes, at + 6, 2) == 1 && get_le(bytes, key + 8, 8) == 0 && get_le(bytes, key + 16, 8) == 0) {
      key_at = key;
      ++found;
    }
  }
  ASSERT_EQ(found, 1);
  const std::uint64_t bomb_at = bytes.size();
  bytes.insert(bytes.end(), bomb.begin(), bomb.end());
  put_le(bytes, 40, bytes.size(), 8);  // the superblock's end-of-file address
  put_le(bytes, key_at, bomb.size(), 4);
  put_le(bytes, key_at + 24, bomb_at, 8);
  const Error e = read_error(bytes, "layouts", "chunked_one_chunk");
  EXPECT_EQ(e.status(), Status::ParseError);
  EXPECT_NE(std::string(e.what()).find("inflates to more than the 400 bytes a chunk of this dataset holds"),
            std::string::npos)
      << e.what();
}

TEST(HostileHdf5, BtreeNodesReachedTwice) {
  // The symbol-table B-tree of many_links_earliest.h5's group "many" (1200 links) has internal nodes. One of
  // them is made to list its first child twice: a walk that followed it would see those links twice.
  Bytes bytes = read_file(kHdf5 / "many_links_earliest.h5");
  int patched = 0;
  for (std::size_t at = 0; at + 64 < bytes.size() && patched == 0; ++at) {
    if (std::memcmp(&bytes[at], "TREE", 4) != 0 || bytes[at + 4] != 0 || bytes[at + 5] == 0) continue;
    if (get_le(bytes, at + 6, 2) < 2) continue;
    // Entries: key (8 bytes: a heap offset), child (8 bytes), ...
    const std::size_t first_child = at + 24 + 8;
    const std::size_t second_child = first_child + 16;
    put_le(bytes, second_child, get_le(bytes, first_child, 8), 8);
    ++patched;
  }
  ASSERT_EQ(patched, 1);
  const std::optional<Error> e = walk_all(bytes);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status(), Status::ParseError);
  EXPECT_NE(std::string(e->what()).find("reached twice"), std::string::npos) << e->what();
}

TEST(HostileHdf5, ContinuationChunkCycle) {
  // A version 1 object header whose continuation message points back at the header's first chunk.
  Bytes bytes = read_file(kHdf5 / "earliest.h5");
  const std::uint64_t header = [&] {
    const Hdf5File file = Hdf5File::open(bytes, "f", "f");
    return file.root().address();
  }();
  ASSERT_EQ(bytes[header], 1);
  const std::uint64_t size = get_le(bytes, header + 8, 4);
  std::size_t cont = 0;
  for (std::size_t at = header + 16; at + 8 <= header + 16 + size;) {
    const std::uint64_t type = get_le(bytes, at, 2);
    const std::uint64_t length = get_le(bytes, at + 2, 2);
    if (type == 0x10) cont = at + 8;
    at += 8 + length;
  }
  ASSERT_NE(cont, 0u) << "the root group's header has no continuation message";
  put_le(bytes, cont, header + 16, 8);
  put_le(bytes, cont + 8, size, 8);
  const std::optional<Error> e = walk_all(bytes);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status(), Status::ParseError);
  EXPECT_NE(std::string(e->what()).find("continuation chunks form a cycle"), std::string::npos) << e->what();
}

TEST(HostileHdf5, HugeCountsAreBoundedByTheBytesPresent) {
  // A symbol node claiming 65535 entries, a v1 B-tree node claiming 65535 children, a dataspace of 2^62
  // elements per dimension: each is refused for what is there, before anything is allocated for it.
  const Bytes original = read_file(kHdf5 / "earliest.h5");
  {
    Bytes bytes = original;
    const std::size_t at = static_cast<std::size_t>(
        std::search(bytes.begin(), bytes.end(), std::begin("SNOD"), std::begin("SNOD") + 4) - bytes.begin());
    ASSERT_LT(at, bytes.size());
    put_le(bytes, at + 6, 0xffff, 2);
    const std::optional<Error> e = walk_all(bytes);
    ASSERT_TRUE(e.has_value());
    EXPECT_NE(std::string(e->what()).find("symbol table node"), std::string::npos) << e->what();
  }
  {
    Bytes bytes = original;
    const std::size_t at = static_cast<std::size_t>(
        std::search(bytes.begin(), bytes.end(), std::begin("TREE"), std::begin("TREE") + 4) - bytes.begin());
    ASSERT_LT(at, bytes.size());
    put_le(bytes, at + 6, 0xffff, 2);
    const std::optional<Error> e = walk_all(bytes);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->status(), Status::ParseError) << e->what();
  }
  {
    // The dataspace of layouts/contiguous (version 1, rank 2: 4 x 5) made 2^62 x 2^62.
    Bytes bytes = original;
    const std::size_t at = [&] {
      for (std::size_t i = 0; i + 24 < bytes.size(); ++i) {
        if (bytes[i] == 1 && bytes[i + 1] == 2 && get_le(bytes, i + 8, 8) == 4 && get_le(bytes, i + 16, 8) == 5) return i;
      }
      return std::size_t{0};
    }();
    ASSERT_NE(at, 0u);
    put_le(bytes, at + 8, std::uint64_t{1} << 62, 8);
    put_le(bytes, at + 16, std::uint64_t{1} << 62, 8);
    try {
      const Hdf5File file = Hdf5File::open(bytes, "f", "f");
      file.root().child("layouts").child("contiguous").element_count();
      ADD_FAILURE();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("dimensions whose product overflows"), std::string::npos) << e.what();
    }
  }
}

// Truncated at every offset, with the superblock's end-of-file address kept (caught at the superblock) and
// set to the new size (so that the structures after the cut are reached and found cut).
void truncate_everywhere(const Bytes& original, std::size_t eof_field) {
  for (std::size_t keep = 0; keep < original.size(); ++keep) {
    Bytes bytes(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(keep));
    EXPECT_TRUE(walk_all(bytes).has_value()) << keep;
    if (keep >= eof_field + 8) {
      put_le(bytes, eof_field, keep, 8);
      const std::optional<Error> e = walk_all(bytes);
      if (e) {
        EXPECT_EQ(e->status(), Status::ParseError) << keep << ": " << e->what();
      }
    }
  }
}

TEST(HostileHdf5, TruncatedAtEveryOffset) {
  truncate_everywhere(read_file(kHdf5 / "userblock.h5"), 512 + 40);
  truncate_everywhere(zip_member(kFixtures / "models/logistic_regression/model.keras", "model.weights.h5"), 40);
}

TEST(HostileHdf5, EveryByteFlipped) {
  // Each byte of two small files, one at a time, inverted: a clean error or a successful read, never more.
  for (const Bytes& original : {read_file(kHdf5 / "userblock.h5"),
                                zip_member(kFixtures / "models/logistic_regression/model.keras", "model.weights.h5")}) {
    for (std::size_t at = 0; at < original.size(); ++at) {
      Bytes bytes = original;
      bytes[at] ^= 0xff;
      (void)walk_all(bytes);
    }
  }
}

TEST(HostileHdf5, ParsingWorkIsBoundedByTheFileSize) {
  // Every parser charges the bytes it walks to one budget per file (8 x its size + 1 MiB), so structures that
  // share parts (many headers naming one continuation chunk or one B-tree) cannot multiply the work.
  const Bytes bytes(1000, 0);
  const FileImage image(bytes, "f.h5", "f.h5");
  image.charge(8 * 1000 + (1u << 20) - 10);
  image.charge(10);
  try {
    image.charge(1);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::ParseError);
    EXPECT_NE(std::string(e.what()).find("more than 8 times the work of reading the file once"), std::string::npos)
        << e.what();
  }
}

TEST(HostileHdf5, ChecksummedStructuresRefuseEdits) {
  // latest.h5 keeps every structure checksummed: any flipped byte of its metadata (here: each byte of the
  // superblock and of the root group's object header) is found.
  const Bytes original = read_file(kHdf5 / "latest.h5");
  const std::uint64_t root = Hdf5File::open(original, "f", "f").root().address();
  for (std::size_t at = 0; at < 48; ++at) {
    Bytes bytes = original;
    bytes[at] ^= 0x01;
    EXPECT_TRUE(walk_all(bytes).has_value()) << at;
  }
  for (std::size_t at = root; at < root + 64; ++at) {
    Bytes bytes = original;
    bytes[at] ^= 0x01;
    const std::optional<Error> e = walk_all(bytes);
    ASSERT_TRUE(e.has_value()) << at;
  }
  EXPECT_EQ(lookup3({}), 0xdeadbeefu);  // lookup3's value for no bytes, initial value 0
}

}  // namespace
}  // namespace inlay::core::hdf5
