// inlay's own HDF5 reader (src/io/hdf5/) on the input as the bytes of an HDF5 file, driven directly (its code is
// compiled into this harness, so the fuzzer sees its coverage): open it, walk every group through its hard
// links (each object once), read every attribute (strings capped at 1 MiB of text) and every numeric dataset
// of at most 2^20 elements. A core::Error is an outcome like any other; what is not: a crash or sanitizer
// report, another exception type, an Error with an empty message or the InternalError status (the reader has
// no internal errors: a file is either read or refused).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_file.hpp"
#include "util/error.hpp"

namespace {

using inlay::core::Error;
using inlay::core::Status;
using namespace inlay::core::hdf5;

[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "\n*** inlay fuzz: contract violated: %s\n", what.c_str());
  std::abort();
}

constexpr std::uint64_t kMaxElements = 1u << 20;
constexpr std::uint64_t kMaxAttributeText = 1u << 20;

void walk(const Object& root) {
  std::set<std::uint64_t> seen;
  std::vector<Object> pending{root};
  while (!pending.empty()) {
    const Object o = pending.back();
    pending.pop_back();
    if (!seen.insert(o.address()).second) continue;
    for (const std::string& name : o.attribute_names()) {
      const auto a = o.attribute(name, kMaxAttributeText);
      if (!a) violated("a listed attribute is absent: " + name);
      if (a->is_number() && a->numbers().size() != a->space().count) violated("attribute values != its count");
      if (a->is_string() && a->strings().size() != a->space().count) violated("attribute strings != its count");
    }
    if (o.is_dataset()) {
      if (!o.dtype().is_number() || o.element_count() > kMaxElements) continue;
      std::vector<float> values(static_cast<std::size_t>(o.element_count()));
      o.read_as_float32(values);
      continue;
    }
    if (!o.is_group()) continue;
    for (const std::string& name : o.child_names()) {
      const auto type = o.link_type(name);
      if (!type) violated("a listed link is absent: " + name);
      if (*type == LinkType::Hard) pending.push_back(o.child(name));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const Hdf5File file = Hdf5File::open(std::span<const unsigned char>(data, size), "fuzz.h5", "fuzz.h5");
    walk(file.root());
  } catch (const Error& e) {
    if (e.status() == Status::InternalError) violated(std::string("InternalError: ") + e.what());
    if (e.status() == Status::Ok) violated("an Error with status Ok");
    if (std::string(e.what()).empty()) violated("an Error without a message");
  }
  return 0;
}
