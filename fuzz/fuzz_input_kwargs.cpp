// keras.Input(**kwargs): the input is the kwargs JSON of inlay_input(). On success the tensor's accessors,
// its spec (to JSON and back), its InputLayer's config, Input(tensor=...), Input(type_spec=...) and a model
// made of the input alone are exercised too.
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"

using namespace inlay_fuzz;

namespace {

void check_tensor(const inlay_tensor* t) {
  const int rank = inlay_tensor_rank(t);
  if (rank < -1 || rank > 1 << 20) violated("inlay_tensor_rank out of range", std::to_string(rank));
  const int64_t* dims = inlay_tensor_dims(t);
  if ((rank > 0) != (dims != nullptr)) violated("inlay_tensor_dims does not match the rank");
  for (int d = 0; d < rank; ++d) {
    if (dims[d] < INLAY_DIM_NONE) violated("a dim below -1", std::to_string(dims[d]));
  }
  if (std::string(inlay_dtype_name(inlay_tensor_dtype(t))) == "unknown") violated("a tensor of an unknown dtype");
  if (inlay_tensor_name(t) == nullptr) violated("a tensor without a name");
  const inlay_spec* spec = inlay_tensor_spec(t);
  if (spec == nullptr || inlay_spec_rank(spec) != rank) violated("the tensor's spec has another rank");
  for (int d = 0; d < rank; ++d) {
    if (inlay_spec_dims(spec)[d] != dims[d]) violated("the tensor's spec has other dims");
  }
  inlay_layer* layer = inlay_tensor_layer(t);
  if (layer == nullptr || inlay_layer_name(layer) == nullptr) violated("an Input() tensor without its layer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string kwargs = as_text(data, size);
  Graph graph;
  if (!ok(inlay_graph_create(graph.out()), "inlay_graph_create")) violated("inlay_graph_create failed");
  inlay_tensor* x = nullptr;
  if (!ok(inlay_input(graph.get(), kwargs.c_str(), nullptr, nullptr, &x), "inlay_input")) {
    if (x != nullptr) violated("inlay_input wrote its out-parameter and failed");
    return 0;
  }
  check_tensor(x);

  // The spec round-trips through JSON.
  const inlay_spec* spec = inlay_tensor_spec(x);
  Text spec_json;
  if (!ok(inlay_spec_to_json(spec, spec_json.out()), "inlay_spec_to_json")) violated("inlay_spec_to_json failed");
  Spec again;
  if (!ok(inlay_spec_from_json(spec_json.get(), again.out()), "inlay_spec_from_json")) {
    violated("the spec of an Input() does not parse back", str(spec_json) + "\n" + inlay_last_error());
  }
  if (inlay_spec_is_compatible_with(spec, again.get()) != 1) {
    violated("an Input()'s spec is not compatible with itself parsed back", str(spec_json));
  }

  // The InputLayer's config.
  Text config;
  if (ok(inlay_layer_get_config(inlay_tensor_layer(x), config.out()), "inlay_layer_get_config")) {
    if (!nlohmann::json::accept(str(config))) violated("the InputLayer's config is not JSON", str(config));
  }

  // Input(tensor=x), Input(type_spec=spec): errors are fine.
  inlay_tensor* y = nullptr;
  if (ok(inlay_input(graph.get(), "{}", nullptr, x, &y), "inlay_input(tensor=)")) check_tensor(y);
  inlay_tensor* z = nullptr;
  if (ok(inlay_input(graph.get(), nullptr, spec, nullptr, &z), "inlay_input(type_spec=)")) check_tensor(z);

  // A model of the input alone: its JSON and summary.
  Model model;
  inlay_tensor* io[1] = {x};
  if (ok(inlay_model_create(graph.get(), io, 1, io, 1, nullptr, model.out()), "inlay_model_create")) {
    inspect_model(model.get());
    Text json;
    Text summary;
    if (ok(inlay_model_to_json(model.get(), json.out()), "inlay_model_to_json")) {
      Model back;
      if (!ok(inlay_model_from_json(json.get(), back.out()), "inlay_model_from_json")) {
        violated("the JSON of a model of one Input() does not parse back", str(json) + "\n" + inlay_last_error());
      }
    }
    ok(inlay_model_summary(model.get(), summary.out()), "inlay_model_summary");
  }
  return 0;
}
