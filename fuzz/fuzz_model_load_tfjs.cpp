// inlay_model_load on a TensorFlow.js layers-model directory made from the input: parts separated by
// kPartSeparator, the first model.json, the others the weight shards. Shard i is written under the i-th
// path of model.json's weightsManifest (groups in order, paths in order) when that path is a plain file
// name, else as shard_<i>.bin; so mutations of the manifest (dtypes, shapes, quantization, paths) and of the
// shards (truncated, oversized, missing, extra) all reach the shard reader. The directory is unique per
// process, in $TMPDIR. On success the model is inspected and predicts once on zeros, twice the same.
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"

using namespace inlay_fuzz;

namespace {

// The shard paths model.json lists, in order (none when it is not JSON of that form).
std::vector<std::string> manifest_paths(std::string_view model_json) {
  std::vector<std::string> paths;
  const nlohmann::json json = nlohmann::json::parse(model_json, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("weightsManifest") || !json["weightsManifest"].is_array()) return paths;
  for (const auto& group : json["weightsManifest"]) {
    if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array()) continue;
    for (const auto& p : group["paths"]) paths.push_back(p.is_string() ? p.get<std::string>() : std::string());
  }
  return paths;
}

bool plain_file_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name == "." || name == ".." || name == "model.json") return false;
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ScratchDir scratch("model_load_tfjs");
  const std::filesystem::path& dir = scratch.path();
  const std::vector<std::string_view> parts = split_parts(data, size);
  write_file(dir / "model.json", parts[0]);
  const std::vector<std::string> paths = manifest_paths(parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t shard = i - 1;
    const std::string name =
        shard < paths.size() && plain_file_name(paths[shard]) ? paths[shard] : "shard_" + std::to_string(shard) + ".bin";
    write_file(dir / name, parts[i]);
  }
  Model model;
  check_load(inlay_model_load(dir.c_str(), model.out()), model);
  return 0;
}
