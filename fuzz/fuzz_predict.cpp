// model.predict on fixture models with fuzzed inputs. LLVMFuzzerInitialize loads a set of small fixture
// models (Dense, Conv1D/2D/3D, pooling, BatchNormalization, Add, Concatenate, Reshape, ZeroPadding2D, multi-
// input and multi-output, a fixed batch size) and variants of some with None spatial dims (so that input
// sizes reach the layers' output-size rules at predict time), then sequence models (int token ids, RNNs,
// attention). The input bytes then choose:
//
//   byte 0          the model
//   byte 1          flags: the input count (usually right), the output count (usually right), whether the
//                   outputs are pre-allocated, prepare() first
//   per input       a mode byte (dtype, rank, kind: dense / sparse / ragged / NULL entry), one byte per dim
//                   (the model's dim, a small size, 0, +-1 off, None, a huge or random value)
//   the rest        the input data, repeated as needed (NaN, Inf and denormals included)
//
// Arrays are only allocated when small (the product of the dims times the element size at most 1 MiB);
// larger and overflowing dims go to inlay_array_create (which must fail cleanly: an overflowing size is
// INLAY_INVALID_ARGUMENT, a size that cannot be allocated INLAY_OUT_OF_MEMORY) and, wrapped around a buffer
// that is never read, to inlay_model_prepare (which reads only the dims). Errors are fine; crashes,
// sanitizer reports and contract violations are not; when predict succeeds it runs again and the outputs
// must be identical, bit for bit.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"

using namespace inlay_fuzz;

namespace {

struct Loaded {
  std::string name;
  Model model;
};

std::vector<Loaded>& models() {
  static std::vector<Loaded> all;
  return all;
}

Model load(const std::string& name) {
  Model m;
  const std::string path = std::string(INLAY_FUZZ_FIXTURES_DIR) + "/models/" + name + "/model.keras";
  if (!ok(inlay_model_load(path.c_str(), m.out()), "inlay_model_load")) {
    std::fprintf(stderr, "fuzz_predict: cannot load %s: %s\n", path.c_str(), inlay_last_error());
    std::abort();
  }
  return m;
}

// The model with every InputLayer's spatial dims made None (the batch and channel dims kept; channels last,
// else first), its weights copied; empty when inlay refuses both.
Model with_none_dims(const inlay_model* m) {
  Text text;
  if (!ok(inlay_model_to_json(m, text.out()), "inlay_model_to_json")) std::abort();
  Model out;
  for (const bool channels_last : {true, false}) {
    nlohmann::json json = nlohmann::json::parse(str(text));
    for (auto& layer : json["config"]["layers"]) {
      if (layer["class_name"] != "InputLayer") continue;
      auto& shape = layer["config"]["batch_shape"];
      const std::size_t channels = channels_last ? shape.size() - 1 : 1;
      for (std::size_t d = 1; d < shape.size(); ++d) {
        if (d != channels) shape[d] = nullptr;
      }
    }
    if (ok(inlay_model_from_json(json.dump().c_str(), out.out()), "inlay_model_from_json")) break;
  }
  if (out.get() == nullptr) return out;
  for (std::size_t i = 0; i < inlay_model_weight_count(m); ++i) {
    int rank = 0;
    const int64_t* dims = nullptr;
    ok(inlay_model_weight_info(m, i, nullptr, &rank, &dims), "inlay_model_weight_info");
    std::size_t n = 1;
    for (int d = 0; d < rank; ++d) n *= static_cast<std::size_t>(dims[d]);
    std::vector<float> values(n);
    if (!ok(inlay_model_get_weight(m, i, values.data(), n), "inlay_model_get_weight") ||
        !ok(inlay_model_set_weight(out.get(), i, values.data(), n), "inlay_model_set_weight")) {
      std::abort();
    }
  }
  return out;
}

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | u8();
    return v;
  }
  // What is left, for the arrays' data.
  const std::uint8_t* rest() const { return data_ + pos_; }
  std::size_t rest_size() const { return size_ - std::min(pos_, size_); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

constexpr std::size_t kMaxArrayBytes = 1u << 20;

// Fills a buffer with the data bytes, repeated (zeros when there are none).
void fill(void* dst, std::size_t n, const std::uint8_t* src, std::size_t src_size) {
  auto* out = static_cast<std::uint8_t*>(dst);
  if (src_size == 0) {
    std::memset(out, 0, n);
    return;
  }
  for (std::size_t i = 0; i < n; i += src_size) std::memcpy(out + i, src, std::min(src_size, n - i));
}

int64_t pick_dim(Reader& r, int64_t model_dim) {
  static const int64_t kHuge[] = {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                                  int64_t{1} << 31, int64_t{1} << 32, int64_t{1} << 40, int64_t{1} << 62,
                                  -2, (int64_t{1} << 32) + 1, 100000, 65537};
  const std::uint8_t b = r.u8();
  const int64_t base = model_dim == INLAY_DIM_NONE ? 1 + (b >> 4) % 4 : model_dim;
  switch (b % 16) {
    case 10: return 0;
    case 11: return b >> 4;
    case 12: return (b >> 4) % 2 == 0 ? base + 1 : base - 1;
    case 13: return INLAY_DIM_NONE;
    case 14: return kHuge[(b >> 4) % (sizeof kHuge / sizeof kHuge[0])];
    case 15: return static_cast<int64_t>(r.u32() % 4096);
    default: return base;
  }
}

// Owns the arrays of one call and the buffers wrapped by them.
struct Inputs {
  std::vector<Array> arrays;
  std::vector<std::unique_ptr<std::uint8_t[]>> buffers;
  bool huge = false;  // an array wraps a buffer smaller than its dims say: prepare() only
};

std::uint8_t* buffer(Inputs& in, std::size_t n) {
  in.buffers.push_back(std::make_unique<std::uint8_t[]>(std::max<std::size_t>(n, 1)));
  return in.buffers.back().get();
}

std::string describe(const inlay_array* a) {
  if (a == nullptr) return "NULL";
  static const char* const kKinds[] = {"?", "dense", "sparse", "ragged"};
  std::string out = std::string(kKinds[inlay_array_kind_of(a)]) + " " + inlay_dtype_name(inlay_array_dtype(a)) + " (";
  for (int d = 0; d < inlay_array_rank(a); ++d) out += (d > 0 ? ", " : "") + std::to_string(inlay_array_dims(a)[d]);
  return out + ")";
}

// One input array (or nothing: a NULL entry).
void make_input(Reader& r, const inlay_tensor* expected, Inputs& in) {
  const std::uint8_t mode = r.u8();
  inlay_dtype dtype = inlay_tensor_dtype(expected);  // float32, or int32 / int64 token ids (any value: Embedding's bounds)
  if ((mode & 0x0f) == 0) dtype = static_cast<inlay_dtype>(r.u8() % 20);  // 0 and 19: not a dtype
  const int expected_rank = inlay_tensor_rank(expected);
  int rank = expected_rank < 0 ? 2 : expected_rank;
  if (((mode >> 4) & 0x3) == 0) rank = r.u8() % (INLAY_MAX_RANK + 2);
  const int kind = mode >> 6;  // 0, 1: dense; 2: sparse; 3: ragged or a NULL entry

  std::vector<int64_t> dims(static_cast<std::size_t>(rank));
  for (int d = 0; d < rank; ++d) {
    const int64_t model_dim = d < expected_rank ? inlay_tensor_dims(expected)[d] : 1;
    dims[static_cast<std::size_t>(d)] = pick_dim(r, model_dim);
  }
  // The byte size, or nullopt-like flags when a dim is negative or the size overflows size_t.
  const std::size_t elem = std::max<std::size_t>(inlay_dtype_size(dtype), 1);
  // inlay_array_create's rule: an array with a 0 dim is empty whatever its other dims; otherwise the byte
  // size must stay below half the address space.
  bool negative = false;
  bool overflow = false;
  bool empty = false;
  std::size_t elements = 1;
  const std::size_t limit = std::numeric_limits<std::size_t>::max() / 2 / elem;
  for (const int64_t d : dims) {
    negative = negative || d < 0;
    empty = empty || d == 0;
    if (d <= 0 || overflow) continue;
    if (elements > limit / static_cast<std::size_t>(d)) overflow = true;
    if (!overflow) elements *= static_cast<std::size_t>(d);
  }
  if (empty) {
    overflow = false;
    elements = 0;
  }
  const bool valid_dtype = dtype >= INLAY_FLOAT32 && dtype <= INLAY_COMPLEX128 && dtype != INLAY_STRING;
  const std::size_t bytes = overflow ? std::numeric_limits<std::size_t>::max() : elements * elem;

  Array a;
  if (kind == 3 && (mode & 0x10) != 0) {
    in.arrays.push_back(std::move(a));  // a NULL entry
    return;
  }
  if (kind == 2 && rank >= 1 && !negative && !overflow && valid_dtype) {
    // Sparse: nnz entries of in-range indices (the data bytes pick them), values from the data.
    const std::size_t nnz = elements == 0 ? 0 : 1 + r.u8() % 8;
    auto* indices = reinterpret_cast<int64_t*>(buffer(in, nnz * static_cast<std::size_t>(rank) * sizeof(int64_t)));
    for (std::size_t i = 0; i < nnz; ++i) {
      for (int d = 0; d < rank; ++d) {
        const int64_t dim = dims[static_cast<std::size_t>(d)];
        indices[i * static_cast<std::size_t>(rank) + static_cast<std::size_t>(d)] =
            (r.u8() & 0x0f) == 0 ? dim : static_cast<int64_t>(r.u32() % static_cast<std::uint32_t>(std::max<int64_t>(
                                                                  1, std::min<int64_t>(dim, 1 << 30))));
      }
    }
    void* values = buffer(in, nnz * elem);
    fill(values, nnz * elem, r.rest(), r.rest_size());
    ok(inlay_array_wrap_sparse(dtype, dims.data(), rank, indices, values, nnz, a.out()), "inlay_array_wrap_sparse");
    in.arrays.push_back(std::move(a));
    return;
  }
  if (kind == 3 && rank >= 1 && rank <= INLAY_MAX_RANK && !negative && !overflow && valid_dtype &&
      bytes <= kMaxArrayBytes) {
    // Ragged: flat values of dims, row_splits from the data (usually valid).
    const std::size_t rows = r.u8() % 5;
    auto* splits = reinterpret_cast<int64_t*>(buffer(in, (rows + 1) * sizeof(int64_t)));
    const int64_t n_flat = dims[0];
    for (std::size_t i = 0; i <= rows; ++i) {
      splits[i] = i == 0 ? 0 : i == rows ? n_flat : std::min<int64_t>(n_flat, splits[i - 1] + r.u8() % 3);
    }
    if ((r.u8() & 0x7) == 0) splits[r.u8() % (rows + 1)] = static_cast<int64_t>(r.u32()) - (1 << 16);
    void* values = buffer(in, bytes);
    fill(values, bytes, r.rest(), r.rest_size());
    ok(inlay_array_wrap_ragged(dtype, values, dims.data(), rank, splits, rows + 1, a.out()), "inlay_array_wrap_ragged");
    in.arrays.push_back(std::move(a));
    return;
  }
  if (negative || overflow || !valid_dtype || rank > INLAY_MAX_RANK) {
    // inlay_array_create must refuse these.
    if (ok(inlay_array_create(dtype, dims.data(), rank, a.out()), "inlay_array_create")) {
      violated("inlay_array_create accepted a negative dim, an overflowing size, a bad dtype or rank",
               describe(a.get()) + " dtype value " + std::to_string(static_cast<int>(dtype)) + " rank " +
                   std::to_string(rank));
    }
    if (a.get() != nullptr) violated("inlay_array_create wrote its out-parameter and failed");
    in.arrays.push_back(std::move(a));
    return;
  }
  if (bytes > kMaxArrayBytes) {
    // Too large to allocate here. Past 512 MiB inlay_array_create must fail cleanly (sanitizer_options.cpp
    // makes such allocations fail); below that it is not tried (it would be allocated and zeroed for real).
    if (bytes > (std::size_t{512} << 20)) {
      const inlay_status st = inlay_array_create(dtype, dims.data(), rank, a.out());
      if (st == INLAY_OK) {
        a = Array();  // the system had the memory after all (a build without the sanitizer limit)
      } else if (ok(st, "inlay_array_create") || (st != INLAY_OUT_OF_MEMORY && st != INLAY_INVALID_ARGUMENT)) {
        violated("inlay_array_create of a huge size failed with an unexpected status", inlay_status_name(st));
      }
    }
    // prepare() reads only the dims: wrap a buffer of one element, never read.
    if (!ok(inlay_array_wrap(dtype, dims.data(), rank, buffer(in, 16), a.out()), "inlay_array_wrap")) {
      violated("inlay_array_wrap refused valid dims", inlay_last_error());
    }
    in.huge = true;
    in.arrays.push_back(std::move(a));
    return;
  }
  if (!ok(inlay_array_create(dtype, dims.data(), rank, a.out()), "inlay_array_create")) {
    violated("inlay_array_create failed for a small array", inlay_last_error());
  }
  if (bytes > 0) fill(inlay_array_data(a.get()), bytes, r.rest(), r.rest_size());
  in.arrays.push_back(std::move(a));
}

void free_all(std::vector<inlay_array*>& arrays) {
  for (inlay_array*& a : arrays) {
    inlay_array_free(a);
    a = nullptr;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Compiled plans are cached (up to 16 per model, and oneDNN's own primitive cache): with fuzzed dims they
  // pile up to gigabytes over a long run, which is no leak. oneDNN's cache is kept small here, and every
  // model's plans are dropped every kDropPlansEvery inputs (below).
  setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "32", 0);
  // Append only: the committed seeds and regressions pick models by their index in kFixed + kVariable
  // (tools/make_fuzz_corpus.py reads these lists).
  static const char* const kFixed[] = {
      "logistic_regression", "dense_rank3", "multi_input_multi_output", "two_inputs_two_outputs", "conv_bn_relu",
      "conv1d_strided_pooling", "conv1d_grouped", "conv2d_grouped", "conv2d_channels_first_depthwise_pools",
      "conv3d_small", "conv3d_channels_first_grouped", "zero_padding_cnn", "reshape_flatten", "reshape_to_sequence",
      "resnet_identity_block", "concat_sequences_axis1", "global_pool_keepdims", "dropout_variants",
      "sequential_batch_size", "output_is_input", "dense_bn_dropout", "activation_layers", "shared_dense"};
  static const char* const kVariable[] = {"conv2d_dilated",        "pooling_options_1d", "conv1d_causal_dilated_stack",
                                          "inception_concat",      "zero_padding_channels_first",
                                          "conv1d_channels_first", "global_pool_heads", "softmax_on_sequence",
                                          "conv1d_causal_residual"};
  for (const char* name : kFixed) models().push_back({name, load(name)});
  for (const char* name : kVariable) {
    Model fixed = load(name);
    Model variable = with_none_dims(fixed.get());
    if (variable.get() == nullptr) {
      std::fprintf(stderr, "fuzz_predict: %s with None dims is refused: %s\n", name, inlay_last_error());
      continue;
    }
    models().push_back({std::string(name) + "/none_dims", std::move(variable)});
  }
  // Sequence models (tests/fixtures/sequence_models): integer token ids (Embedding, mask_zero), oneDNN RNN
  // primitives and the masked recurrent loop, initial states, MultiHeadAttention, op-layers (Cumsum, OnesLike),
  // RNN over stacked cells.
  static const char* const kSequence[] = {"../sequence_models/masked_lstm", "../sequence_models/bilstm_classifier",
                                          "../sequence_models/seq2seq", "../sequence_models/transformer_classifier",
                                          "../sequence_models/time_distributed_dense", "../sequence_models/rnn_cells"};
  for (const char* name : kSequence) models().push_back({name, load(name)});
  for (Loaded& l : models()) {
    if (!ok(inlay_model_set_num_threads(l.model.get(), 1), "inlay_model_set_num_threads")) std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (models().empty()) LLVMFuzzerInitialize(nullptr, nullptr);
  constexpr unsigned kDropPlansEvery = 256;
  static unsigned calls = 0;
  if (++calls % kDropPlansEvery == 0) {
    for (Loaded& l : models()) {  // a thread-count change drops the compiled plans
      if (!ok(inlay_model_set_num_threads(l.model.get(), 2), "inlay_model_set_num_threads") ||
          !ok(inlay_model_set_num_threads(l.model.get(), 1), "inlay_model_set_num_threads")) {
        std::abort();
      }
    }
  }
  Reader r(data, size);
  inlay_model* m = models()[r.u8() % models().size()].model.get();
  const std::uint8_t flags = r.u8();
  const std::size_t want_in = inlay_model_input_count(m);
  const std::size_t want_out = inlay_model_output_count(m);
  const std::size_t n_in = (flags & 0x07) == 0 ? r.u8() % 5 : want_in;
  const std::size_t n_out = (flags & 0x38) == 0 ? r.u8() % 5 : want_out;
  const bool preallocate = (flags & 0x40) != 0;
  const bool prepare_first = (flags & 0x80) != 0;

  Inputs in;
  for (std::size_t i = 0; i < n_in; ++i) make_input(r, inlay_model_input(m, std::min(i, want_in - 1)), in);
  std::vector<const inlay_array*> inputs(n_in);
  for (std::size_t i = 0; i < n_in; ++i) inputs[i] = in.arrays[i].get();
  if (verbose()) {
    std::fprintf(stderr, "model %s: %zu inputs, %zu outputs%s%s%s\n", models()[data[0] % models().size()].name.c_str(),
                 n_in, n_out, preallocate ? ", outputs pre-allocated" : "", prepare_first ? ", prepare first" : "",
                 in.huge ? ", huge (prepare only)" : "");
    for (const inlay_array* a : inputs) std::fprintf(stderr, "  input %s\n", describe(a).c_str());
  }

  if (in.huge || prepare_first) {
    ok(inlay_model_prepare(m, inputs.data(), n_in), "inlay_model_prepare");
    if (in.huge) return 0;  // the data of these arrays is not there to be read
  }

  // Outputs: NULL entries (allocated by predict), or arrays of the output's dims with None -> the first
  // input's batch (possibly wrong: then predict must refuse them).
  std::vector<inlay_array*> outputs(n_out, nullptr);
  std::vector<bool> preset(n_out, false);
  if (preallocate) {
    for (std::size_t o = 0; o < n_out && o < want_out; ++o) {
      const inlay_tensor* t = inlay_model_output(m, o);
      const int rank = inlay_tensor_rank(t);
      if (rank < 0) continue;
      const int64_t batch = n_in > 0 && inputs[0] != nullptr && inlay_array_rank(inputs[0]) > 0
                                ? inlay_array_dims(inputs[0])[0]
                                : 1;
      std::vector<int64_t> dims(static_cast<std::size_t>(rank));
      std::size_t bytes = 4;
      for (int d = 0; d < rank; ++d) {
        const int64_t dim = inlay_tensor_dims(t)[d];
        dims[static_cast<std::size_t>(d)] = dim == INLAY_DIM_NONE ? (d == 0 ? batch : 1 + r.u8() % 8) : dim;
        if ((r.u8() & 0x1f) == 0 && dims[static_cast<std::size_t>(d)] < std::numeric_limits<int64_t>::max()) {
          dims[static_cast<std::size_t>(d)] += 1;  // a wrong size (not past int64: the batch may be its max)
        }
        bytes *= static_cast<std::size_t>(std::max<int64_t>(dims[static_cast<std::size_t>(d)], 0));
        if (bytes > kMaxArrayBytes) break;
      }
      if (bytes > kMaxArrayBytes) continue;
      if (ok(inlay_array_create(INLAY_FLOAT32, dims.data(), rank, &outputs[o]), "inlay_array_create")) preset[o] = true;
    }
  }

  const inlay_status st = inlay_model_predict(m, inputs.data(), n_in, outputs.data(), n_out);
  if (!ok(st, "inlay_model_predict")) {
    for (std::size_t o = 0; o < n_out; ++o) {
      if (!preset[o] && outputs[o] != nullptr) violated("inlay_model_predict allocated an output and failed");
    }
    free_all(outputs);
    return 0;
  }
  // The same call again gives the same bits.
  std::vector<inlay_array*> again(n_out, nullptr);
  if (!ok(inlay_model_predict(m, inputs.data(), n_in, again.data(), n_out), "inlay_model_predict")) {
    violated("inlay_model_predict failed the second time on the same inputs", inlay_last_error());
  }
  for (std::size_t o = 0; o < n_out; ++o) {
    const std::size_t n = inlay_array_element_count(outputs[o]);
    if (outputs[o] == nullptr || again[o] == nullptr || inlay_array_element_count(again[o]) != n ||
        inlay_array_rank(outputs[o]) != inlay_array_rank(again[o])) {
      violated("two predicts on the same inputs give outputs of different shapes");
    }
    const std::size_t bytes = n * inlay_dtype_size(inlay_array_dtype(outputs[o]));
    if (bytes > 0 && std::memcmp(inlay_array_data(outputs[o]), inlay_array_data(again[o]), bytes) != 0) {
      violated("two predicts on the same inputs differ", "output " + std::to_string(o));
    }
  }
  free_all(outputs);
  free_all(again);
  return 0;
}
