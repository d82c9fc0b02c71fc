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
#include <vector>

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

// Every weight's values, in the model's order (std::runtime_error with inlay's message when one cannot be read):
// what a test compares before and after a call that must leave a model unchanged.
inline std::vector<std::vector<float>> all_weights(const inlay_model* m) {
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < inlay_model_weight_count(m); ++i) {
    int rank = 0;
    const int64_t* dims = nullptr;
    if (inlay_model_weight_info(m, i, nullptr, &rank, &dims) != INLAY_OK) throw std::runtime_error(inlay_last_error());
    size_t n = 1;
    for (int d = 0; d < rank; ++d) n *= static_cast<size_t>(dims[d]);
    std::vector<float> values(n);
    if (inlay_model_get_weight(m, i, values.data(), n) != INLAY_OK) throw std::runtime_error(inlay_last_error());
    out.push_back(std::move(values));
  }
  return out;
}

}  // namespace inlay_test
