// What many test programs need around the C ABI: owning pointers for its handles, and a scratch directory.
// Header-only, so that every test executable (GoogleTest or not) can include it.
#pragma once

#include <inlay/inlay.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

namespace inlay_test {

struct GraphDeleter {
  void operator()(inlay_graph* g) const { inlay_graph_free(g); }
};
struct ModelDeleter {
  void operator()(inlay_model* m) const { inlay_model_free(m); }
};
struct ArrayDeleter {
  void operator()(inlay_array* a) const { inlay_array_free(a); }
};
using GraphPtr = std::unique_ptr<inlay_graph, GraphDeleter>;
using ModelPtr = std::unique_ptr<inlay_model, ModelDeleter>;
using ArrayPtr = std::unique_ptr<inlay_array, ArrayDeleter>;

// A fresh directory under the system's temporary directory (mkdtemp: unique across processes and tests),
// removed with everything in it when this goes (links are removed, not what they point to).
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "inlay_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace inlay_test
