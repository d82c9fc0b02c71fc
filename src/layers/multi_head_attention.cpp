#include "layers/multi_head_attention.hpp"

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace {

// isinstance(value, int) and value > 0 (a bool is an int), with MultiHeadAttention's own message.
int64_t head_count(const Json& value, const std::string& argument, const std::string& expected) {
  if (value.is_boolean() && value.get<bool>()) return 1;
  if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
    throw_invalid("Received an invalid value for argument `" + argument + "`, expected " + expected +
                  ". Received: " + argument + "=" + python::str_prefix(value, kMaxQuotedBytes));
  }
  return value.get<int64_t>();
}

// _build_proj_equation: free dims pass through, bound dims are contracted, output dims come from the kernel.
struct ProjEquation {
  std::string equation, bias_axes;
  std::size_t output_rank = 0;
};
ProjEquation proj_equation(std::size_t free_dims, std::size_t bound_dims, std::size_t output_dims) {
  std::string input, kernel, output, bias;
  char c = 'a';
  for (std::size_t i = 0; i < free_dims; ++i, ++c) {
    input += c;
    output += c;
  }
  for (std::size_t i = 0; i < bound_dims; ++i, ++c) {
    input += c;
    kernel += c;
  }
  for (std::size_t i = 0; i < output_dims; ++i, ++c) {
    kernel += c;
    output += c;
    bias += c;
  }
  return {input + "," + kernel + "->" + output, bias, output.size()};
}

// _get_output_shape: None for the leading axes, then the known ones.
Json partial_output_shape(std::size_t output_rank, const std::vector<Json>& known) {
  Json shape = Json::array();
  for (std::size_t i = known.size(); i < output_rank; ++i) shape.push_back(nullptr);
  for (const Json& d : known) shape.push_back(d);
  return shape;
}

std::string shape_text(const Shape& shape) { return shape.to_tuple_string(); }

}  // namespace

MultiHeadAttention::Roles MultiHeadAttention::roles(const std::vector<std::string>& keywords, std::size_t n_inputs) {
  // Tensors by keyword take their role; positional ones fill query, value, key in order (call's signature).
  std::optional<std::size_t> query, value, key, attention_mask;
  std::vector<std::size_t> positional;
  for (std::size_t i = 0; i < n_inputs; ++i) {
    const std::string keyword = i < keywords.size() ? keywords[i] : "";
    std::optional<std::size_t>* slot = keyword == "query" ? &query
                                       : keyword == "value" ? &value
                                       : keyword == "key" ? &key
                                       : keyword == "attention_mask" ? &attention_mask
                                                                     : nullptr;
    if (keyword.empty()) {
      positional.push_back(i);
    } else if (slot == nullptr || slot->has_value()) {
      throw Error(Status::Unsupported, "MultiHeadAttention: the call argument '" + keyword + "' given twice or unknown");
    } else {
      *slot = i;
    }
  }
  for (std::size_t i : positional) {
    std::optional<std::size_t>* slot = !query ? &query : !value ? &value : !key ? &key : nullptr;
    if (slot == nullptr) throw Error(Status::Unsupported, "MultiHeadAttention: more than 3 positional tensor arguments");
    *slot = i;
  }
  if (!query || !value) {
    throw_invalid(std::string("MultiHeadAttention.call() missing 1 required positional argument: '") +
                  (query ? "value" : "query") + "'");
  }
  return {*query, *value, key, attention_mask};
}

std::unique_ptr<Layer> MultiHeadAttention::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  const Json num_heads = args.require("num_heads");
  const Json key_dim = args.require("key_dim");
  const Json value_dim = args.take("value_dim");
  const int64_t heads = head_count(num_heads, "num_heads", "a positive integer");
  const int64_t kdim = head_count(key_dim, "key_dim", "a positive integer");
  int64_t vdim = kdim;
  if (!value_dim.is_null()) vdim = head_count(value_dim, "value_dim", "a positive integer or `None`");
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes", "sliding_window",
       "flash_attention", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
       "kernel_constraint", "bias_constraint", "use_gate", "seed", "query_shape", "key_shape", "value_shape",
       "softmax_robust_masking"});
  // tf.keras 2's config also records the build shapes (the layer is built on its call here) and
  // softmax_robust_masking (a numerically safer way to the same masked softmax).
  for (const char* key : {"query_shape", "key_shape", "value_shape", "softmax_robust_masking"}) args.take(key);
  std::unique_ptr<MultiHeadAttention> layer(new MultiHeadAttention(std::move(base)));
  layer->num_heads_ = heads;
  layer->key_dim_ = kdim;
  layer->value_dim_ = vdim;
  const Json output_shape = args.take("output_shape");
  if (python::truthy(output_shape)) {
    if (output_shape.is_number_integer()) {
      layer->output_shape_ = Json::array({output_shape});
    } else if (output_shape.is_array()) {
      layer->output_shape_ = output_shape;
    } else {
      throw_invalid("Invalid `output_shape`: " + python::str_prefix(output_shape, kMaxQuotedBytes) +
                    ". When specified, the `output_shape` should be of type tuple, list, or int.");
    }
    for (const Json& d : layer->output_shape_) {
      if (!d.is_number_integer() || d.get<int64_t>() <= 0) {
        throw Error(Status::Unsupported, "MultiHeadAttention: output_shape entries must be positive ints, got " +
                                             python::repr_prefix(layer->output_shape_, kMaxQuotedBytes));
      }
    }
  } else {
    layer->output_shape_ = output_shape;
  }
  const Json axes = args.take("attention_axes");
  if (axes.is_number_integer()) {
    layer->attention_axes_arg_ = Json::array({axes});
  } else if (axes.is_array()) {
    for (const Json& a : axes) {
      if (!a.is_number_integer()) {
        throw Error(Status::Unsupported, "MultiHeadAttention: attention_axes must be ints, got " +
                                             python::repr_prefix(axes, kMaxQuotedBytes));
      }
    }
    layer->attention_axes_arg_ = axes;
  } else if (python::truthy(axes)) {
    throw_invalid("`attention_axes` must be an int, list, or tuple.Received: attention_axes=" +
                  python::str_prefix(axes, kMaxQuotedBytes));
  }
  layer->read_common(args);
  return layer;
}

void MultiHeadAttention::read_common(LayerArgs& args) {
  dropout_ = args.take("dropout", 0.0);
  if (!dropout_.is_number()) {
    throw Error(Status::Unsupported, std::string(class_name()) + ": dropout must be a number, got " +
                                         python::repr_prefix(dropout_, kMaxQuotedBytes));
  }
  use_bias_ = python::truthy(args.take("use_bias", true));
  use_gate_ = python::truthy(args.take("use_gate", false));
  const Json window = args.take("sliding_window");
  if (!window.is_null()) {
    if (window.is_boolean() || !window.is_number_integer() || window.get<int64_t>() <= 0) {
      throw_invalid("`sliding_window` must be `None` or a positive integer. Received: sliding_window=" +
                    python::str_prefix(window, kMaxQuotedBytes));
    }
    sliding_window_ = window.get<int64_t>();
  }
  // flash_attention picks a kernel, not a result; Keras leaves it out of get_config. Its one error (dropout
  // with flash attention) is Keras's at construction.
  if (python::truthy(args.take("flash_attention")) && has_dropout()) {
    throw_invalid("Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
                  "flash attention.");
  }
  kernel_initializer_ = serialize_initializer(args.take("kernel_initializer", "glorot_uniform"));
  bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  kernel_regularizer_ = serialize_regularizer(args.take("kernel_regularizer"));
  bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  kernel_constraint_ = serialize_constraint(args.take("kernel_constraint"));
  bias_constraint_ = serialize_constraint(args.take("bias_constraint"));
  seed_ = args.take("seed");
}

std::unique_ptr<EinsumDense> MultiHeadAttention::projection(const std::string& name, const std::string& equation,
                                                            const Json& output_shape,
                                                            const std::optional<std::string>& bias_axes,
                                                            const char* activation) const {
  Json config = {{"name", name},
                 {"equation", equation},
                 {"output_shape", output_shape},
                 {"bias_axes", bias_axes ? Json(*bias_axes) : Json()},
                 {"activation", activation ? Json(activation) : Json()},
                 {"dtype", base_.dtype_policy},
                 {"trainable", base_.trainable},
                 {"kernel_initializer", *kernel_initializer_},
                 {"bias_initializer", *bias_initializer_},
                 {"kernel_regularizer", *kernel_regularizer_},
                 {"bias_regularizer", *bias_regularizer_},
                 {"kernel_constraint", *kernel_constraint_},
                 {"bias_constraint", *bias_constraint_}};
  std::unique_ptr<Layer> layer = EinsumDense::from_config(*graph(), config);
  return std::unique_ptr<EinsumDense>(static_cast<EinsumDense*>(layer.release()));
}

void MultiHeadAttention::build_call(const std::vector<const KerasTensor*>& inputs, const CallArguments& args) {
  const Roles r = roles(args.keywords, inputs.size());
  const Shape& query = inputs[r.query]->shape();
  const Shape& value = inputs[r.value]->shape();
  const Shape& key = r.key ? inputs[*r.key]->shape() : value;
  for (const Shape* s : {&query, &value, &key}) {
    if (!s->has_rank() || s->rank() < 3) {
      throw Error(Status::Unsupported, std::string(class_name()) + ": inputs of rank 3 or more ((batch, steps, "
                                                                   "features)) are supported, got " + shape_text(*s));
    }
  }
  const std::vector<int64_t>& vd = value.dims();
  const std::vector<int64_t>& kd = key.dims();
  if (std::vector<int64_t>(vd.begin() + 1, vd.end() - 1) != std::vector<int64_t>(kd.begin() + 1, kd.end() - 1)) {
    throw_invalid("All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=" +
                  shape_text(value) + " and key_shape=" + shape_text(key));
  }
  build_projections(query, value, key);
}

void MultiHeadAttention::build_projections(const Shape& query, const Shape& value, const Shape& key) {
  const std::size_t qr = static_cast<std::size_t>(query.rank());
  const std::optional<std::string> none;
  auto bias = [&](const std::string& axes) { return use_bias_ ? std::optional<std::string>(axes) : none; };
  ProjEquation e = proj_equation(qr - 1, 1, 2);
  std::unique_ptr<EinsumDense> q = projection(
      "query", e.equation, partial_output_shape(e.output_rank - 1, {num_heads_, key_dim_}), bias(e.bias_axes), nullptr);
  q->build_for_shape(query);
  e = proj_equation(static_cast<std::size_t>(key.rank()) - 1, 1, 2);
  std::unique_ptr<EinsumDense> k = projection(
      "key", e.equation, partial_output_shape(e.output_rank - 1, {num_heads_, key_dim_}), bias(e.bias_axes), nullptr);
  k->build_for_shape(key);
  std::unique_ptr<EinsumDense> g;
  if (use_gate_) {
    e = proj_equation(qr - 1, 1, 2);
    g = projection("gate", e.equation, partial_output_shape(e.output_rank - 1, {num_heads_, value_dim_}),
                   bias(e.bias_axes), "sigmoid");
    g->build_for_shape(query);
  }
  e = proj_equation(static_cast<std::size_t>(value.rank()) - 1, 1, 2);
  std::unique_ptr<EinsumDense> v = projection(
      "value", e.equation, partial_output_shape(e.output_rank - 1, {num_heads_, value_dim_}), bias(e.bias_axes), nullptr);
  v->build_for_shape(value);
  // _build_attention: the attention axes of the rank-(value rank + 1) projections.
  const auto rank = static_cast<int64_t>(e.output_rank);
  std::vector<int64_t> axes;
  if (attention_axes_arg_.is_null()) {
    for (int64_t a = 1; a < rank - 2; ++a) axes.push_back(a);
  } else {
    for (const Json& a : attention_axes_arg_) {
      const int64_t axis = a.get<int64_t>();
      axes.push_back(axis >= 0 ? axis : (rank - 1) + axis);
    }
  }
  // Axes between the batch and the heads, each once (Keras's einsum equations assume it).
  std::vector<bool> seen(static_cast<std::size_t>(rank), false);
  for (int64_t axis : axes) {
    if (axis < 1 || axis > rank - 3 || seen[static_cast<std::size_t>(axis)]) {
      throw Error(Status::Unsupported, std::string(class_name()) + ": attention_axes " +
                                           python::repr_prefix(attention_axes_arg_, kMaxQuotedBytes) +
                                           " for inputs of rank " + std::to_string(rank - 1) +
                                           " (distinct axes between the batch and the features are supported)");
    }
    seen[static_cast<std::size_t>(axis)] = true;
  }
  if (axes.empty()) throw Error(Status::Unsupported, std::string(class_name()) + ": empty attention_axes");
  // _make_output_dense over (batch, ..., heads, value_dim).
  std::vector<Json> out_shape;
  if (python::truthy(output_shape_)) {
    for (const Json& d : output_shape_) out_shape.push_back(d);
  } else {
    out_shape.push_back(query.dims().back() < 0 ? Json() : Json(query.dims().back()));
  }
  e = proj_equation(qr - 1, 2, out_shape.size());
  std::unique_ptr<EinsumDense> o =
      projection("attention_output", e.equation, partial_output_shape(e.output_rank - 1, out_shape), bias(e.bias_axes),
                 nullptr);
  std::vector<int64_t> o_in = query.dims();
  o_in.back() = num_heads_;
  o_in.push_back(value_dim_);
  o->build_for_shape(Shape(o_in));
  // Keras's variable paths: <layer>/<projection>/<weight> (the .h5 and TensorFlow.js loaders match them).
  for (EinsumDense* dense : {q.get(), k.get(), v.get(), o.get(), g.get()}) {
    if (dense == nullptr) continue;
    for (Weight& w : dense->weights()) w.path = name() + "/" + w.path;
  }
  query_ = std::move(q);
  key_ = std::move(k);
  value_ = std::move(v);
  output_ = std::move(o);
  gate_ = std::move(g);
  attention_axes_ = std::move(axes);
}

std::vector<Layer::SubLayer> MultiHeadAttention::sublayers() const {
  if (!query_) return {};
  std::vector<SubLayer> out = {{"query_dense", query_.get()}, {"key_dense", key_.get()}};
  if (gate_) out.push_back({"_gate_dense", gate_.get()});
  out.push_back({"value_dense", value_.get()});
  out.push_back({"output_dense", output_.get()});
  return out;
}

std::vector<TypeSpec> MultiHeadAttention::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return compute_call_output_specs(inputs, CallArguments{});
}

// compute_output_spec: (*query_shape[:-1], *output_shape), and with return_attention_scores the scores'
// (batch, num_heads, query length, query length) as Keras states it.
std::vector<TypeSpec> MultiHeadAttention::compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                                    const CallArguments& args) const {
  return wrap_call_errors(class_name(), inputs, [&] {
    const Roles r = roles(args.keywords, inputs.size());
    const Shape& query = inputs[r.query]->shape();
    std::vector<int64_t> dims = query.dims();
    if (python::truthy(output_shape_)) {
      dims.pop_back();
      for (const Json& d : output_shape_) dims.push_back(d.get<int64_t>());
    }
    std::vector<TypeSpec> out{TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
    if (python::truthy(args.options.value("return_attention_scores", Json(false)))) {
      const int64_t length = query.dims()[1];
      out.push_back(TypeSpec::tensor(Shape(std::vector<int64_t>{query.dims()[0], num_heads_, length, length}),
                                     base_.compute_dtype()));
    }
    return out;
  });
}

Json MultiHeadAttention::build_config() const {
  if (!query_ || inbound_nodes().empty()) return nullptr;
  const Node& node = inbound_nodes().front();
  const Roles r = roles(node.keywords, node.inputs.size());
  Json shapes = {{"query_shape", node.inputs[r.query]->shape().to_json()},
                 {"value_shape", node.inputs[r.value]->shape().to_json()}};
  if (r.key) shapes["key_shape"] = node.inputs[*r.key]->shape().to_json();
  return Json{{"shapes_dict", shapes}};
}

void MultiHeadAttention::write_common(Json& config) const {
  config["kernel_initializer"] = *kernel_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  config["kernel_regularizer"] = *kernel_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  config["activity_regularizer"] = base_.activity_regularizer;
  config["kernel_constraint"] = *kernel_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  config["seed"] = seed_;
}

Json MultiHeadAttention::get_config() const {
  Json config = base_.to_json();
  config["num_heads"] = num_heads_;
  config["key_dim"] = key_dim_;
  config["value_dim"] = value_dim_;
  config["dropout"] = dropout_;
  config["use_bias"] = use_bias_;
  config["use_gate"] = use_gate_;
  config["output_shape"] = output_shape_;
  if (query_) {
    config["attention_axes"] = Json(attention_axes_);
  } else {
    config["attention_axes"] = attention_axes_arg_;
  }
  config["sliding_window"] = sliding_window_ ? Json(*sliding_window_) : Json();
  write_common(config);
  return config;
}

}  // namespace inlay::core
