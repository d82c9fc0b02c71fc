#include "layers/op_layer.hpp"

#include <algorithm>

#include "graph/graph.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

bool is_tensor_json(const Json& value) {
  return value.is_object() && value.contains("class_name") && value["class_name"] == "__keras_tensor__";
}

bool is_placeholder(const Json& value) { return value.is_object() && value.size() == 1 && value.contains("__tensor__"); }

// Replaces every serialized tensor inside `value` (lists and dicts included) by a placeholder, in order.
Json with_placeholders(const Json& value, std::vector<const Json*>& histories) {
  if (is_tensor_json(value)) {
    // A pointer into `value` itself: the histories are read after this returns.
    const Json* config = value.contains("config") ? &value["config"] : nullptr;
    if (config == nullptr || !config->is_object() || !config->contains("keras_history")) {
      throw Error(Status::ParseError, "Not a Keras model config: a __keras_tensor__ has no \"keras_history\"");
    }
    histories.push_back(&(*config)["keras_history"]);
    return Json{{"__tensor__", histories.size() - 1}};
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(with_placeholders(item, histories));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) out[key] = with_placeholders(item, histories);
    return out;
  }
  return value;
}

// The placeholders of `value` put back as the serialized tensors.
Json with_tensors(const Json& value, const std::vector<Json>& tensors) {
  if (is_placeholder(value)) {
    const auto i = value["__tensor__"].get<std::size_t>();
    return i < tensors.size() ? tensors[i] : Json();
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(with_tensors(item, tensors));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) out[key] = with_tensors(item, tensors);
    return out;
  }
  return value;
}

}  // namespace

OpLayer::Call OpLayer::read_call(const Json& node, std::vector<const Json*>& histories) {
  if (!node.is_object()) {
    throw Error(Status::ParseError, "Not a Keras model config: an op-layer's inbound node is not an object");
  }
  Call call;
  if (node.contains("args")) call.args = with_placeholders(node["args"], histories);
  if (node.contains("kwargs")) call.kwargs = with_placeholders(node["kwargs"], histories);
  if (!call.args.is_array() || !call.kwargs.is_object()) {
    throw Error(Status::ParseError, "Not a Keras model config: an op-layer's node has no args list or kwargs dict");
  }
  return call;
}

std::vector<KerasTensor*> OpLayer::call_op(Call call, const std::vector<KerasTensor*>& inputs) {
  pending_ = std::move(call);
  std::vector<KerasTensor*> outputs;
  try {
    outputs = Layer::call(inputs);
  } catch (...) {
    pending_.reset();
    throw;
  }
  calls_.push_back(std::move(*pending_));
  pending_.reset();
  return outputs;
}

const OpLayer::Call& OpLayer::current_call() const {
  if (pending_) return *pending_;
  // Layer::call alone (the C ABI's inlay_layer_call) gives tensors but not the op's other arguments.
  throw Error(Status::Unsupported, "Op-layer '" + name() + "' (" + std::string(module()) + "." +
                                       std::string(class_name()) +
                                       ") can only be called from a model config, which gives its arguments");
}

const OpLayer::Call& OpLayer::call_of(const Node& node) const {
  const auto& nodes = inbound_nodes();
  for (std::size_t i = 0; i < nodes.size() && i < calls_.size(); ++i) {
    if (nodes[i].id == node.id) return calls_[i];
  }
  throw Error(Status::InternalError, "op-layer '" + name() + "' has no arguments recorded for this node");
}

OpLayer::Operand OpLayer::operand(const Call& call, std::size_t position, const char* keyword) const {
  const Json* value = nullptr;
  if (position < call.args.size()) {
    value = &call.args[position];
  } else if (call.kwargs.contains(keyword)) {
    value = &call.kwargs[keyword];
  } else {
    throw_invalid(std::string(class_name()) + ".call() missing required argument: '" + keyword + "'");
  }
  if (is_placeholder(*value)) return {(*value)["__tensor__"].get<int>(), 0.0};
  if (value->is_number()) return {-1, value->get<double>()};
  if (value->is_boolean()) return {-1, value->get<bool>() ? 1.0 : 0.0};
  throw Error(Status::Unsupported, "Op-layer '" + name() + "' (" + std::string(class_name()) + "): argument '" +
                                       keyword + "' = " + dump_prefix(*value, kMaxQuotedBytes) +
                                       " is neither a tensor nor a number, which inlay does not support yet");
}

void OpLayer::throw_op_call_error(const std::vector<const KerasTensor*>& inputs, const Error& error) const {
  const std::string call = std::string(class_name()) + ".call()";
  std::string args = "(";
  const Json& positional = current_call().args;
  for (std::size_t i = 0; i < positional.size(); ++i) {
    if (i > 0) args += ", ";
    const Json& arg = positional[i];
    auto tensor_of = [&](const Json& v) -> const KerasTensor* {
      if (!is_placeholder(v) || v["__tensor__"].get<std::size_t>() >= inputs.size()) return nullptr;
      return inputs[v["__tensor__"].get<std::size_t>()];
    };
    const bool tensor_list =
        arg.is_array() && std::any_of(arg.begin(), arg.end(), [&](const Json& v) { return tensor_of(v) != nullptr; });
    if (const KerasTensor* t = tensor_of(arg)) {
      args += python::quote(keras_tensor_repr(*t));
    } else if (tensor_list) {
      // A list of tensors (ops.concatenate([a, b])): Keras shows each element by str(), quoted.
      args += "[";
      for (std::size_t k = 0; k < arg.size(); ++k) {
        const KerasTensor* item = tensor_of(arg[k]);
        args += (k > 0 ? ", " : "") +
                python::quote(item != nullptr ? keras_tensor_repr(*item) : python::str_prefix(arg[k], kMaxQuotedBytes));
      }
      args += "]";
    } else {
      args += python::repr_prefix(arg, kMaxQuotedBytes);
    }
  }
  args += positional.size() == 1 ? ",)" : ")";
  const Json& kwargs = current_call().kwargs;
  const std::string kw = kwargs.empty() ? "<class 'inspect._empty'>" : python::repr_prefix(kwargs, kMaxQuotedBytes);
  throw Error(error.status(), "Exception encountered when calling " + call + ".\n\n\x1b[1m" + error.what() +
                                  "\x1b[0m\n\nArguments received by " + call + ":\n  \u2022 args=" + args +
                                  "\n  \u2022 kwargs=" + kw);
}

Json OpLayer::serialize_call(std::size_t node_index, std::vector<Json> tensors) const {
  if (node_index >= calls_.size()) return Layer::serialize_call(node_index, std::move(tensors));
  const Call& call = calls_[node_index];
  return Json{{"args", with_tensors(call.args, tensors)}, {"kwargs", with_tensors(call.kwargs, tensors)}};
}

std::string read_op_name(Graph& graph, std::string_view op_name, const Json& config,
                         std::initializer_list<const char*> keys) {
  if (!config.is_null() && !config.is_object()) {
    throw Error(Status::ParseError, "Not a Keras model config: the config of op " + std::string(op_name) +
                                        " is not an object");
  }
  if (config.is_object()) {
    for (const auto& [key, value] : config.items()) {
      (void)value;
      if (key == "name") continue;
      bool known = false;
      for (const char* k : keys) known = known || key == k;
      if (!known) {
        // Ops taking no arguments of their own inherit Operation.__init__, which Python names.
        const std::string init = keys.size() == 0 ? "Operation" : std::string(op_name);
        throw_invalid(init + ".__init__() got an unexpected keyword argument '" + key + "'");
      }
    }
  }
  const Json name = config.is_object() ? config.value("name", Json()) : Json();
  return name.is_null() ? graph.auto_name(op_name) : validate_layer_name(name);
}

}  // namespace inlay::core
