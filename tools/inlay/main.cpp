// inlay — command-line tool.
//   inlay --version        library version
//   inlay demo             builds the Keras docs' example inputs on the placeholder graph and prints them
//   inlay input KWARGS     keras.Input(**KWARGS) with KWARGS as JSON; prints the tensor or Keras's error
//   inlay spec JSON        validates a type spec and prints its canonical JSON
//   inlay summary MODEL    Keras's model.summary() of a .keras file, a TensorFlow.js model.json, or a file
//                          holding a model's JSON (Keras 3 / tf.keras to_json())
//   inlay predict MODEL --input x0.npy [x1.npy ...] [--output y0.npy ...] [--expect ref0.npy ...]
//                          (each list option also takes its values one per repeated flag: --input a --input b)
//                          model.predict on .npy inputs; writes the outputs, or prints their shapes and first
//                          values; --expect compares with reference outputs (exit 1 on a mismatch)
//   inlay bench MODEL --batch N [--iterations K] [--warmup W] [--threads T] [--precision P] [--shape D,D,...]
//                          cold (plan build) and warm per-call latency on seeded random inputs
//
// Exit codes: 0 success; 1 predict --expect found a mismatch (or an unexpected failure); 2 an inlay error
// (bad model, bad input, wrong shape or dtype: the message is on stderr); CLI11's codes for bad arguments.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "inlay/inlay.hpp"
#include "wait_policy.hpp"

namespace {

std::string shape_text(const inlay::tensor& t) {
  if (t.rank() < 0) return "<unknown rank>";
  std::string out = "(";
  const auto dims = t.shape();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += dims[i] == INLAY_DIM_NONE ? "None" : std::to_string(dims[i]);
  }
  return out + (dims.size() == 1 ? ",)" : ")");
}

void print_tensor(const inlay::tensor& t) {
  const inlay::layer producer = t.layer();
  std::cout << "  tensor " << t.name() << "  shape=" << shape_text(t) << "  dtype=" << inlay::dtype_name(t.dtype())
            << (t.sparse() ? "  sparse" : "") << (t.ragged() ? "  ragged" : "") << "\n"
            << "    spec:   " << t.spec().to_json() << "\n"
            << "    layer:  " << producer.name() << " (" << producer.class_name() << ")\n"
            << "    config: " << producer.get_config() << "\n";
}

int run_model_demos();

int run_demo() {
  std::cout << "inlay " << inlay::version() << "\nruntime: " << inlay::runtime_info() << "\n\n";
  struct Example {
    const char* title;
    const char* kwargs;
  };
  // The inputs of the Keras docs' examples: logistic regression, an MNIST-style image, a sparse
  // bag-of-words, and variable-length sequences of 8-d vectors.
  const Example examples[] = {
      {"x = keras.Input(shape=(32,))", R"({"shape":[32]})"},
      {"img = keras.Input(shape=(28, 28, 1), name=\"img\")", R"({"shape":[28,28,1],"name":"img"})"},
      {"bow = keras.Input(shape=(1000,), sparse=True)", R"({"shape":[1000],"sparse":true})"},
      {"seq = keras.Input(shape=(None, 8), ragged=True)", R"({"shape":[null,8],"ragged":true})"},
  };
  inlay::graph graph;
  for (const auto& example : examples) {
    std::cout << ">>> " << example.title << "\n";
    print_tensor(graph.input(example.kwargs));
  }
  std::cout << "\n>>> keras.Input(shape=(32,), batch_shape=(None, 32))  # Keras rejects this, so does inlay\n";
  try {
    graph.input(R"({"shape":[32],"batch_shape":[null,32]})");
    std::cout << "  unexpectedly accepted\n";
    return 1;
  } catch (const inlay::error& e) {
    std::cout << "  " << inlay_status_name(e.status()) << ": " << e.what() << "\n";
  }
  return run_model_demos();
}

int run_input(const std::string& kwargs) {
  try {
    inlay::graph graph;
    print_tensor(graph.input(kwargs));
    return 0;
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

int run_spec(const std::string& json) {
  try {
    std::cout << inlay::spec::from_json(json).to_json() << "\n";
    return 0;
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

// The text of a regular file of at most kMaxConfigBytes starting with '{', or nothing. Opened without
// blocking (O_NONBLOCK, then fstat): a FIFO, device or directory is left to the library's loader, which
// reads tfjs directories and refuses the others with a clear error.
constexpr std::size_t kMaxConfigBytes = std::size_t{64} << 20;  // the library's own JSON cap

std::optional<std::string> json_text_of(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw inlay::error(INLAY_IO_ERROR, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  std::optional<std::string> text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) <= kMaxConfigBytes) {
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    if (!bytes.empty() && bytes.front() == '{') text = std::move(bytes);
  }
  ::close(fd);
  return text;
}

// A JSON file is a model config, unless it is a TensorFlow.js model.json (it has a "modelTopology"; the
// loader reads its weight shards too); anything else (.keras, a tfjs directory) goes to the file loader.
inlay::model open_model(const std::string& path) {
  const std::optional<std::string> text = json_text_of(path);
  if (text && text->find("\"modelTopology\"") == std::string::npos) return inlay::model::from_json(*text);
  return inlay::model::load(path);
}

int run_summary(const std::string& path) {
  try {
    std::cout << open_model(path).summary();
    return 0;
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Concrete arrays: shapes, element values as doubles, seeded random contents

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string out = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += dims[i] == INLAY_DIM_NONE ? "None" : std::to_string(dims[i]);
  }
  return out + (dims.size() == 1 ? ",)" : ")");
}

float half_to_float(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  float v = 0;
  if (exponent == 0) {
    v = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    v = mantissa != 0 ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return (h & 0x8000) != 0 ? -v : v;
}

float bits_to_float(uint32_t bits) {
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Element i of a dense array of a real dtype, as a double.
double element(const inlay::array& a, std::size_t i) {
  const void* p = a.data();
  switch (a.dtype()) {
    case INLAY_FLOAT32: return static_cast<const float*>(p)[i];
    case INLAY_FLOAT64: return static_cast<const double*>(p)[i];
    case INLAY_FLOAT16: return half_to_float(static_cast<const uint16_t*>(p)[i]);
    case INLAY_BFLOAT16: return bits_to_float(static_cast<uint32_t>(static_cast<const uint16_t*>(p)[i]) << 16);
    case INLAY_INT8: return static_cast<const int8_t*>(p)[i];
    case INLAY_INT16: return static_cast<const int16_t*>(p)[i];
    case INLAY_INT32: return static_cast<const int32_t*>(p)[i];
    case INLAY_INT64: return static_cast<double>(static_cast<const int64_t*>(p)[i]);
    case INLAY_UINT8:
    case INLAY_BOOL: return static_cast<const uint8_t*>(p)[i];
    case INLAY_UINT16: return static_cast<const uint16_t*>(p)[i];
    case INLAY_UINT32: return static_cast<const uint32_t*>(p)[i];
    case INLAY_UINT64: return static_cast<double>(static_cast<const uint64_t*>(p)[i]);
    default:
      throw inlay::error(INLAY_UNSUPPORTED, std::string("cannot read values of dtype ") + inlay_dtype_name(a.dtype()));
  }
}

// A float in [0, 1) from the top 24 bits of one mt19937 draw: the same numbers with every standard library
// (std::uniform_real_distribution is implementation-defined).
float uniform01(std::mt19937& rng) { return static_cast<float>(rng() >> 8) * (1.0f / 16777216.0f); }

// Seeded contents for a dense array: floats uniform in [0, 1), integers in [0, 10), bools 0/1.
void fill_random(inlay::array& a, std::mt19937& rng) {
  void* p = a.data();
  const std::size_t n = a.element_count();
  for (std::size_t i = 0; i < n; ++i) {
    const float u = uniform01(rng);
    const auto k = static_cast<uint16_t>(u * 1024.0f);  // k / 1024: exact in float16 and bfloat16's range
    switch (a.dtype()) {
      case INLAY_FLOAT32: static_cast<float*>(p)[i] = u; break;
      case INLAY_FLOAT64: static_cast<double*>(p)[i] = u; break;
      case INLAY_BFLOAT16: {
        uint32_t bits = 0;
        const float v = static_cast<float>(k) / 1024.0f;
        std::memcpy(&bits, &v, sizeof bits);
        static_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(bits >> 16);  // k/1024 has <= 8 significant bits
        break;
      }
      case INLAY_FLOAT16: {
        uint16_t half = 0;
        if (k != 0) {  // k * 2^-10 = 1.m * 2^e with e = floor(log2 k) - 10: a normal float16
          int top = 15;
          while (((k >> top) & 1) == 0) --top;
          half = static_cast<uint16_t>(((top + 5) << 10) | ((k << (10 - top)) & 0x3ff));
        }
        static_cast<uint16_t*>(p)[i] = half;
        break;
      }
      case INLAY_INT8: static_cast<int8_t*>(p)[i] = static_cast<int8_t>(rng() % 10); break;
      case INLAY_INT16: static_cast<int16_t*>(p)[i] = static_cast<int16_t>(rng() % 10); break;
      case INLAY_INT32: static_cast<int32_t*>(p)[i] = static_cast<int32_t>(rng() % 10); break;
      case INLAY_INT64: static_cast<int64_t*>(p)[i] = static_cast<int64_t>(rng() % 10); break;
      case INLAY_UINT8: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(rng() % 10); break;
      case INLAY_UINT16: static_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(rng() % 10); break;
      case INLAY_UINT32: static_cast<uint32_t*>(p)[i] = static_cast<uint32_t>(rng() % 10); break;
      case INLAY_UINT64: static_cast<uint64_t*>(p)[i] = static_cast<uint64_t>(rng() % 10); break;
      case INLAY_BOOL: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(u < 0.5f ? 0 : 1); break;
      default:
        throw inlay::error(INLAY_UNSUPPORTED,
                           std::string("cannot make random inputs of dtype ") + inlay_dtype_name(a.dtype()));
    }
  }
}

std::vector<const inlay::array*> pointers(const std::vector<inlay::array>& arrays) {
  std::vector<const inlay::array*> out;
  for (const inlay::array& a : arrays) out.push_back(&a);
  return out;
}

// What libgomp waits with (wait_policy.cpp): the user's variable, or the short spin the tool sets.
std::string openmp_wait_policy() {
  if (const char* p = std::getenv("OMP_WAIT_POLICY")) return std::string("OMP_WAIT_POLICY=") + p;
  if (const char* s = std::getenv("GOMP_SPINCOUNT")) return std::string("GOMP_SPINCOUNT=") + s;
  return "libgomp's default spin";
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// "5.548 ms", or "1.23 µs" below 0.1 ms.
std::string ms_text(double ms) {
  std::ostringstream out;
  out << std::fixed;
  if (ms < 0.1) {
    out << std::setprecision(2) << ms * 1000.0 << " \u00b5s";
  } else {
    out << std::setprecision(3) << ms << " ms";
  }
  return out.str();
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n == 0 ? 0.0 : (values[(n - 1) / 2] + values[n / 2]) / 2;
}

// The layer that produced a model input / output: what Keras names it by.
std::string tensor_label(const inlay::tensor& t) { return "'" + t.layer().name() + "', shape " + shape_text(t); }

struct RunOptions {
  int threads = 0;  // 0: the library's default (INLAY_NUM_THREADS, OMP_NUM_THREADS, else the usable CPUs)
  std::string precision = "float32";  // a key of kPrecisions
  bool bf16 = false;                  // --bf16: --precision bfloat16
};

const std::map<std::string, inlay_precision> kPrecisions = {{"float32", INLAY_PRECISION_FLOAT32},
                                                            {"float32_strict", INLAY_PRECISION_FLOAT32_STRICT},
                                                            {"bfloat16", INLAY_PRECISION_BFLOAT16}};

std::string precision_name(const RunOptions& options) { return options.bf16 ? "bfloat16" : options.precision; }

void configure(inlay::model& model, const RunOptions& options) {
  if (options.threads > 0) model.set_num_threads(options.threads);
  model.set_precision(kPrecisions.at(precision_name(options)));
}

void add_run_options(CLI::App* command, RunOptions& options) {
  command
      ->add_option("--threads", options.threads,
                   "threads per call (default: INLAY_NUM_THREADS if set, else OMP_NUM_THREADS if set, else the CPUs this "
                   "process may use: its affinity mask, capped by its cgroup CPU quota)")
      ->check(CLI::PositiveNumber);
  command->add_option("--precision", options.precision,
                      "float32 (wide 3x3 convolutions may use Winograd's algorithm), float32_strict (every "
                      "convolution direct) or bfloat16 (Dense and Conv; needs CPU support)")
      ->check(CLI::IsMember(kPrecisions))
      ->capture_default_str();
  command->add_flag("--bf16", options.bf16, "same as --precision bfloat16");
}

// ---------------------------------------------------------------------------------------------------------
// inlay predict

struct PredictOptions {
  std::string model;
  std::vector<std::string> inputs, outputs, expects;
  double atol = 1e-5, rtol = 1e-5;
  RunOptions run;
};

// A .npy input for model input i; its dtype must be the input's own (no silent float64 -> float32).
inlay::array load_input(const std::string& path, const inlay::tensor& input, std::size_t i) {
  inlay::array a = inlay::array::load_npy(path);
  if (a.dtype() != input.dtype()) {
    throw inlay::error(INLAY_INVALID_ARGUMENT,
                       "--input " + path + " holds " + inlay_dtype_name(a.dtype()) + " values, but model input " +
                           std::to_string(i) + " (" + tensor_label(input) + ") takes " +
                           inlay_dtype_name(input.dtype()) + "; inlay does not convert silently: save the array as " +
                           inlay_dtype_name(input.dtype()) + " (numpy: x.astype(\"" + inlay_dtype_name(input.dtype()) +
                           "\"))");
  }
  return a;
}

void print_values(const inlay::array& a, std::size_t limit) {
  const std::size_t n = std::min(a.element_count(), limit);
  std::cout << "  first values:";
  for (std::size_t i = 0; i < n; ++i) std::cout << (i > 0 ? ", " : " ") << element(a, i);
  if (a.element_count() > n) std::cout << ", ... (" << a.element_count() << " values)";
  std::cout << "\n";
}

std::string index_text(std::size_t flat, const std::vector<int64_t>& dims) {
  std::vector<int64_t> index(dims.size());
  for (std::size_t k = dims.size(); k-- > 0;) {
    const auto d = static_cast<std::size_t>(dims[k]);
    index[k] = static_cast<int64_t>(flat % d);
    flat /= d;
  }
  std::string out = "[";
  for (std::size_t k = 0; k < index.size(); ++k) out += (k > 0 ? ", " : "") + std::to_string(index[k]);
  return out + "]";
}

// numpy.allclose(got, want, atol, rtol) element by element (|got - want| <= atol + rtol * |want|; NaN only
// matches NaN), with a report. True when everything matches.
bool compare_output(const inlay::array& got, const std::string& label, const std::string& path, double atol,
                    double rtol) {
  const inlay::array want = inlay::array::load_npy(path);
  if (got.dims() != want.dims()) {
    std::cerr << label << " does not match " << path << ": shape " << dims_text(got.dims()) << ", expected "
              << dims_text(want.dims()) << "\n";
    return false;
  }
  std::size_t mismatches = 0, first = 0;
  double max_diff = 0;
  for (std::size_t i = 0; i < got.element_count(); ++i) {
    const double g = element(got, i);
    const double w = element(want, i);
    const bool both_nan = std::isnan(g) && std::isnan(w);
    const double diff = std::fabs(g - w);
    if (!both_nan && !(diff <= atol + rtol * std::fabs(w))) {
      if (mismatches++ == 0) first = i;
    }
    if (!both_nan) max_diff = std::max(max_diff, std::isnan(diff) ? INFINITY : diff);
  }
  if (mismatches > 0) {
    std::cerr << label << " does not match " << path << ": " << mismatches << " of " << got.element_count()
              << " values differ by more than atol + rtol * |expected| (atol " << atol << ", rtol " << rtol
              << "); first at " << index_text(first, got.dims()) << ": got " << std::setprecision(9)
              << element(got, first) << ", expected " << element(want, first) << "; max |difference| " << max_diff
              << "\n";
    return false;
  }
  std::cout << label << " matches " << path << " (max |difference| " << max_diff << ", atol " << atol << ", rtol "
            << rtol << ")\n";
  return true;
}

int run_predict(const PredictOptions& options) {
  inlay::model model = open_model(options.model);
  configure(model, options.run);
  const std::size_t n_in = model.input_count(), n_out = model.output_count();
  if (options.inputs.size() != n_in) {
    std::string names;
    for (std::size_t i = 0; i < n_in; ++i) names += (i > 0 ? "; " : "") + tensor_label(model.input(i));
    throw inlay::error(INLAY_INVALID_ARGUMENT, "the model takes " + std::to_string(n_in) + " input(s) (" + names +
                                                   "), got " + std::to_string(options.inputs.size()) +
                                                   " --input file(s)");
  }
  for (const auto* list : {&options.outputs, &options.expects}) {
    if (!list->empty() && list->size() != n_out) {
      throw inlay::error(INLAY_INVALID_ARGUMENT,
                         "the model has " + std::to_string(n_out) + " output(s): give one " +
                             (list == &options.outputs ? "--output" : "--expect") + " per output, got " +
                             std::to_string(list->size()));
    }
  }
  std::vector<inlay::array> inputs;
  for (std::size_t i = 0; i < n_in; ++i) inputs.push_back(load_input(options.inputs[i], model.input(i), i));
  const std::vector<inlay::array> outputs = model.predict(pointers(inputs));

  bool all_match = true;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string label = "output " + std::to_string(i) + " ('" + model.output(i).layer().name() + "')";
    if (!options.outputs.empty()) {
      outputs[i].save_npy(options.outputs[i]);
      std::cout << label << ": shape " << dims_text(outputs[i].dims()) << " " << inlay_dtype_name(outputs[i].dtype())
                << " -> " << options.outputs[i] << "\n";
    } else {
      std::cout << label << ": shape " << dims_text(outputs[i].dims()) << " " << inlay_dtype_name(outputs[i].dtype())
                << "\n";
      print_values(outputs[i], 8);
    }
    if (!options.expects.empty()) {
      all_match = compare_output(outputs[i], label, options.expects[i], options.atol, options.rtol) && all_match;
    }
  }
  return all_match ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------------
// inlay bench

struct BenchOptions {
  std::string model;
  int64_t batch = 1;
  int iterations = 50;
  int warmup = 5;
  unsigned seed = 1;
  std::vector<std::string> shapes;  // per input, the dims after the batch: "28,28,1"
  RunOptions run;
};

std::vector<int64_t> parse_dims(const std::string& text) {
  std::vector<int64_t> dims;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    long long d = -1;
    try {
      d = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || d < 0) {
      throw inlay::error(INLAY_INVALID_ARGUMENT, "--shape " + text + ": '" + item + "' is not a dimension");
    }
    dims.push_back(d);
  }
  return dims;
}

// The batch-N dims bench feeds to model input i.
std::vector<int64_t> bench_dims(const inlay::tensor& input, std::size_t i, const BenchOptions& options) {
  if (input.sparse() || input.ragged()) {
    throw inlay::error(INLAY_UNSUPPORTED, "model input " + std::to_string(i) + " (" + tensor_label(input) + ") is " +
                                              (input.sparse() ? "sparse" : "ragged") +
                                              "; bench feeds dense random inputs only");
  }
  std::vector<int64_t> dims = input.shape();
  if (input.rank() < 1) {
    throw inlay::error(INLAY_UNSUPPORTED, "model input " + std::to_string(i) + " (" + tensor_label(input) +
                                              ") has no batch dimension");
  }
  if (dims[0] != INLAY_DIM_NONE && dims[0] != options.batch) {
    throw inlay::error(INLAY_INVALID_ARGUMENT, "model input " + std::to_string(i) + " (" + tensor_label(input) +
                                                   ") has a fixed batch size of " + std::to_string(dims[0]) +
                                                   "; run with --batch " + std::to_string(dims[0]));
  }
  dims[0] = options.batch;
  if (i < options.shapes.size()) {
    const std::vector<int64_t> given = parse_dims(options.shapes[i]);
    if (given.size() + 1 != dims.size()) {
      throw inlay::error(INLAY_INVALID_ARGUMENT, "--shape " + options.shapes[i] + " gives " +
                                                     std::to_string(given.size()) + " dims, but model input " +
                                                     std::to_string(i) + " (" + tensor_label(input) + ") has " +
                                                     std::to_string(dims.size() - 1) + " after the batch");
    }
    for (std::size_t k = 1; k < dims.size(); ++k) {
      if (dims[k] != INLAY_DIM_NONE && dims[k] != given[k - 1]) {
        throw inlay::error(INLAY_INVALID_ARGUMENT, "--shape " + options.shapes[i] + " does not fit model input " +
                                                       std::to_string(i) + " (" + tensor_label(input) + ")");
      }
      dims[k] = given[k - 1];
    }
  }
  for (std::size_t k = 1; k < dims.size(); ++k) {
    if (dims[k] == INLAY_DIM_NONE) {
      std::string example;
      for (std::size_t j = 1; j < dims.size(); ++j) {
        example += (j > 1 ? "," : "") + (dims[j] < 0 ? std::string("16") : std::to_string(dims[j]));
      }
      throw inlay::error(INLAY_INVALID_ARGUMENT,
                         "model input " + std::to_string(i) + " (" + tensor_label(input) + ") has a None dimension " +
                             std::to_string(k) + " besides the batch: give its dims after the batch with --shape, " +
                             "e.g. --shape " + example + " (one --shape per input, in order)");
    }
  }
  return dims;
}

int run_bench(const BenchOptions& options) {
  inlay::model model = open_model(options.model);
  configure(model, options.run);
  std::mt19937 rng(options.seed);
  std::vector<inlay::array> inputs;
  std::string input_text;
  for (std::size_t i = 0; i < model.input_count(); ++i) {
    const inlay::tensor input = model.input(i);
    inputs.push_back(inlay::array::create(input.dtype(), bench_dims(input, i, options)));
    fill_random(inputs.back(), rng);
    input_text += (i > 0 ? ", " : "") + dims_text(inputs.back().dims()) + " " + inlay_dtype_name(input.dtype());
  }
  const std::vector<const inlay::array*> in = pointers(inputs);

  auto start = std::chrono::steady_clock::now();
  std::vector<inlay::array> outputs = model.predict(in);  // the first call compiles the plan
  const double cold_ms = ms_since(start);
  std::vector<inlay::array*> out;
  for (inlay::array& a : outputs) out.push_back(&a);

  const bool tty = isatty(STDERR_FILENO) != 0;
  std::cerr << "inlay bench: " << model.name() << ", " << options.warmup << " warm-up + " << options.iterations
            << " timed calls of batch " << options.batch << " on " << model.num_threads() << " thread(s)"
            << " (OpenMP wait: " << openmp_wait_policy() << ")" << (tty ? "" : "\n") << std::flush;
  for (int i = 0; i < options.warmup; ++i) model.predict(in, out);
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(options.iterations));
  for (int i = 0; i < options.iterations; ++i) {
    start = std::chrono::steady_clock::now();
    model.predict(in, out);
    times.push_back(ms_since(start));
    if (tty) std::cerr << "\rinlay bench: " << model.name() << ": call " << (i + 1) << "/" << options.iterations
                       << "        " << std::flush;
  }
  if (tty) std::cerr << "\n";
  std::sort(times.begin(), times.end());
  const double median = median_of(times);
  const std::size_t p90_index =
      static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(times.size()))) - 1;
  std::cout << "model: " << model.name() << "  inputs: " << input_text << "  threads: " << model.num_threads()
            << "  precision: " << precision_name(options.run) << "\n"
            << "cold (first call, builds the plan): " << ms_text(cold_ms) << "\n"
            << "warm (" << times.size() << " calls): min " << ms_text(times.front()) << "  median "
            << ms_text(median) << "  p90 " << ms_text(times[p90_index]) << "\n"
            << std::fixed << std::setprecision(1)
            << "throughput: " << static_cast<double>(options.batch) * 1000.0 / median << " images/s (batch "
            << options.batch << " / median)\n";
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// demo: the Keras docs' models built through the API and run

// Keras's default kernel initializer, glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)),
// with Keras's fans (a conv kernel (..., in, out) has receptive field = the product of the leading dims).
// The numbers come from std::mt19937(seed), not from Keras's random stream: values differ from any Keras run,
// but have Keras's distribution. Biases stay zero (Keras's "zeros").
void init_glorot_uniform(inlay::model& model, uint32_t seed) {
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < model.weight_count(); ++i) {
    const inlay::model::weight_info w = model.weight(i);
    const std::string suffix = "/kernel";
    if (w.name.size() < suffix.size() || w.name.compare(w.name.size() - suffix.size(), suffix.size(), suffix) != 0 ||
        w.shape.size() < 2) {
      continue;
    }
    double receptive = 1;
    for (std::size_t k = 0; k + 2 < w.shape.size(); ++k) receptive *= static_cast<double>(w.shape[k]);
    const double fan_in = static_cast<double>(w.shape[w.shape.size() - 2]) * receptive;
    const double fan_out = static_cast<double>(w.shape.back()) * receptive;
    const auto limit = static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
    std::size_t n = 1;
    for (int64_t d : w.shape) n *= static_cast<std::size_t>(d);
    std::vector<float> values(n);
    for (float& v : values) v = (2.0f * uniform01(rng) - 1.0f) * limit;
    model.set_weight(i, values);
  }
}

// Summary, a fixed input batch (uniform [0, 1) from std::mt19937(seed)), the first samples' probabilities
// and cold / warm timings.
void run_demo_model(inlay::model& model, std::vector<int64_t> batch_dims, uint32_t seed) {
  init_glorot_uniform(model, seed);
  std::cout << model.summary();
  inlay::array x = inlay::array::create(INLAY_FLOAT32, batch_dims);
  std::mt19937 rng(seed + 1);
  fill_random(x, rng);
  auto start = std::chrono::steady_clock::now();
  std::vector<inlay::array> y = model.predict({&x});
  const double cold_ms = ms_since(start);
  std::vector<inlay::array*> out{&y[0]};
  std::vector<double> warm;
  for (int i = 0; i < 20; ++i) {
    start = std::chrono::steady_clock::now();
    model.predict({&x}, out);
    warm.push_back(ms_since(start));
  }
  const std::vector<int64_t> dims = y[0].dims();
  std::cout << "input batch " << dims_text(batch_dims) << " (uniform [0, 1), std::mt19937(" << seed + 1
            << ")) -> output " << dims_text(dims) << " " << inlay_dtype_name(y[0].dtype()) << "\n";
  const auto classes = static_cast<std::size_t>(dims.back());
  const float* p = y[0].data<float>();
  std::cout << std::fixed;
  for (std::size_t s = 0; s < 2 && s < static_cast<std::size_t>(dims[0]); ++s) {
    double sum = 0;
    std::cout << "  sample " << s << ":" << std::setprecision(4);
    for (std::size_t c = 0; c < classes; ++c) {
      std::cout << " " << p[s * classes + c];
      sum += p[s * classes + c];
    }
    std::cout << "  (sum " << std::setprecision(4) << sum << ")\n";
  }
  std::cout << "  cold " << ms_text(cold_ms) << " (first call: builds the plan), warm " << ms_text(median_of(warm))
            << " (median of " << warm.size() << " calls)\n";
  std::cout.unsetf(std::ios::floatfield);
  std::cout << std::setprecision(6);
}

int run_model_demos() {
  std::cout << "\n>>> Keras docs' logistic regression: x = keras.Input(shape=(32,)); "
               "y = keras.layers.Dense(16, activation=\"softmax\")(x)\n"
            << "    (weights: glorot_uniform kernels drawn with std::mt19937(42), zero biases: Keras's "
               "distributions, not any Keras run's values)\n";
  {
    inlay::graph g;
    const inlay::tensor x = g.input(R"({"shape":[32]})");
    const inlay::tensor y = g.create_layer("Dense", R"({"units":16,"activation":"softmax"})")(x);
    inlay::model model = inlay::model::functional(g, {x}, {y}, "logistic_regression");
    run_demo_model(model, {4, 32}, 42);
  }
  std::cout << "\n>>> The Keras docs' MNIST convnet: Input(28, 28, 1) -> Conv2D(32, 3, relu) -> MaxPooling2D(2) -> "
               "Conv2D(64, 3, relu) -> Flatten -> Dense(10, softmax)\n"
            << "    (weights: glorot_uniform kernels drawn with std::mt19937(7), zero biases)\n";
  {
    inlay::graph g;
    const inlay::tensor img = g.input(R"({"shape":[28,28,1],"name":"img"})");
    inlay::tensor h = g.create_layer("Conv2D", R"({"filters":32,"kernel_size":[3,3],"activation":"relu"})")(img);
    h = g.create_layer("MaxPooling2D", R"({"pool_size":[2,2]})")(h);
    h = g.create_layer("Conv2D", R"({"filters":64,"kernel_size":[3,3],"activation":"relu"})")(h);
    h = g.create_layer("Flatten", "{}")(h);
    const inlay::tensor y = g.create_layer("Dense", R"({"units":10,"activation":"softmax"})")(h);
    inlay::model model = inlay::model::functional(g, {img}, {y}, "mnist_cnn");
    run_demo_model(model, {4, 28, 28, 1}, 7);
  }
  return 0;
}

// Runs a subcommand: inlay errors are reported as "STATUS: message" on stderr with exit code 2.
template <typename F>
int guarded(F&& run) {
  try {
    return run();
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

// A list option takes every value up to the next option, so `--input a.npy MODEL --atol 0` hands MODEL to
// --input and CLI11 then reports only "model is required": say why and how to write it.
void explain_missing_model(const CLI::App* command, const std::string& model, const char* lists) {
  if (command == nullptr || !*command || !model.empty()) return;
  std::cerr << "inlay " << command->get_name() << ": no MODEL: a list option (" << lists
            << ") takes every value up to the next option; give MODEL first (inlay " << command->get_name()
            << " MODEL ...), last, or after a -- that ends the list\n";
}

}  // namespace

int main(int argc, char** argv) {
  inlay_tool::prefer_short_openmp_spin(argv);  // may execute the tool again, with OpenMP's short spin
  CLI::App app{"inlay: Keras's Input/InputLayer/TypeSpec and placeholder graph in native code"};
  app.set_version_flag("--version", std::string("inlay ") + inlay::version());
  app.require_subcommand(1);

  auto* demo = app.add_subcommand(
      "demo", "Build the Keras docs' example inputs and print their specs, then build and run the logistic regression "
              "and MNIST convnet of the Keras docs");
  std::string kwargs;
  auto* input = app.add_subcommand("input", "Run keras.Input(**KWARGS); KWARGS is a JSON object");
  input->add_option("kwargs", kwargs, "Keras keyword arguments as JSON, e.g. '{\"shape\":[32]}'")->required();
  std::string spec_json;
  auto* spec = app.add_subcommand("spec", "Validate a type spec given as JSON and print it");
  spec->add_option("json", spec_json, "e.g. '{\"kind\":\"ragged\",\"shape\":[null,null,8]}'")->required();

  std::string model_path;
  auto* summary = app.add_subcommand("summary", "Print Keras's model.summary() of a model file");
  summary->add_option("model", model_path, "a .keras file, a TensorFlow.js model.json, or a model JSON file")
      ->required();

  PredictOptions predict_options;
  auto* predict = app.add_subcommand(
      "predict",
      "Run model.predict on .npy inputs; write the outputs (--output) or print their shapes and first values. "
      "--expect compares each output with a reference .npy as numpy.allclose does: exit code 1 on a mismatch");
  predict->add_option("model", predict_options.model, "a .keras file, a TensorFlow.js model.json, or a model JSON file")
      ->required();
  // The list options take several values after one flag or one value per repeated flag, in order; a value
  // never swallows the required MODEL (CLI11 leaves it for the positional).
  predict
      ->add_option("-i,--input", predict_options.inputs,
                   "the input .npy files, one per model input, in order: --input a.npy b.npy or --input a.npy "
                   "--input b.npy")
      ->required();
  predict->add_option("-o,--output", predict_options.outputs,
                      "write output i to the i-th .npy file (one per output): --output y0.npy y1.npy or repeated");
  predict->add_option("--expect", predict_options.expects,
                      "reference .npy for output i (one per output, listed or repeated like --input): "
                      "|got - want| <= atol + rtol * |want|");
  predict->add_option("--atol", predict_options.atol, "absolute tolerance of --expect")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  predict->add_option("--rtol", predict_options.rtol, "relative tolerance of --expect")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  add_run_options(predict, predict_options.run);

  BenchOptions bench_options;
  auto* bench = app.add_subcommand("bench", "Time model.predict on seeded random inputs: cold (plan build) and warm");
  bench->add_option("model", bench_options.model, "a .keras file, a TensorFlow.js model.json, or a model JSON file")
      ->required();
  bench->add_option("-b,--batch", bench_options.batch, "batch size")->required()->check(CLI::PositiveNumber);
  bench->add_option("-n,--iterations", bench_options.iterations, "timed calls")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  bench->add_option("-w,--warmup", bench_options.warmup, "untimed calls after the first")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  add_run_options(bench, bench_options.run);
  bench->add_option("--shape", bench_options.shapes,
                    "dims after the batch of input i, e.g. 16,8 (needed where an input has other None dims; one per "
                    "input, in order: --shape 16,8 4 or --shape 16,8 --shape 4)");
  bench->add_option("--seed", bench_options.seed, "seed of the random inputs (std::mt19937)")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::RequiredError& e) {
    explain_missing_model(predict, predict_options.model, "--input, --output, --expect");
    explain_missing_model(bench, bench_options.model, "--shape");
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*predict) return guarded([&] { return run_predict(predict_options); });
    if (*bench) return guarded([&] { return run_bench(bench_options); });
    if (*demo) return guarded(run_demo);
    if (*input) return run_input(kwargs);
    if (*spec) return run_spec(spec_json);
    if (*summary) return run_summary(model_path);
  } catch (const std::exception& e) {
    std::cerr << "inlay: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
