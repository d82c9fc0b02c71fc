#include "layers/group_query_attention.hpp"

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace {

// head_dim, num_query_heads, num_key_value_heads: Keras takes them as given (ints); inlay needs positive ints.
int64_t count_argument(const Json& value, const char* argument) {
  if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
    throw Error(Status::Unsupported, std::string("GroupQueryAttention: ") + argument + " must be a positive int, got " +
                                         python::repr_prefix(value, kMaxQuotedBytes));
  }
  return value.get<int64_t>();
}

}  // namespace

std::unique_ptr<Layer> GroupQueryAttention::from_config(Graph& graph, const Json& config) {
  // Keras's Python class is GroupedQueryAttention (registered as GroupQueryAttention): its auto-names
  // ("grouped_query_attention") and __init__ messages say so.
  LayerArgs args("GroupedQueryAttention", config);
  const Json head_dim = args.require("head_dim");
  const Json query_heads = args.require("num_query_heads");
  const Json kv_heads = args.require("num_key_value_heads");
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"head_dim", "num_query_heads", "num_key_value_heads", "dropout", "use_bias", "sliding_window",
       "flash_attention", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
       "kernel_constraint", "bias_constraint", "use_gate", "seed"});
  const int64_t u = count_argument(query_heads, "num_query_heads");
  const int64_t v = count_argument(kv_heads, "num_key_value_heads");
  if (u % v != 0) throw_invalid("`num_query_heads` must be divisible by `num_key_value_heads`.");
  std::unique_ptr<GroupQueryAttention> layer(new GroupQueryAttention(std::move(base)));
  layer->num_heads_ = u;
  layer->kv_heads_ = v;
  layer->key_dim_ = layer->value_dim_ = count_argument(head_dim, "head_dim");
  layer->read_common(args);
  return layer;
}

void GroupQueryAttention::build_projections(const Shape& query, const Shape& value, const Shape& key) {
  for (const Shape* s : {&query, &value, &key}) {
    if (s->rank() != 3) {
      throw Error(Status::Unsupported, "GroupQueryAttention: inputs of rank 3 ((batch, steps, features)) are "
                                       "supported, got " + s->to_tuple_string());
    }
  }
  const std::optional<std::string> none;
  auto bias = [&](const char* axes) { return use_bias_ ? std::optional<std::string>(axes) : none; };
  const Json per_query = Json::array({nullptr, num_heads_, key_dim_});
  const Json per_kv = Json::array({nullptr, kv_heads_, key_dim_});
  std::unique_ptr<EinsumDense> q = projection("query", "bqm,muh->bquh", per_query, bias("uh"), nullptr);
  q->build_for_shape(query);
  std::unique_ptr<EinsumDense> k = projection("key", "bkm,mvh->bkvh", per_kv, bias("vh"), nullptr);
  k->build_for_shape(key);
  std::unique_ptr<EinsumDense> g;
  if (use_gate_) {
    g = projection("gate", "bqm,muh->bquh", per_query, bias("uh"), "sigmoid");
    g->build_for_shape(query);
  }
  std::unique_ptr<EinsumDense> v = projection("value", "bkm,mvh->bkvh", per_kv, bias("vh"), nullptr);
  v->build_for_shape(value);
  const int64_t features = query.dims().back();
  std::unique_ptr<EinsumDense> o = projection("attention_output", "bquh,uhm->bqm",
                                              Json::array({nullptr, features < 0 ? Json() : Json(features)}),
                                              bias("m"), nullptr);
  o->build_for_shape(Shape(std::vector<int64_t>{-1, -1, num_heads_, key_dim_}));
  for (EinsumDense* dense : {q.get(), k.get(), v.get(), o.get(), g.get()}) {
    if (dense == nullptr) continue;
    for (Weight& w : dense->weights()) w.path = name() + "/" + w.path;
  }
  query_ = std::move(q);
  key_ = std::move(k);
  value_ = std::move(v);
  output_ = std::move(o);
  gate_ = std::move(g);
  attention_axes_ = {1};
}

std::vector<Layer::SubLayer> GroupQueryAttention::sublayers() const {
  if (!query_) return {};
  std::vector<SubLayer> out = {{"_query_dense", query_.get()}, {"_key_dense", key_.get()}};
  if (gate_) out.push_back({"_gate_dense", gate_.get()});
  out.push_back({"_value_dense", value_.get()});
  out.push_back({"_output_dense", output_.get()});
  return out;
}

// compute_output_shape: the query's shape (after its checks); the scores are (batch, num_query_heads, query
// steps, key steps).
std::vector<TypeSpec> GroupQueryAttention::compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                                     const CallArguments& args) const {
  return wrap_call_errors("GroupedQueryAttention", inputs, [&] {
    const Roles r = roles(args.keywords, inputs.size());
    const Shape& query = inputs[r.query]->shape();
    const Shape& value = inputs[r.value]->shape();
    const Shape& key = r.key ? inputs[*r.key]->shape() : value;
    if (query.dims().back() != value.dims().back()) {
      auto dim = [](int64_t d) { return d < 0 ? std::string("None") : std::to_string(d); };
      throw_invalid("The last dimension of `query_shape` and `value_shape` must be equal, but are " +
                    dim(query.dims().back()) + ", " + dim(value.dims().back()) + ". Received: query_shape=" +
                    query.to_tuple_string() + ", value_shape=" + value.to_tuple_string());
    }
    std::vector<TypeSpec> out{TypeSpec::tensor(query, base_.compute_dtype())};
    if (python::truthy(args.options.value("return_attention_scores", Json(false)))) {
      out.push_back(TypeSpec::tensor(
          Shape(std::vector<int64_t>{query.dims()[0], num_heads_, query.dims()[1], key.dims()[1]}),
          base_.compute_dtype()));
    }
    return out;
  });
}

Json GroupQueryAttention::get_config() const {
  Json config = base_.to_json();
  config["head_dim"] = key_dim_;
  config["num_query_heads"] = num_heads_;
  config["num_key_value_heads"] = kv_heads_;
  config["use_bias"] = use_bias_;
  config["use_gate"] = use_gate_;
  config["sliding_window"] = sliding_window_ ? Json(*sliding_window_) : Json();
  config["dropout"] = dropout_;
  write_common(config);
  return config;
}

}  // namespace inlay::core
