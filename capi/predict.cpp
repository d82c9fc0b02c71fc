// Inference through the C ABI: predict, prepare, and the runtime settings of a model.
#include <string>

#include "capi/enum_argument.hpp"
#include "capi/errors.hpp"
#include "capi/handles.hpp"
#include "runtime/model_runner.hpp"
#include "util/error.hpp"

using namespace inlay;

namespace {

// The inputs as core arrays; NULL entries are caught by the model runner with the input's index.
const core::Array* const* core_arrays(const inlay_array* const* inputs) {
  static_assert(sizeof(inlay_array*) == sizeof(core::Array*));
  return reinterpret_cast<const core::Array* const*>(inputs);
}

}  // namespace

extern "C" {

inlay_status inlay_model_predict(inlay_model* m, const inlay_array* const* inputs, size_t n_inputs,
                                 inlay_array** outputs, size_t n_outputs) {
  static constexpr const char* kFn = "inlay_model_predict";
  return capi::guarded(kFn, [&] {
    capi::require(m, kFn, "m");
    if (n_inputs > 0) capi::require(inputs, kFn, "inputs");
    if (n_outputs > 0) capi::require(outputs, kFn, "outputs");
    m->runner->predict(core_arrays(inputs), n_inputs, reinterpret_cast<core::Array**>(outputs), n_outputs);
  });
}

inlay_status inlay_model_prepare(inlay_model* m, const inlay_array* const* inputs, size_t n_inputs) {
  static constexpr const char* kFn = "inlay_model_prepare";
  return capi::guarded(kFn, [&] {
    capi::require(m, kFn, "m");
    if (n_inputs > 0) capi::require(inputs, kFn, "inputs");
    m->runner->prepare(core_arrays(inputs), n_inputs);
  });
}

inlay_status inlay_model_set_num_threads(inlay_model* m, int n_threads) {
  static constexpr const char* kFn = "inlay_model_set_num_threads";
  return capi::guarded(kFn, [&] {
    capi::require(m, kFn, "m");
    m->runner->set_threads(n_threads);
  });
}

int inlay_model_num_threads(const inlay_model* m) { return m == nullptr ? 0 : m->runner->threads(); }

inlay_status inlay_model_set_precision(inlay_model* m, inlay_precision p) {
  static constexpr const char* kFn = "inlay_model_set_precision";
  return capi::guarded(kFn, [&] {
    capi::require(m, kFn, "m");
    const int value = capi::enum_argument(p);  // any int a C caller passes (capi/enum_argument.hpp)
    runtime::Precision precision;
    switch (value) {
      case INLAY_PRECISION_FLOAT32: precision = runtime::Precision::Float32; break;
      case INLAY_PRECISION_BFLOAT16: precision = runtime::Precision::BFloat16; break;
      case INLAY_PRECISION_FLOAT32_STRICT: precision = runtime::Precision::Float32Strict; break;
      default:
        throw core::Error(core::Status::InvalidArgument,
                          std::string(kFn) + ": invalid precision value " + std::to_string(value));
    }
    m->runner->set_precision(precision);
  });
}

}  // extern "C"
