// .npy reading and writing (src/io/npy.cpp) against files written by the real numpy
// (tools/fixtures/gen_npy_fixtures.py -> tests/fixtures/npy/), and against damaged files made here.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "io/npy.hpp"
#include "types/array.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace inlay::core {
namespace {

namespace fs = std::filesystem;

const fs::path kNpyDir = fs::path(INLAY_FIXTURES_DIR) / "npy";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Json load_cases() {
  std::ifstream in(kNpyDir / "cases.json");
  return Json::parse(in);
}

// IEEE half to float, written out so the test does not depend on the library's own conversion.
double half_to_double(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  double v = 0;
  if (exponent == 0) {
    v = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    v = mantissa != 0 ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  } else {
    v = std::ldexp(mantissa | 0x400, exponent - 25);
  }
  return (h & 0x8000) != 0 ? -v : v;
}

double json_float(const Json& v) {
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    return s == "inf" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

void expect_same_float(double actual, double expected, std::size_t i) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << "element " << i;
  } else {
    EXPECT_EQ(actual, expected) << "element " << i;
    EXPECT_EQ(std::signbit(actual), std::signbit(expected)) << "element " << i;
  }
}

template <typename T>
const T* typed(const Array& a) {
  return static_cast<const T*>(a.data());
}

void expect_values(const Array& a, const Json& values) {
  ASSERT_EQ(a.element_count(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Json& v = values[i];
    switch (a.dtype()) {
      case DType::Bool: EXPECT_EQ(typed<uint8_t>(a)[i], v.get<bool>() ? 1 : 0) << i; break;
      case DType::Int8: EXPECT_EQ(typed<int8_t>(a)[i], v.get<int64_t>()) << i; break;
      case DType::Int16: EXPECT_EQ(typed<int16_t>(a)[i], v.get<int64_t>()) << i; break;
      case DType::Int32: EXPECT_EQ(typed<int32_t>(a)[i], v.get<int64_t>()) << i; break;
      case DType::Int64: EXPECT_EQ(typed<int64_t>(a)[i], v.get<int64_t>()) << i; break;
      case DType::UInt8: EXPECT_EQ(typed<uint8_t>(a)[i], v.get<uint64_t>()) << i; break;
      case DType::UInt16: EXPECT_EQ(typed<uint16_t>(a)[i], v.get<uint64_t>()) << i; break;
      case DType::UInt32: EXPECT_EQ(typed<uint32_t>(a)[i], v.get<uint64_t>()) << i; break;
      case DType::UInt64: EXPECT_EQ(typed<uint64_t>(a)[i], v.get<uint64_t>()) << i; break;
      case DType::Float16: expect_same_float(half_to_double(typed<uint16_t>(a)[i]), json_float(v), i); break;
      case DType::Float32: expect_same_float(typed<float>(a)[i], json_float(v), i); break;
      case DType::Float64: expect_same_float(typed<double>(a)[i], json_float(v), i); break;
      case DType::Complex64:
        expect_same_float(typed<float>(a)[2 * i], json_float(v[0]), i);
        expect_same_float(typed<float>(a)[2 * i + 1], json_float(v[1]), i);
        break;
      case DType::Complex128:
        expect_same_float(typed<double>(a)[2 * i], json_float(v[0]), i);
        expect_same_float(typed<double>(a)[2 * i + 1], json_float(v[1]), i);
        break;
      default: FAIL() << "unexpected dtype " << dtype_name(a.dtype());
    }
  }
}

// A fresh directory per test, removed afterwards.
class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "inlay_npy_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A .npy file with this header dict text (padded to `align` and ended by '\n', as numpy does) and data.
  std::string make(const std::string& name, const std::string& dict, const std::string& data, int major = 1,
                   std::size_t align = 64) {
    std::string header = dict;
    const std::size_t preamble = major == 1 ? 10 : 12;
    while ((preamble + header.size() + 1) % align != 0) header += ' ';
    header += '\n';
    std::string bytes("\x93NUMPY", 6);
    bytes += static_cast<char>(major);
    bytes += '\0';
    for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) {
      bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    }
    bytes += header + data;
    write_bytes(path(name), bytes);
    return path(name);
  }

  // load_npy(file) must fail with `status` and a message naming the file and every fragment.
  static void expect_error(const std::string& file, Status status, const std::vector<std::string>& fragments) {
    try {
      load_npy(file);
      ADD_FAILURE() << file << " loaded";
    } catch (const Error& e) {
      EXPECT_EQ(static_cast<int>(e.status()), static_cast<int>(status)) << e.what();
      const std::string message = e.what();
      EXPECT_NE(message.find(file), std::string::npos) << message;
      for (const auto& fragment : fragments) EXPECT_NE(message.find(fragment), std::string::npos) << message;
    }
  }

  fs::path dir_;
};

std::string floats(std::initializer_list<float> values) {
  std::string out(values.size() * sizeof(float), '\0');
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

const char* const kHeader23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

// --- numpy's files

TEST(NpyFixtures, EveryCaseReadsAsNumpyReadsIt) {
  const Json cases = load_cases();
  ASSERT_GE(cases["cases"].size(), 30u);
  for (const Json& c : cases["cases"]) {
    const std::string file = c["file"].get<std::string>();
    SCOPED_TRACE(file);
    const auto array = load_npy((kNpyDir / file).string());
    EXPECT_EQ(array->kind(), ArrayKind::Dense);
    EXPECT_EQ(std::string(dtype_name(array->dtype())), c["dtype"].get<std::string>());
    EXPECT_EQ(array->dims(), c["shape"].get<std::vector<int64_t>>());
    expect_values(*array, c["values"]);
  }
}

TEST(NpyFixtures, CoverWhatTheFormatAllows) {
  // The generator must keep covering every variant the reader claims to handle.
  bool big_endian = false, fortran = false, rank0 = false, empty = false, v2 = false, v3 = false;
  std::vector<std::string> dtypes;
  const Json cases = load_cases();
  for (const Json& c : cases["cases"]) {
    big_endian |= c["descr"].get<std::string>()[0] == '>';
    fortran |= c["fortran_order"].get<bool>();
    rank0 |= c["shape"].empty();
    empty |= c["values"].empty();
    v2 |= c["version"][0] == 2;
    v3 |= c["version"][0] == 3;
    dtypes.push_back(c["dtype"].get<std::string>());
  }
  EXPECT_TRUE(big_endian && fortran && rank0 && empty && v2 && v3);
  for (const char* name : {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                           "float16", "float32", "float64", "complex64", "complex128"}) {
    EXPECT_NE(std::find(dtypes.begin(), dtypes.end(), name), dtypes.end()) << name;
  }
}

TEST_F(NpyTest, SaveWritesNumpysBytesForEveryCanonicalFixture) {
  // Canonical fixtures are byte for byte what np.save writes: load + save must give the same file back.
  int canonical = 0;
  const Json cases = load_cases();
  for (const Json& c : cases["cases"]) {
    const std::string file = c["file"].get<std::string>();
    SCOPED_TRACE(file);
    const auto array = load_npy((kNpyDir / file).string());
    save_npy(*array, path("out.npy"));
    if (c["canonical"].get<bool>()) {
      ++canonical;
      EXPECT_EQ(read_bytes(path("out.npy")), read_bytes(kNpyDir / file));
    }
    // Every file (big-endian, Fortran order, v2/v3 included) round-trips to the same dims and bytes.
    const auto back = load_npy(path("out.npy"));
    EXPECT_EQ(back->dtype(), array->dtype());
    EXPECT_EQ(back->dims(), array->dims());
    ASSERT_EQ(back->byte_size(), array->byte_size());
    EXPECT_EQ(std::memcmp(back->data(), array->data(), array->byte_size()), 0);
    expect_values(*back, c["values"]);
  }
  EXPECT_GE(canonical, 15);
}

TEST_F(NpyTest, SaveOfAFreshArrayMatchesNumpysHeaderExactly) {
  // The same (2, 3) float32 array numpy saved as float32_2x3.npy, built here from its values.
  const Json cases = load_cases();
  const Json* values = nullptr;
  for (const Json& c : cases["cases"]) {
    if (c["file"] == "float32_2x3.npy") values = &c["values"];
  }
  ASSERT_NE(values, nullptr);
  auto array = Array::create(DType::Float32, {2, 3});
  for (std::size_t i = 0; i < 6; ++i) static_cast<float*>(array->data())[i] = (*values)[i].get<float>();
  save_npy(*array, path("fresh.npy"));
  const std::string ours = read_bytes(path("fresh.npy"));
  const std::string numpys = read_bytes(kNpyDir / "float32_2x3.npy");
  ASSERT_EQ(ours.size(), numpys.size());
  EXPECT_EQ(ours.substr(0, 128), numpys.substr(0, 128));  // magic, version, header length, header
  EXPECT_EQ(ours, numpys);
  EXPECT_EQ(ours.size() % 64, 24u);  // 128-byte preamble + header, then 24 bytes of data
}

TEST_F(NpyTest, RoundTripEveryDType) {
  for (const DType dtype : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8,
                            DType::UInt16, DType::UInt32, DType::UInt64, DType::Float16, DType::Float32,
                            DType::Float64, DType::Complex64, DType::Complex128}) {
    SCOPED_TRACE(std::string(dtype_name(dtype)));
    for (const std::vector<int64_t>& dims : std::vector<std::vector<int64_t>>{{}, {0}, {7}, {2, 3, 4}, {3, 0, 2}}) {
      auto array = Array::create(dtype, dims);
      auto* bytes = static_cast<unsigned char*>(array->data());
      for (std::size_t i = 0; i < array->byte_size(); ++i) {
        bytes[i] = dtype == DType::Bool ? static_cast<unsigned char>(i % 2) : static_cast<unsigned char>(i * 37 + 11);
      }
      save_npy(*array, path("rt.npy"));
      const auto back = load_npy(path("rt.npy"));
      EXPECT_EQ(back->dtype(), dtype);
      EXPECT_EQ(back->dims(), dims);
      ASSERT_EQ(back->byte_size(), array->byte_size());
      EXPECT_EQ(std::memcmp(back->data(), array->data(), array->byte_size()), 0);
    }
  }
}

// --- Header variants numpy (or older numpy) writes or reads

TEST_F(NpyTest, AcceptsHeaderVariants) {
  const std::string data = floats({1, 2, 3, 4, 5, 6});
  const std::vector<std::string> dicts = {
      "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }",  // native order
      "{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3)}",      // no order character, no trailing comma
      "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",     // any key order
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L, 3L), }",  // Python 2: double quotes, longs
      "{u'descr': u'<f4', 'fortran_order': False, 'shape': (2,3)}",    // Python 2 unicode literals
      "{ 'descr' : '<f4' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , 3 , ) , }",
  };
  for (std::size_t i = 0; i < dicts.size(); ++i) {
    SCOPED_TRACE(dicts[i]);
    const auto a = load_npy(make("v" + std::to_string(i) + ".npy", dicts[i], data));
    EXPECT_EQ(a->dtype(), DType::Float32);
    EXPECT_EQ(a->dims(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(static_cast<const float*>(a->data())[5], 6.0f);
  }
  // numpy before 1.? aligned headers to 16 bytes; version 2.0 with a 4-byte length.
  EXPECT_EQ(load_npy(make("a16.npy", kHeader23, data, 1, 16))->dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(load_npy(make("v2.npy", kHeader23, data, 2))->dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(load_npy(make("v3.npy", kHeader23, data, 3))->dims(), (std::vector<int64_t>{2, 3}));
  // '?' is numpy's bool character; bool bytes other than 0 read as True (1).
  const auto b = load_npy(make("b.npy", "{'descr': '?', 'fortran_order': False, 'shape': (3,), }",
                               std::string("\x00\x02\x01", 3)));
  EXPECT_EQ(b->dtype(), DType::Bool);
  const auto* bools = static_cast<const unsigned char*>(b->data());
  EXPECT_EQ(bools[0], 0);
  EXPECT_EQ(bools[1], 1);
  EXPECT_EQ(bools[2], 1);
  // Fortran order of a 1-d array is the same as C order.
  const auto f = load_npy(make("f1.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }", data));
  EXPECT_EQ(static_cast<const float*>(f->data())[1], 2.0f);
}

// --- Damaged files: each names the file and what is wrong

TEST_F(NpyTest, IoErrors) {
  expect_error(path("missing.npy"), Status::IoError, {"cannot open"});
  fs::create_directory(path("dir.npy"));
  expect_error(path("dir.npy"), Status::IoError, {"directory"});
}

TEST_F(NpyTest, BadMagicAndTruncatedPreamble) {
  write_bytes(path("magic.npy"), std::string("\x93NUMPZ\x01\x00\x10\x00", 10) + std::string(16, ' '));
  expect_error(path("magic.npy"), Status::ParseError, {"bad magic", "NUMPZ"});
  write_bytes(path("text.npy"), "a,b,c\n1,2,3\n");
  expect_error(path("text.npy"), Status::ParseError, {"not a .npy file"});
  write_bytes(path("empty.npy"), "");
  expect_error(path("empty.npy"), Status::ParseError, {"truncated preamble", "0 bytes"});
  write_bytes(path("short.npy"), std::string("\x93NUMPY\x01", 7));
  expect_error(path("short.npy"), Status::ParseError, {"truncated preamble"});
  write_bytes(path("short2.npy"), std::string("\x93NUMPY\x02\x00\x10\x00", 10));
  expect_error(path("short2.npy"), Status::ParseError, {"truncated preamble"});
  write_bytes(path("v4.npy"), std::string("\x93NUMPY\x04\x00\x10\x00\x00\x00", 12) + std::string(16, ' '));
  expect_error(path("v4.npy"), Status::Unsupported, {"format version 4.0"});
}

TEST_F(NpyTest, TruncatedAndOversizedData) {
  const std::string good = read_bytes(kNpyDir / "float32_2x3.npy");
  write_bytes(path("cut_header.npy"), good.substr(0, 40));
  expect_error(path("cut_header.npy"), Status::ParseError, {"truncated header", "118 bytes"});
  write_bytes(path("cut_data.npy"), good.substr(0, good.size() - 4));
  expect_error(path("cut_data.npy"), Status::ParseError, {"truncated data", "(2, 3)", "24 bytes", "20 after"});
  write_bytes(path("extra.npy"), good + "abcd");
  expect_error(path("extra.npy"), Status::ParseError, {"data size does not match", "24 bytes", "28 after"});
}

TEST_F(NpyTest, LyingAndHugeShapes) {
  const std::string data = floats({1, 2, 3, 4, 5, 6});
  expect_error(make("more.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", data),
               Status::ParseError, {"truncated data", "(2, 4)", "32 bytes", "24 after"});
  expect_error(make("less.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", data),
               Status::ParseError, {"data size does not match", "(5,)"});
  // 10^18 elements: refused by comparing with the file size, never allocated.
  expect_error(make("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000000000,), }", data),
               Status::ParseError, {"truncated data", "4000000000000000000 bytes"});
  expect_error(make("huge2.npy",
                    "{'descr': '<f8', 'fortran_order': True, 'shape': (1000000000, 1000000000, 1000000000), }", data),
               Status::ParseError, {"bad shape", "too large"});
  expect_error(make("huge3.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", data),
               Status::ParseError, {"integer too large"});
  expect_error(make("neg.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", data),
               Status::ParseError, {"bad shape", "dimension 1 is negative (-3)"});
  expect_error(make("list.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", data),
               Status::ParseError, {"bad shape", "a list"});
  expect_error(make("paren.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", data),
               Status::ParseError, {"bad shape", "an int, not a tuple"});
  expect_error(make("strdim.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, '3'), }", data),
               Status::ParseError, {"dimension 1 is a string"});
  expect_error(make("rank9.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }",
                    "x"),
               Status::Unsupported, {"rank 9"});
}

TEST_F(NpyTest, UnsupportedDTypes) {
  const std::string data(48, '\0');
  const auto header = [](const std::string& descr) {
    return "{'descr': " + descr + ", 'fortran_order': False, 'shape': (2,), }";
  };
  expect_error(make("obj.npy", header("'|O'"), data), Status::Unsupported, {"'|O'", "object"});
  expect_error(make("rec.npy", header("[('a', '<f4'), ('b', '<i4')]"), data), Status::Unsupported, {"structured"});
  expect_error(make("u.npy", header("'<U3'"), data), Status::Unsupported, {"'<U3'", "string"});
  expect_error(make("s.npy", header("'|S5'"), data), Status::Unsupported, {"string"});
  expect_error(make("v.npy", header("'|V8'"), data), Status::Unsupported, {"void"});
  expect_error(make("m.npy", header("'<M8[ns]'"), data), Status::Unsupported, {"datetime"});
  expect_error(make("f3.npy", header("'<f3'"), data), Status::Unsupported, {"'<f3'", "not a dtype"});
  expect_error(make("x4.npy", header("'<x4'"), data), Status::Unsupported, {"'<x4'"});
  expect_error(make("g.npy", header("'<f16'"), data), Status::Unsupported, {"long double"});
  expect_error(make("e.npy", header("''"), data), Status::Unsupported, {"not a dtype"});
  expect_error(make("b2.npy", header("'|b2'"), data), Status::Unsupported, {"'|b2'"});
}

TEST_F(NpyTest, MalformedHeaderDicts) {
  const std::string data = floats({1, 2, 3, 4, 5, 6});
  const struct {
    const char* dict;
    const char* fragment;
  } cases[] = {
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'fortran_order': False, 'shape': (2, 3)}", "missing key 'descr'"},
      {"{'descr': '<f4', 'shape': (2, 3)}", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unexpected key 'extra'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "duplicate key 'descr'"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", "expected ','"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}", "'fortran_order' is an int"},
      {"{'descr': '<f4', 'fortran_order': false, 'shape': (2, 3)}", "unexpected character 'f'"},
      {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)}", "unknown name 'Maybe'"},
      {"{'descr': 4, 'fortran_order': False, 'shape': (2, 3)}", "'descr' is an int"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk", "unexpected text after"},
      {"[1, 2]", "expected a dict, found a list"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or ')'"},
      {"{1: '<f4'}", "key is not a string"},
      {"", "unexpected end"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3),, }", "unexpected character ','"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (--2, 3)}", "expected digits"},
      {"{'descr': '\xff\x01', 'fortran_order': False, 'shape': (2, 3)}", "'\\xff\\x01'"},
  };
  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dict);
    const std::string file = make("m" + std::to_string(i++) + ".npy", c.dict, data);
    try {
      load_npy(file);
      ADD_FAILURE() << "loaded";
    } catch (const Error& e) {
      EXPECT_TRUE(e.status() == Status::ParseError || e.status() == Status::Unsupported) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  }
}

TEST_F(NpyTest, DeepNestingIsRefusedWithoutRecursingForever) {
  const std::string deep = "{'descr': " + std::string(4000, '(') + std::string(4000, ')') +
                           ", 'fortran_order': False, 'shape': (2, 3)}";
  expect_error(make("deep.npy", deep, "", 2), Status::ParseError, {"nesting deeper than"});
  const std::string deep_list = std::string(9000, '[');
  expect_error(make("deep2.npy", deep_list, "", 2), Status::ParseError, {"nesting deeper than"});
}

// numpy.load refuses a header longer than max_header_size = 10000 characters (numpy.lib.format's
// _MAX_HEADER_SIZE) unless the file is trusted: so does inlay, before parsing it. Whitespace counts, as
// numpy counts len(header).
TEST_F(NpyTest, HeadersLongerThanNumpysMaxHeaderSizeAreRefused) {
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)";
  const std::string data = floats({1, 2, 3, 4, 5, 6});
  // 10,000 characters with the '}' and the '\n': the most numpy reads.
  const std::string at_limit = dict + std::string(10000 - dict.size() - 2, ' ') + "}";
  EXPECT_EQ(load_npy(make("at_limit.npy", at_limit, data, 2, 1))->element_count(), 6u);
  expect_error(make("past_limit.npy", at_limit + " ", data, 2, 1), Status::ParseError,
               {"Header info length (10001) is large", "max_header_size=10000"});
  const std::string spaced = dict + std::string(200000, ' ') + "}";
  expect_error(make("spaced.npy", spaced, data, 2), Status::ParseError, {"is large"});
}

TEST_F(NpyTest, SaveErrors) {
  auto dense = Array::create(DType::Float32, {2});
  try {
    save_npy(*dense, path("no/such/dir/x.npy"));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::IoError);
    EXPECT_NE(std::string(e.what()).find("no/such/dir/x.npy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot open for writing"), std::string::npos) << e.what();
  }
  auto bf16 = Array::create(DType::BFloat16, {2});
  try {
    save_npy(*bf16, path("bf16.npy"));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Unsupported);
    EXPECT_NE(std::string(e.what()).find("bfloat16"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path("bf16.npy")));
  const int64_t indices[] = {0, 1};
  const float values[] = {1, 2};
  auto sparse = Array::wrap_sparse(DType::Float32, {2, 2}, indices, values, 1);
  try {
    save_npy(*sparse, path("sparse.npy"));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("sparse"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace inlay::core
