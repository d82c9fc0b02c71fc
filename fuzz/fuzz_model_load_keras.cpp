// inlay_model_load on a .keras file made from the input, in one of two forms:
//  - raw: an input starting with "PK" is the file itself (the zip layer: directory, sizes, CRCs);
//  - structured: otherwise the input is parts separated by kPartSeparator: config.json, metadata.json,
//    model.weights.h5, then any further members (extra_<n>). The harness zips them (stored, valid CRCs), so
//    mutations reach the JSON config and the HDF5 weights rather than dying at the zip's checksums. An
//    empty part is a missing member.
// The file is unique per process, in $TMPDIR. On success the model is inspected and predicts once on zeros
// (small input shapes only), twice with the same result.
#include <zip.h>

#include "fuzz_common.hpp"

using namespace inlay_fuzz;

namespace {

void write_zip(const std::filesystem::path& path, const std::vector<std::string_view>& parts) {
  int code = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (zip == nullptr) violated("zip_open failed", std::to_string(code));
  static const char* const kNames[] = {"config.json", "metadata.json", "model.weights.h5"};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    const std::string name = i < 3 ? kNames[i] : "extra_" + std::to_string(i);
    zip_source_t* source = zip_source_buffer(zip, parts[i].data(), parts[i].size(), 0);
    if (source == nullptr) violated("zip_source_buffer failed", zip_strerror(zip));
    const zip_int64_t index = zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      violated("zip_file_add failed", zip_strerror(zip));
    }
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  if (zip_close(zip) != 0) {
    const std::string why = zip_strerror(zip);
    zip_discard(zip);
    violated("zip_close failed", why);
  }
  // libzip writes no file for an archive without members; an empty one then stands for it.
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) write_file(path, "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ScratchDir scratch("model_load_keras");
  const std::filesystem::path path = scratch.path() / "model.keras";
  if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
    write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  } else {
    write_zip(path, split_parts(data, size));
  }
  Model model;
  check_load(inlay_model_load(path.c_str(), model.out()), model);
  return 0;
}
