// inlay_array_load_npy on the input written as a .npy file (the reader takes a path). Properties: a file
// that loads holds its array's bytes (element count x dtype size never exceeds the file: nothing is
// allocated that the file does not back), the dims multiply to the element count, and the array survives
// inlay_array_save_npy + inlay_array_load_npy unchanged (dtype, dims, bytes).
#include "fuzz_common.hpp"

using namespace inlay_fuzz;

namespace {

struct Loaded {
  inlay_dtype dtype;
  std::vector<int64_t> dims;
  std::string bytes;
};

Loaded describe(const inlay_array* a) {
  Loaded out{inlay_array_dtype(a), {}, {}};
  if (inlay_array_kind_of(a) != INLAY_ARRAY_DENSE) violated("a .npy file loaded as a non-dense array");
  const int rank = inlay_array_rank(a);
  if (rank < 0 || rank > INLAY_MAX_RANK || (rank > 0 && inlay_array_dims(a) == nullptr)) violated("bad rank/dims");
  std::size_t count = 1;
  for (int d = 0; d < rank; ++d) {
    const int64_t dim = inlay_array_dims(a)[d];
    if (dim < 0) violated("a negative dim", std::to_string(dim));
    out.dims.push_back(dim);
    count *= static_cast<std::size_t>(dim);  // cannot overflow: checked against the file's size below
  }
  if (count != inlay_array_element_count(a)) violated("the dims do not multiply to the element count");
  const std::size_t bytes = count * inlay_dtype_size(out.dtype);
  if (bytes > 0 && inlay_array_data(a) == nullptr) violated("an array with elements and no data");
  out.bytes.assign(static_cast<const char*>(inlay_array_data(a)), bytes);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ScratchDir scratch("npy");
  const std::filesystem::path file = scratch.path() / "input.npy";
  write_file(file, std::string_view(reinterpret_cast<const char*>(data), size));
  Array array;
  if (!ok(inlay_array_load_npy(file.c_str(), array.out()), "inlay_array_load_npy")) {
    if (array.get() != nullptr) violated("inlay_array_load_npy wrote its out-parameter and failed");
    return 0;
  }
  const Loaded first = describe(array.get());
  if (first.bytes.size() > size) {
    violated("an array of " + std::to_string(first.bytes.size()) + " bytes from a file of " + std::to_string(size));
  }
  const std::filesystem::path saved = scratch.path() / "saved.npy";
  if (!ok(inlay_array_save_npy(array.get(), saved.c_str()), "inlay_array_save_npy")) {
    // numpy has a name for every dtype a .npy file can hold, so what loaded can be saved.
    violated("an array loaded from .npy cannot be saved as .npy", inlay_last_error());
  }
  Array back;
  if (!ok(inlay_array_load_npy(saved.c_str(), back.out()), "inlay_array_load_npy(saved)")) {
    violated("a .npy file inlay wrote does not load", inlay_last_error());
  }
  const Loaded second = describe(back.get());
  if (second.dtype != first.dtype || second.dims != first.dims || second.bytes != first.bytes) {
    violated("an array changed through save_npy and load_npy");
  }
  return 0;
}
