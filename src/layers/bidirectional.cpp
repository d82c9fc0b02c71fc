#include "layers/bidirectional.hpp"

#include "layers/registry.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

std::string without_prefix(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

void check_serialized_layer(const Json& entry, const char* what) {
  if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string()) {
    throw_invalid(std::string(what) + python::str_prefix(entry, kMaxQuotedBytes));
  }
}

// Deserializes a wrapped layer under `name`; only the recurrent layers can be wrapped.
RecurrentLayer& recurrent_from(Graph& graph, const Json& entry, const std::string& name, std::optional<bool> backwards) {
  const std::string cls = entry["class_name"].get<std::string>();
  Json config = entry.value("config", Json::object());
  if (!config.is_object()) throw_invalid("Bidirectional: the wrapped layer's config must be a dict");
  config["name"] = name;
  if (backwards) config["go_backwards"] = *backwards;
  Layer& layer = create_layer(graph, cls, config);
  auto* recurrent = dynamic_cast<RecurrentLayer*>(&layer);
  if (recurrent == nullptr) {
    throw Error(Status::Unsupported, "Bidirectional: wrapping a " + cls + " is not supported (LSTM, GRU and SimpleRNN are)");
  }
  return *recurrent;
}

// The wrapped layer's name as Keras deserializes it: its config's, or an auto-name of its class.
std::string wrapped_name(Graph& graph, const Json& entry) {
  const Json config = entry.value("config", Json::object());
  if (config.is_object() && config.contains("name") && config["name"].is_string()) {
    return config["name"].get<std::string>();
  }
  return graph.auto_name(entry["class_name"].get<std::string>());
}

std::string python_bool(bool v) { return v ? "True" : "False"; }

// Bidirectional._verify_layer_config.
void verify_pair(const RecurrentLayer& forward, const RecurrentLayer& backward) {
  if (forward.go_backwards() == backward.go_backwards()) {
    throw_invalid("Forward layer and backward layer should have different `go_backwards` value. Received: "
                  "forward_layer.go_backwards " + python_bool(forward.go_backwards()) +
                  ", backward_layer.go_backwards=" + python_bool(backward.go_backwards()));
  }
  const std::pair<const char*, std::pair<bool, bool>> common[] = {
      {"stateful", {forward.stateful(), backward.stateful()}},
      {"return_sequences", {forward.return_sequences(), backward.return_sequences()}},
      {"return_state", {forward.return_state(), backward.return_state()}}};
  for (const auto& [attribute, values] : common) {
    if (values.first != values.second) {
      throw_invalid(std::string("Forward layer and backward layer are expected to have the same value for attribute \"") +
                    attribute + "\", got \"" + python_bool(values.first) + "\" for forward layer and \"" +
                    python_bool(values.second) + "\" for backward layer");
    }
  }
}

Bidirectional::Merge parse_merge(const Json& mode) {
  if (mode.is_null()) return Bidirectional::Merge::None;
  if (mode == "concat") return Bidirectional::Merge::Concat;
  if (mode == "sum") return Bidirectional::Merge::Sum;
  if (mode == "mul") return Bidirectional::Merge::Mul;
  if (mode == "ave") return Bidirectional::Merge::Ave;
  throw_invalid("Invalid merge mode. Received: " + python::str_prefix(mode, kMaxQuotedBytes) +
                ". Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\", None}");
}

}  // namespace

std::unique_ptr<Layer> Bidirectional::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  if (!args.has("layer")) throw_invalid("'layer'");  // from_config's config["layer"]: a KeyError
  const Json entry = args.take("layer");
  check_serialized_layer(entry, "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: ");
  const Json backward_entry = args.take("backward_layer");
  if (!backward_entry.is_null()) {
    check_serialized_layer(backward_entry, "`backward_layer` need to be a `keras.layers.Layer` instance. Received: ");
  }
  // Deserialization names the layers (auto-names count) before the wrapper is made.
  const std::string name = wrapped_name(graph, entry);
  const std::string backward_name = backward_entry.is_null() ? "" : wrapped_name(graph, backward_entry);
  const Json merge_arg = args.take("merge_mode", "concat");
  const Merge merge = parse_merge(merge_arg);
  const Json weights = args.take("weights");
  if (!weights.is_null()) throw Error(Status::Unsupported, "Bidirectional: the `weights` argument is not supported");
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"layer", "merge_mode", "weights", "backward_layer"});
  // The copies Keras makes: forward_<name>, and backward_<name> running backwards unless one is given.
  RecurrentLayer& forward = recurrent_from(graph, entry, "forward_" + without_prefix(name, "forward_"), std::nullopt);
  RecurrentLayer& backward =
      backward_entry.is_null() ? recurrent_from(graph, entry, "backward_" + without_prefix(name, "backward_"), true)
                               : recurrent_from(graph, backward_entry, backward_name, std::nullopt);
  verify_pair(forward, backward);
  forward.force_zero_output_for_mask();
  backward.force_zero_output_for_mask();
  return std::unique_ptr<Layer>(new Bidirectional(std::move(base), &forward, &backward, merge, merge_arg));
}

std::size_t Bidirectional::output_count() const {
  const std::size_t outputs = merge_ == Merge::None ? 2 : 1;
  return outputs + (forward_->return_state() ? 2 * forward_->state_count() : 0);
}

std::vector<TypeSpec> Bidirectional::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return compute_call_output_specs(inputs, CallArguments{});
}

std::vector<TypeSpec> Bidirectional::compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                               const CallArguments& call_args) const {
  check_call_options(*this, call_args.options);
  // The wrapped layer's input_spec (ndim=3), on the sequence alone (the states are inputs too).
  InputSpec spec;
  spec.ndim = 3;
  assert_input_compatibility({spec}, inputs.empty() ? inputs : std::vector<const KerasTensor*>{inputs.front()}, name());
  Graph& graph = *this->graph();
  // The inner layers are called on tensors of their own (the lowering binds them to this call's values): the
  // sequence, then their half of the initial states.
  auto child_of = [&](const KerasTensor* t) { return &graph.add_tensor(t->spec(), graph.auto_name("KerasTensor")); };
  KerasTensor* child = child_of(inputs.front());
  const std::size_t half = (inputs.size() - 1) / 2;
  auto inner_call = [&](RecurrentLayer& inner, std::size_t first, std::size_t last) {
    std::vector<KerasTensor*> args = {child};
    CallArguments keywords;
    keywords.keywords.emplace_back();
    for (std::size_t i = first; i < last; ++i) {
      args.push_back(child_of(inputs[i]));
      keywords.keywords.emplace_back(i < call_args.keywords.size() ? call_args.keywords[i] : std::string());
    }
    return inner.call(args, keywords);
  };
  const std::vector<KerasTensor*> f = inner_call(*forward_, 1, 1 + half);
  const std::vector<KerasTensor*> b = inner_call(*backward_, 1 + half, inputs.size());
  if (!weights_renamed_) {
    // Keras creates the inner variables under the wrapper's name scope.
    for (RecurrentLayer* inner : {forward_, backward_}) {
      for (Weight& w : inner->cell().weights()) w.path = name() + "/" + w.path;
    }
    weights_renamed_ = true;
  }
  std::vector<TypeSpec> specs;
  const TypeSpec& y = f.front()->spec();
  if (merge_ == Merge::Concat) {
    std::vector<int64_t> dims = y.shape().dims();
    dims.back() *= 2;
    specs.push_back(TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype()));
  } else {
    specs.push_back(TypeSpec::tensor(y.shape(), base_.compute_dtype()));
    if (merge_ == Merge::None) specs.push_back(TypeSpec::tensor(y.shape(), base_.compute_dtype()));
  }
  for (const auto* states : {&f, &b}) {
    for (std::size_t i = 1; i < states->size(); ++i) specs.push_back((*states)[i]->spec());
  }
  return specs;
}

const Node& Bidirectional::inner_node(const Layer& inner, const Node& node) const {
  // Each call of this layer called each inner layer once, in the same order.
  const auto& outer = inbound_nodes();
  const auto& nodes = inner.inbound_nodes();
  for (std::size_t i = 0; i < outer.size(); ++i) {
    if (outer[i].id == node.id) {
      if (i < nodes.size()) return nodes[i];
      break;
    }
  }
  throw Error(Status::InternalError, "Bidirectional '" + name() + "': no inner node for this call");
}

Json Bidirectional::serialized(const RecurrentLayer& inner) const {
  Json entry = {{"module", inner.module()},
                {"class_name", inner.class_name()},
                {"config", inner.get_config()},
                {"registered_name", inner.registered_name()}};
  if (Json build = inner.build_config(); !build.is_null()) entry["build_config"] = build;
  return entry;
}

Json Bidirectional::get_config() const {
  Json config = base_.to_json();
  config["merge_mode"] = merge_arg_;
  config["layer"] = serialized(*forward_);
  config["backward_layer"] = serialized(*backward_);
  return config;
}

}  // namespace inlay::core
