#include "layers/numpy_get_item_op.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

using Sub = NumpyGetItemOp::Sub;

bool is_class(const Json& value, const char* name) {
  return value.is_object() && value.contains("class_name") && value["class_name"] == name;
}

std::optional<int64_t> slice_field(const Json& config, const char* key, const std::string& op) {
  const Json v = config.is_object() ? config.value(key, Json()) : Json();
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer()) {
    throw Error(Status::Unsupported, "Op '" + op + "': a slice " + key + " that is not an integer");
  }
  return v.get<int64_t>();
}

Sub parse_sub(const Json& value, const std::string& op) {
  Sub sub;
  if (value.is_null()) {
    sub.kind = Sub::Kind::NewAxis;
  } else if (value.is_number_integer()) {
    sub.index = value.get<int64_t>();
  } else if (is_class(value, "__ellipsis__")) {
    sub.kind = Sub::Kind::Ellipsis;
  } else if (is_class(value, "__slice__")) {
    sub.kind = Sub::Kind::Slice;
    const Json config = value.value("config", Json::object());
    sub.start = slice_field(config, "start", op);
    sub.stop = slice_field(config, "stop", op);
    sub.step = slice_field(config, "step", op);
  } else {
    throw Error(Status::Unsupported, "Op '" + op + "': the key element " + python::repr_prefix(value, kMaxQuotedBytes) +
                                         " (only integers, slices, None and Ellipsis are supported)");
  }
  return sub;
}

std::string python_slice(const Sub& s) {
  auto field = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("None"); };
  return "slice(" + field(s.start) + ", " + field(s.stop) + ", " + field(s.step) + ")";
}

// Python's repr of the key as the op received it: a list of its elements.
std::string key_repr(const std::vector<Sub>& key, bool list) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const Sub& s = key[i];
    out += i > 0 ? ", " : "";
    switch (s.kind) {
      case Sub::Kind::Index: out += std::to_string(s.index); break;
      case Sub::Kind::Slice: out += python_slice(s); break;
      case Sub::Kind::NewAxis: out += "None"; break;
      case Sub::Kind::Ellipsis: out += "Ellipsis"; break;
    }
  }
  return list ? "[" + out + "]" : out;
}

// Python's slice(start, stop, step).indices(length) and len(range(...)) of it.
NumpyGetItemOp::AxisRead slice_read(const Sub& s, int64_t length) {
  const int64_t step = s.step.value_or(1);
  if (step == 0) throw_invalid("slice step cannot be zero");
  const int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? length : length - 1;
  auto clamp = [&](std::optional<int64_t> v, int64_t absent) {
    if (!v) return absent;
    int64_t i = *v;
    if (i < 0) {
      i += length;
      if (i < lower) i = lower;
    } else if (i > upper) {
      i = upper;
    }
    return i;
  };
  const int64_t start = clamp(s.start, step > 0 ? lower : upper);
  const int64_t stop = clamp(s.stop, step > 0 ? upper : lower);
  int64_t count = 0;
  if (step > 0 && stop > start) count = (stop - start + step - 1) / step;
  if (step < 0 && start > stop) count = (start - stop + (-step) - 1) / (-step);
  return {start, step, count, true};
}

}  // namespace

std::unique_ptr<Layer> NumpyGetItemOp::from_op_config(Graph& graph, std::string_view module, std::string_view op_name,
                                                      const Json& config) {
  return std::unique_ptr<Layer>(new NumpyGetItemOp(read_op_name(graph, op_name, config), module, op_name));
}

const Json& NumpyGetItemOp::key_json(const Call& call) const {
  if (call.args.size() > 1) return call.args[1];
  if (call.kwargs.contains("key")) return call.kwargs["key"];
  throw_invalid("GetItem.call() missing required argument: 'key'");
}

std::vector<Sub> NumpyGetItemOp::key_of(const Call& call) const {
  const Json& key = key_json(call);
  std::vector<Sub> out;
  if (key.is_array()) {
    for (const Json& item : key) out.push_back(parse_sub(item, name()));
  } else if (key.is_number_integer()) {
    out.push_back(parse_sub(key, name()));
  } else {
    // compute_output_spec takes an int, a tuple or a list; a lone slice is "Unsupported key type".
    throw_invalid("Unsupported key type for array slice. Received: `" +
                  (is_class(key, "__slice__") ? python_slice(parse_sub(key, name())) : python::str_prefix(key, kMaxQuotedBytes)) + "`");
  }
  return out;
}

NumpyGetItemOp::Plan NumpyGetItemOp::plan(const std::vector<int64_t>& in, const std::vector<Sub>& key,
                                          const Json& key_json) const {
  const bool list = key_json.is_array();
  const std::string key_text = key_repr(key, list);
  std::vector<Sub> remaining = key;
  int ellipses = 0;
  for (const Sub& s : key) ellipses += s.kind == Sub::Kind::Ellipsis;
  if (ellipses > 1) throw_invalid("Slice should only have one ellipsis. Received: `" + key_text + "`");
  if (ellipses == 0) remaining.push_back(Sub{Sub::Kind::Ellipsis, 0, {}, {}, {}});
  Plan plan;
  std::size_t axis = 0;  // the next input axis
  for (std::size_t k = 0; k < remaining.size(); ++k) {
    const Sub& s = remaining[k];
    if (s.kind == Sub::Kind::Ellipsis) {
      std::size_t needed = 0;
      for (std::size_t j = k + 1; j < remaining.size(); ++j) needed += remaining[j].kind != Sub::Kind::NewAxis;
      const std::size_t left = in.size() - axis;
      const std::size_t consumed = needed > left ? 0 : left - needed;
      for (std::size_t j = 0; j < consumed; ++j, ++axis) {
        plan.axes.push_back({0, 1, in[axis], true});
        plan.out_dims.push_back(in[axis]);
      }
      continue;
    }
    if (s.kind == Sub::Kind::NewAxis) {
      plan.out_dims.push_back(1);
      continue;
    }
    if (axis >= in.size()) {
      throw_invalid("Array has shape " + Shape(in).to_tuple_string() + " but slice has to many indices. Received: `" +
                    key_text + "`");
    }
    const int64_t length = in[axis++];
    if (s.kind == Sub::Kind::Index) {
      const int64_t index = s.index >= 0 ? s.index : s.index + length;
      if (length != kNoneDim && (index < 0 || index >= length)) {
        throw_invalid("Array has shape " + Shape(in).to_tuple_string() + " but out-of-bounds index " + key_text +
                      " was requested.");
      }
      plan.axes.push_back({index, 1, 1, false});
      continue;
    }
    if (length == kNoneDim) {
      plan.axes.push_back({0, 1, kNoneDim, true});
      plan.out_dims.push_back(kNoneDim);
      continue;
    }
    const AxisRead read = slice_read(s, length);
    plan.axes.push_back(read);
    plan.out_dims.push_back(read.count);
  }
  return plan;
}

std::vector<TypeSpec> NumpyGetItemOp::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  try {
    return infer(inputs);
  } catch (const Error& error) {
    // Keras's wrapping (OpLayer::wrap_op_errors), whose argument list shows a key's elements by str():
    // args=('<KerasTensor ...>', ['slice(None, None, None)', '7']).
    const Call& call = current_call();
    const Json& key = call.args.size() > 1 ? call.args[1] : Json();
    if (inputs.size() != 1 || !key.is_array() || error.status() != Status::InvalidArgument) throw;
    std::vector<Sub> subs;
    try {
      subs = key_of(call);
    } catch (const Error&) {
      throw error;
    }
    std::string items;
    for (std::size_t i = 0; i < subs.size(); ++i) {
      items += (i > 0 ? ", " : "") + python::quote(key_repr({subs[i]}, false));
    }
    const std::string text = "GetItem.call()";
    throw Error(error.status(), "Exception encountered when calling " + text + ".\n\n\x1b[1m" + error.what() +
                                    "\x1b[0m\n\nArguments received by " + text + ":\n  \u2022 args=(" +
                                    python::quote(keras_tensor_repr(*inputs.front())) + ", [" + items +
                                    "])\n  \u2022 kwargs=<class 'inspect._empty'>");
  }
}

std::vector<TypeSpec> NumpyGetItemOp::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Call& call = current_call();
  const Operand x = operand(call, 0, "x");
  if (!x.is_tensor() || inputs.size() != 1) {
    throw Error(Status::Unsupported, "Op '" + name() + "': only a tensor indexed by a constant key is supported");
  }
  const KerasTensor* t = inputs.front();
  if (!t->shape().has_rank()) throw Error(Status::Unsupported, "Op '" + name() + "' on a tensor of unknown rank");
  if (t->sparse() || t->ragged()) {
    throw Error(Status::Unsupported, "Op '" + name() + "' on a sparse or ragged tensor is not supported yet");
  }
  const Plan p = plan(t->shape().dims(), key_of(call), key_json(call));
  return {TypeSpec::tensor(Shape(p.out_dims), t->dtype())};
}

}  // namespace inlay::core
