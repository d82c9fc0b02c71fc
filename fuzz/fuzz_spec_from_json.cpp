// tf.TensorSpec / SparseTensorSpec / RaggedTensorSpec from JSON. Property: a spec that parses survives the
// round trip: inlay_spec_to_json() parses back to a spec with the same JSON and the same accessors, which
// is compatible with the original, and most_specific_compatible of the two is the spec itself.
#include "fuzz_common.hpp"

using namespace inlay_fuzz;

namespace {

void same(const inlay_spec* a, const inlay_spec* b, const std::string& json) {
  bool equal = inlay_spec_kind_of(a) == inlay_spec_kind_of(b) && inlay_spec_rank(a) == inlay_spec_rank(b) &&
               inlay_spec_dtype(a) == inlay_spec_dtype(b) && inlay_spec_ragged_rank(a) == inlay_spec_ragged_rank(b);
  for (int d = 0; equal && d < inlay_spec_rank(a); ++d) equal = inlay_spec_dims(a)[d] == inlay_spec_dims(b)[d];
  const char* na = inlay_spec_name(a);
  const char* nb = inlay_spec_name(b);
  equal = equal && (na == nullptr) == (nb == nullptr) && (na == nullptr || std::string(na) == nb);
  if (!equal) violated("a spec parsed back from its JSON differs from it", json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string json = as_text(data, size);
  Spec spec;
  if (!ok(inlay_spec_from_json(json.c_str(), spec.out()), "inlay_spec_from_json")) {
    if (spec.get() != nullptr) violated("inlay_spec_from_json wrote its out-parameter and failed");
    return 0;
  }
  const inlay_spec* s = spec.get();
  const int rank = inlay_spec_rank(s);
  if (rank < -1 || (rank > 0) != (inlay_spec_dims(s) != nullptr)) violated("inlay_spec_dims does not match the rank");
  for (int d = 0; d < rank; ++d) {
    if (inlay_spec_dims(s)[d] < INLAY_DIM_NONE) violated("a spec dim below -1", json);
  }

  Text first;
  if (!ok(inlay_spec_to_json(s, first.out()), "inlay_spec_to_json")) violated("inlay_spec_to_json failed", json);
  Spec back;
  if (!ok(inlay_spec_from_json(first.get(), back.out()), "inlay_spec_from_json(to_json)")) {
    violated("inlay_spec_to_json's output does not parse back", str(first) + "\n" + inlay_last_error());
  }
  same(s, back.get(), str(first));
  Text second;
  if (!ok(inlay_spec_to_json(back.get(), second.out()), "inlay_spec_to_json")) violated("inlay_spec_to_json failed");
  if (str(first) != str(second)) violated("to_json(from_json(to_json(spec))) != to_json(spec)", str(first) + "\n" + str(second));

  if (inlay_spec_is_compatible_with(s, back.get()) != 1 || inlay_spec_is_compatible_with(back.get(), s) != 1) {
    violated("a spec is not compatible with itself parsed back", str(first));
  }
  Spec merged;
  if (!ok(inlay_spec_most_specific_compatible(s, back.get(), merged.out()), "inlay_spec_most_specific_compatible")) {
    violated("most_specific_compatible(spec, spec) failed", str(first) + "\n" + inlay_last_error());
  }
  Text merged_json;
  if (!ok(inlay_spec_to_json(merged.get(), merged_json.out()), "inlay_spec_to_json")) violated("to_json failed");
  if (str(merged_json) != str(first)) {
    violated("most_specific_compatible(spec, spec) != spec", str(first) + "\n" + str(merged_json));
  }
  return 0;
}
