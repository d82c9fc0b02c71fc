#include "layers/time_distributed.hpp"

#include "layers/registry.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Wrapper.from_config: deserialize_keras_object(config["layer"]). Only a serialized Keras layer is a layer;
// models used as the wrapped layer are built by the model loader and are not supported inside a wrapper yet.
Layer& inner_from_config(Graph& graph, const Json& entry) {
  if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string()) {
    throw_invalid("Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: " +
                  python::str_prefix(entry, kMaxQuotedBytes));
  }
  const std::string cls = entry["class_name"].get<std::string>();
  if (cls == "Functional" || cls == "Sequential" || cls == "Model") {
    throw Error(Status::Unsupported, "TimeDistributed: a wrapped " + cls + " model is not supported yet");
  }
  if (const Json module = entry.value("module", Json()); module.is_string() && is_op_module(module.get<std::string>())) {
    throw_invalid("Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: " + cls);
  }
  return create_layer(graph, cls, entry.value("config", Json::object()));
}

std::string python_shape(const Shape& shape) { return shape.to_tuple_string(); }

}  // namespace

std::unique_ptr<Layer> TimeDistributed::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Keras's from_config pops the wrapped layer first (a KeyError without it), deserializes it, then calls
  // __init__.
  if (!args.has("layer")) throw_invalid("'layer'");
  const Json entry = args.take("layer");
  Layer& inner = inner_from_config(graph, entry);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"layer"});
  return std::unique_ptr<Layer>(new TimeDistributed(std::move(base), &inner));
}

void TimeDistributed::build(const std::vector<const KerasTensor*>& inputs) {
  // _get_child_input_shape, raised in build (unwrapped).
  const Shape& shape = inputs.front()->shape();
  if (!shape.has_rank() || shape.rank() < 3) {
    throw_invalid("`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: " +
                  python_shape(shape));
  }
}

std::vector<TypeSpec> TimeDistributed::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const KerasTensor& x = *inputs.front();
  const std::vector<int64_t>& dims = x.shape().dims();
  // The inner layer runs on (batch * steps, ...) rows at run time: its batch dimension is left None.
  std::vector<int64_t> child = {kNoneDim};
  child.insert(child.end(), dims.begin() + 2, dims.end());
  Graph& graph = *this->graph();
  // Named outside Keras's keras_tensor_<n> sequence: Keras makes no tensor here.
  const std::string child_name = name() + "/child_input";
  KerasTensor& child_input = graph.add_tensor(TypeSpec::tensor(Shape(child), x.dtype(), child_name), child_name);
  const std::vector<KerasTensor*> child_outputs = inner_->call({&child_input});
  if (child_outputs.size() != 1) {
    throw Error(Status::Unsupported, "TimeDistributed: a wrapped layer with " + std::to_string(child_outputs.size()) +
                                         " outputs is not supported");
  }
  if (!weights_renamed_) {
    // Keras creates the inner variables under the wrapper's name scope (a wrapped RNN's cell weights too).
    for (Weight* w : all_weights(*inner_)) w->path = name() + "/" + w->path;
    weights_renamed_ = true;
  }
  const TypeSpec& spec = child_outputs.front()->spec();
  std::vector<int64_t> out = {dims[0], dims[1]};
  const std::vector<int64_t>& inner_dims = spec.shape().dims();
  out.insert(out.end(), inner_dims.begin() + 1, inner_dims.end());
  return {TypeSpec::tensor(Shape(std::move(out)), spec.dtype())};
}

const Node& TimeDistributed::inner_node(const Node& node) const {
  // Each call of this layer called the inner layer once, in the same order.
  const auto& outer = inbound_nodes();
  const auto& inner = inner_->inbound_nodes();
  for (std::size_t i = 0; i < outer.size(); ++i) {
    if (outer[i].id == node.id) {
      if (i < inner.size()) return inner[i];
      break;
    }
  }
  throw Error(Status::InternalError, "TimeDistributed '" + name() + "': no inner node for this call");
}

Json TimeDistributed::get_config() const {
  Json config = base_.to_json();
  Json layer = {{"module", inner_->module()},
                {"class_name", inner_->class_name()},
                {"config", inner_->get_config()},
                {"registered_name", inner_->registered_name()}};
  if (Json build = inner_->build_config(); !build.is_null()) {
    // Keras builds the wrapped layer on (batch, ...): the batch dimension of this layer's first input (the
    // inner node here has None there, see compute_output_specs).
    const KerasTensor* first = inbound_nodes().empty() ? nullptr : inbound_nodes().front().inputs.front();
    if (first != nullptr && first->shape().has_rank() && build.contains("input_shape") &&
        build["input_shape"].is_array() && !build["input_shape"].empty()) {
      const int64_t batch = first->shape().dims()[0];
      build["input_shape"][0] = batch == kNoneDim ? Json() : Json(batch);
    }
    layer["build_config"] = build;
  }
  config["layer"] = layer;
  return config;
}

}  // namespace inlay::core
