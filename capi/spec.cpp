// Type specs through the C ABI.
#include <memory>

#include "capi/errors.hpp"
#include "capi/handles.hpp"
#include "util/json.hpp"

using namespace inlay;

extern "C" {

inlay_status inlay_spec_from_json(const char* json, inlay_spec** out) {
  return capi::guarded("inlay_spec_from_json", [&] {
    capi::require(json, "inlay_spec_from_json", "json");
    capi::require(out, "inlay_spec_from_json", "out");
    auto spec =
        std::make_unique<core::TypeSpec>(core::TypeSpec::from_json(capi::parse_json(json, "inlay_spec_from_json")));
    *out = capi::wrap(spec.release());
  });
}

inlay_status inlay_spec_to_json(const inlay_spec* s, char** out) {
  return capi::guarded("inlay_spec_to_json", [&] {
    capi::require(s, "inlay_spec_to_json", "s");
    capi::require(out, "inlay_spec_to_json", "out");
    *out = capi::copy_for_caller(capi::unwrap(s)->to_json().dump());
  });
}

void inlay_spec_free(inlay_spec* s) { delete capi::unwrap(s); }

inlay_spec_kind inlay_spec_kind_of(const inlay_spec* s) {
  return s == nullptr ? static_cast<inlay_spec_kind>(0) : static_cast<inlay_spec_kind>(capi::unwrap(s)->kind());
}

int inlay_spec_rank(const inlay_spec* s) { return s == nullptr ? -1 : capi::unwrap(s)->shape().rank(); }

const int64_t* inlay_spec_dims(const inlay_spec* s) {
  if (s == nullptr || capi::unwrap(s)->shape().rank() <= 0) return nullptr;
  return capi::unwrap(s)->shape().dims().data();
}

inlay_dtype inlay_spec_dtype(const inlay_spec* s) {
  return s == nullptr ? static_cast<inlay_dtype>(0) : static_cast<inlay_dtype>(capi::unwrap(s)->dtype());
}

const char* inlay_spec_name(const inlay_spec* s) {
  if (s == nullptr || !capi::unwrap(s)->name()) return nullptr;
  return capi::unwrap(s)->name()->c_str();
}

int inlay_spec_ragged_rank(const inlay_spec* s) { return s == nullptr ? -1 : capi::unwrap(s)->ragged_rank(); }

int inlay_spec_is_compatible_with(const inlay_spec* a, const inlay_spec* b) {
  if (a == nullptr || b == nullptr) return 0;
  return capi::unwrap(a)->is_compatible_with(*capi::unwrap(b)) ? 1 : 0;
}

inlay_status inlay_spec_most_specific_compatible(const inlay_spec* a, const inlay_spec* b, inlay_spec** out) {
  return capi::guarded("inlay_spec_most_specific_compatible", [&] {
    capi::require(a, "inlay_spec_most_specific_compatible", "a");
    capi::require(b, "inlay_spec_most_specific_compatible", "b");
    capi::require(out, "inlay_spec_most_specific_compatible", "out");
    auto spec = std::make_unique<core::TypeSpec>(capi::unwrap(a)->most_specific_compatible_type(*capi::unwrap(b)));
    *out = capi::wrap(spec.release());
  });
}

}  // extern "C"
