// What the fuzz harnesses share: status checks that turn contract violations into aborts, owning handles,
// the structured split of an input into parts, a per-process scratch directory, and predict on zeros.
//
// Everything a harness gets from inlay is released before it returns, so LeakSanitizer sees every leak of
// the library. Errors returned by inlay are fine (that is what fuzzing them is for); what is not fine is a
// crash, a sanitizer report, or one of these contract violations, which abort():
//  - a status outside the inlay_status enum, or a failure without a message;
//  - INLAY_INTERNAL_ERROR: inlay validates before it computes, so an internal error is an inlay bug;
//  - an out-parameter written by a failed call.
#pragma once

#include <inlay/inlay.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <unistd.h>

namespace inlay_fuzz {

[[noreturn]] inline void violated(const std::string& what, const std::string& detail = {}) {
  std::fprintf(stderr, "\n*** inlay fuzz: contract violated: %s\n%s\n", what.c_str(), detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// INLAY_FUZZ_VERBOSE=1 (for triage) prints every error inlay returns, and what fuzz_predict decodes.
inline bool verbose() {
  static const bool on = std::getenv("INLAY_FUZZ_VERBOSE") != nullptr;
  return on;
}

// True for INLAY_OK; false for an error a caller may get; aborts on a contract violation.
inline bool ok(inlay_status status, const char* call) {
  if (status == INLAY_OK) return true;
  if (verbose()) std::fprintf(stderr, "%s: %s: %s\n", call, inlay_status_name(status), inlay_last_error());
  if (status < INLAY_OK || status > INLAY_INTERNAL_ERROR) {
    violated(std::string(call) + " returned a status outside the enum", std::to_string(static_cast<int>(status)));
  }
  const char* message = inlay_last_error();
  if (message == nullptr || *message == '\0') {
    violated(std::string(call) + " failed with " + inlay_status_name(status) + " but no message");
  }
  if (status == INLAY_INTERNAL_ERROR) violated(std::string(call) + " returned INLAY_INTERNAL_ERROR", message);
  return false;
}

// Owning wrappers (the C ABI's *_free functions are NULL-safe).
template <typename T, void (*Free)(T*)>
class Owned {
 public:
  Owned() = default;
  ~Owned() { Free(p_); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Owned& operator=(Owned&& other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  T* get() const { return p_; }
  T** out() { return &p_; }
  T* release() { return std::exchange(p_, nullptr); }

 private:
  T* p_ = nullptr;
};

inline void free_text(char* p) { inlay_free(p); }
using Graph = Owned<inlay_graph, inlay_graph_free>;
using Model = Owned<inlay_model, inlay_model_free>;
using Spec = Owned<inlay_spec, inlay_spec_free>;
using Array = Owned<inlay_array, inlay_array_free>;
using Text = Owned<char, free_text>;

inline std::string str(const Text& t) { return t.get() == nullptr ? std::string() : std::string(t.get()); }

// The fuzz input as a NUL-terminated string (an embedded NUL ends the text, as it would for any C caller).
inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Structured inputs (tfjs directories, zip members) are parts separated by this line; it is in the
// dictionaries, and tools/make_fuzz_corpus.py writes seeds with it.
inline constexpr std::string_view kPartSeparator = "\n@@inlay-part@@\n";

inline std::vector<std::string_view> split_parts(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = all.find(kPartSeparator, start);
    if (at == std::string_view::npos) {
      parts.push_back(all.substr(start));
      return parts;
    }
    parts.push_back(all.substr(start, at - start));
    start = at + kPartSeparator.size();
  }
}

// A directory of this process under $TMPDIR (or /tmp), fresh for one input and removed after it.
class ScratchDir {
 public:
  explicit ScratchDir(const char* target) {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
            ("inlay-fuzz-" + std::string(target) + "-" + std::to_string(getpid()));
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    std::filesystem::create_directories(path_, ec);
    if (ec) violated("cannot create the scratch directory " + path_.string(), ec.message());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) violated("cannot write " + path.string(), std::strerror(errno));
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    violated("cannot write " + path.string(), std::strerror(errno));
  }
  std::fclose(f);
}

// Reads every accessor of a model (and its layers' configs and weights' info), checking what the header
// promises about them.
inline void inspect_model(const inlay_model* m) {
  if (inlay_model_name(m) == nullptr) violated("a model without a name");
  const std::size_t n_in = inlay_model_input_count(m);
  const std::size_t n_out = inlay_model_output_count(m);
  if (n_in == 0 || n_out == 0) violated("a model without inputs or outputs");
  for (std::size_t i = 0; i < n_in + n_out; ++i) {
    const inlay_tensor* t = i < n_in ? inlay_model_input(m, i) : inlay_model_output(m, i - n_in);
    if (t == nullptr) violated("a NULL model input/output tensor");
    const int rank = inlay_tensor_rank(t);
    const int64_t* dims = inlay_tensor_dims(t);
    if (rank > 0 && dims == nullptr) violated("a tensor of rank > 0 without dims");
    for (int d = 0; d < rank; ++d) {
      if (dims[d] < INLAY_DIM_NONE) violated("a tensor dim below -1", std::to_string(dims[d]));
    }
    if (inlay_tensor_name(t) == nullptr || inlay_tensor_spec(t) == nullptr) violated("a tensor without name/spec");
    if (inlay_spec_rank(inlay_tensor_spec(t)) != rank) violated("a tensor whose spec has another rank");
  }
  if (inlay_model_input(m, n_in) != nullptr || inlay_model_output(m, n_out) != nullptr) {
    violated("an out-of-range model input/output is not NULL");
  }
  const std::size_t n_layers = inlay_model_layer_count(m);
  for (std::size_t i = 0; i < n_layers; ++i) {
    inlay_layer* l = inlay_model_layer(m, i);
    if (l == nullptr || inlay_layer_name(l) == nullptr || inlay_layer_class_name(l) == nullptr) {
      violated("a model layer without a name or class");
    }
    Text config;
    if (!ok(inlay_layer_get_config(l, config.out()), "inlay_layer_get_config")) continue;
    if (config.get() == nullptr) violated("inlay_layer_get_config gave NULL");
  }
  const std::size_t n_weights = inlay_model_weight_count(m);
  for (std::size_t i = 0; i <= n_weights; ++i) {
    const char* name = nullptr;
    int rank = -2;
    const int64_t* dims = nullptr;
    const inlay_status st = inlay_model_weight_info(m, i, &name, &rank, &dims);
    if (i == n_weights) {
      if (st != INLAY_NOT_FOUND) violated("inlay_model_weight_info past the end did not give INLAY_NOT_FOUND");
      continue;
    }
    if (!ok(st, "inlay_model_weight_info")) continue;
    if (name == nullptr || rank < 0 || (rank > 0 && dims == nullptr)) violated("bad weight info");
  }
}

// model.predict once on zeros of the inputs' shapes (None -> 1), when every input is a small dense one;
// then once more, with the same result.
inline void predict_zeros(inlay_model* m) {
  constexpr std::size_t kMaxBytes = 1u << 22;
  const std::size_t n_in = inlay_model_input_count(m);
  const std::size_t n_out = inlay_model_output_count(m);
  std::vector<Array> inputs(n_in);
  for (std::size_t i = 0; i < n_in; ++i) {
    const inlay_tensor* t = inlay_model_input(m, i);
    if (inlay_spec_kind_of(inlay_tensor_spec(t)) != INLAY_SPEC_TENSOR) return;
    const inlay_dtype dtype = inlay_tensor_dtype(t);
    const int rank = inlay_tensor_rank(t);
    if (dtype == INLAY_STRING || rank < 0 || rank > INLAY_MAX_RANK) return;
    std::vector<int64_t> dims(static_cast<std::size_t>(rank));
    std::size_t bytes = inlay_dtype_size(dtype);
    for (int d = 0; d < rank; ++d) {
      const int64_t dim = inlay_tensor_dims(t)[d];
      dims[static_cast<std::size_t>(d)] = dim == INLAY_DIM_NONE ? 1 : dim;
      if (dim > 0 && bytes > kMaxBytes / static_cast<std::size_t>(dim)) return;
      if (dim > 0) bytes *= static_cast<std::size_t>(dim);
    }
    if (!ok(inlay_array_create(dtype, dims.data(), rank, inputs[i].out()), "inlay_array_create")) {
      violated("inlay_array_create failed for a small shape", inlay_last_error());
    }
  }
  // One thread: the fuzzers run single-core, and the comparison below needs no thread-count effects.
  if (!ok(inlay_model_set_num_threads(m, 1), "inlay_model_set_num_threads")) violated("set_num_threads(1) failed");
  std::vector<const inlay_array*> in(n_in);
  for (std::size_t i = 0; i < n_in; ++i) in[i] = inputs[i].get();
  std::vector<inlay_array*> first(n_out, nullptr);
  const inlay_status st = inlay_model_predict(m, in.data(), n_in, first.data(), n_out);
  if (!ok(st, "inlay_model_predict")) {
    for (inlay_array* a : first) {
      if (a != nullptr) violated("inlay_model_predict allocated an output and failed");
    }
    return;
  }
  std::vector<inlay_array*> second(n_out, nullptr);
  if (!ok(inlay_model_predict(m, in.data(), n_in, second.data(), n_out), "inlay_model_predict")) {
    violated("inlay_model_predict failed the second time on the same inputs", inlay_last_error());
  }
  for (std::size_t o = 0; o < n_out; ++o) {
    if (first[o] == nullptr || second[o] == nullptr) violated("inlay_model_predict left an output NULL");
    const std::size_t n = inlay_array_element_count(first[o]) * inlay_dtype_size(inlay_array_dtype(first[o]));
    if (inlay_array_element_count(second[o]) != inlay_array_element_count(first[o]) ||
        (n > 0 && std::memcmp(inlay_array_data(first[o]), inlay_array_data(second[o]), n) != 0)) {
      violated("two predicts on the same inputs differ", "output " + std::to_string(o));
    }
    inlay_array_free(first[o]);
    inlay_array_free(second[o]);
  }
}

// The loaders' common contract: the out-parameter stays NULL on failure; a loaded model answers every
// accessor, serializes, and predicts deterministically on zeros.
inline void check_load(inlay_status status, Model& model) {
  if (!ok(status, "inlay_model_load")) {
    if (model.get() != nullptr) violated("inlay_model_load wrote its out-parameter and failed");
    return;
  }
  inspect_model(model.get());
  Text json;
  if (!ok(inlay_model_to_json(model.get(), json.out()), "inlay_model_to_json")) violated("to_json failed");
  predict_zeros(model.get());
}

}  // namespace inlay_fuzz
