#include "graph/input_layer.hpp"

#include <memory>

#include "util/error.hpp"
#include "util/logging.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

bool is_none(const Json& value) { return value.is_null(); }

// Python's `a != b` between a shape argument (a tuple from JSON) and a tensor's dims.
bool differs(const Json& shape, const Shape& dims, std::size_t offset = 0) {
  if (!shape.is_array() || !dims.has_rank()) return true;
  if (shape.size() + offset != static_cast<std::size_t>(dims.rank())) return true;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (!python::equals_dim(shape[i], dims[i + offset])) return true;
  }
  return false;
}

[[noreturn]] void incompatible_with_tensor(const char* argument) {
  throw_invalid(std::string("When providing the `input_tensor` argument, you cannot provide an incompatible `") +
                argument + "` argument.");
}

// The checks Keras 3 makes when input_tensor is given, in its order.
void check_against_tensor(const InputLayerArgs& args, const KerasTensor& tensor) {
  const Shape& shape = tensor.shape();
  if (!is_none(args.batch_size)) {
    if (shape.rank() < 1 || !python::equals_dim(args.batch_size, shape[0])) incompatible_with_tensor("batch_size");
  }
  if (!is_none(args.shape) && differs(args.shape, shape, 1)) incompatible_with_tensor("shape");
  if (!is_none(args.batch_shape) && differs(args.batch_shape, shape)) incompatible_with_tensor("batch_shape");
  if (!is_none(args.dtype) && args.dtype != std::string(dtype_name(tensor.dtype()))) incompatible_with_tensor("dtype");
  if (!is_none(args.sparse) && !python::equals_bool(args.sparse, tensor.sparse())) incompatible_with_tensor("sparse");
}

// tf.keras: with type_spec, every other argument but name (and optional) must be None.
void check_type_spec_alone(const InputLayerArgs& args) {
  const std::pair<const char*, bool> others[] = {
      {"(input_)shape", !is_none(args.shape) || !is_none(args.batch_shape)},
      {"batch_size", !is_none(args.batch_size)},
      {"dtype", !is_none(args.dtype)},
      {"input_tensor", args.input_tensor != nullptr},
      {"sparse", !is_none(args.sparse)},
      {"ragged", !is_none(args.ragged)},
  };
  for (const auto& [name, given] : others) {
    if (given) {
      throw_invalid(std::string("When `type_spec` is not None, all other args except `name` must be None, but ") +
                    name + " is not None.");
    }
  }
}

// The batch shape of a new placeholder from shape / batch_size / batch_shape (Keras 3's else branch).
Shape placeholder_batch_shape(const InputLayerArgs& args) {
  if (!is_none(args.shape) && !is_none(args.batch_shape)) {
    throw_invalid("You cannot pass both `shape` and `batch_shape` at the same time.");
  }
  if (!is_none(args.batch_size) && !is_none(args.batch_shape)) {
    throw_invalid("You cannot pass both `batch_size` and `batch_shape` at the same time.");
  }
  if (is_none(args.shape) && is_none(args.batch_shape)) throw_invalid("You must pass a `shape` argument.");
  // A caller's JSON array is a Python list, and Keras's messages quote the list it was given ('[-1]'); the
  // shapes built here are tuples, as Keras builds them.
  if (is_none(args.shape)) return standardize_shape(args.batch_shape, python::Sequence::List);
  // tf.keras (and R's keras3) read an int shape as a one-dimensional shape (a tuple); Keras 3 raises instead.
  const bool int_shape = args.shape.is_number_integer() && !args.shape.is_boolean();
  const Shape dims = int_shape ? standardize_shape(Json::array({args.shape}))
                               : standardize_shape(args.shape, python::Sequence::List);
  Json batch_shape = Json::array({args.batch_size});
  for (const Json& d : dims.to_json()) batch_shape.push_back(d);
  return standardize_shape(batch_shape);
}

// tf.keras's placeholder(): the ragged dimensions are the None ones, so ragged_rank is the index of the
// last None dimension after the batch dimension (0 if there is none).
int ragged_rank_of(const Shape& batch_shape) {
  int ragged_rank = 0;
  for (int i = 1; i < batch_shape.rank(); ++i) {
    if (batch_shape[i] == kNoneDim) ragged_rank = i;
  }
  return ragged_rank;
}

TypeSpec placeholder_spec(const Shape& batch_shape, DType dtype, bool sparse, bool ragged, const std::string& name) {
  if (sparse) return TypeSpec::sparse(batch_shape, dtype);
  if (ragged) return TypeSpec::ragged(batch_shape, dtype, ragged_rank_of(batch_shape));
  return TypeSpec::tensor(batch_shape, dtype, name);
}

// A dense spec carries its tensor's name; the others have none.
TypeSpec renamed(const TypeSpec& spec, const std::string& name) {
  if (spec.kind() != SpecKind::Tensor) return spec;
  return TypeSpec::tensor(spec.shape(), spec.dtype(), name);
}

}  // namespace

bool InputLayerArgs::set_keyword(const std::string& key, const Json& value) {
  if (key == "shape") shape = value;
  else if (key == "batch_size") batch_size = value;
  else if (key == "dtype") dtype = value;
  else if (key == "sparse") sparse = value;
  else if (key == "ragged") ragged = value;
  else if (key == "batch_shape") batch_shape = value;
  else if (key == "name") name = value;
  else if (key == "optional") optional = value;
  else if (key == "input_shape") {
    input_shape = value;
    has_input_shape = true;
  } else if (key == "batch_input_shape") {
    batch_input_shape = value;
    has_batch_input_shape = true;
  } else if (key == "type_spec") {
    if (value.is_null()) type_spec.reset();
    else type_spec = TypeSpec::from_json(value);
  } else {
    return false;
  }
  return true;
}

InputLayerArgs InputLayerArgs::from_config(const Json& config) {
  if (!config.is_null() && !config.is_object()) {
    throw Error(Status::ParseError,
                "An InputLayer config must be a JSON object, got " + dump_prefix(config, kMaxQuotedBytes));
  }
  InputLayerArgs args;
  if (config.is_null()) return args;
  Json unknown = Json::array();
  for (const auto& [key, value] : config.items()) {
    if (!args.set_keyword(key, value)) unknown.push_back(key);
  }
  if (!unknown.empty()) {
    throw_invalid("Unrecognized keyword arguments: " + python::repr_prefix(unknown, kMaxQuotedBytes));
  }
  return args;
}

InputLayer& InputLayer::create(Graph& graph, InputLayerArgs args) {
  // tf.keras's Input() names the layer after a named type_spec.
  if (is_none(args.name) && args.type_spec && args.type_spec->name()) args.name = *args.type_spec->name();
  // Operation.__init__ runs first: an auto-name is taken even if a later check fails, as in Keras.
  const std::string name = is_none(args.name) ? graph.auto_name(kClassName) : validate_layer_name(args.name);

  // Keras 3 pops the deprecated spellings out of **kwargs; they win over shape / batch_shape.
  if (args.has_input_shape) args.shape = args.input_shape;
  if (args.has_batch_input_shape) args.batch_shape = args.batch_input_shape;

  auto layer = std::unique_ptr<InputLayer>(new InputLayer(name));
  if (args.type_spec) {
    check_type_spec_alone(args);
    layer->batch_shape_ = args.type_spec->shape();
    layer->dtype_ = args.type_spec->dtype();
    layer->sparse_ = args.type_spec->kind() == SpecKind::Sparse;
    layer->ragged_ = args.type_spec->kind() == SpecKind::Ragged;
    layer->init_type_spec_ = args.type_spec;
  } else if (args.input_tensor != nullptr) {
    if (!graph.owns(args.input_tensor)) throw_invalid("Argument `input_tensor` belongs to another graph.");
    check_against_tensor(args, *args.input_tensor);
    const KerasTensor& tensor = *args.input_tensor;
    if (!tensor.shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
    layer->batch_shape_ = tensor.shape();
    layer->dtype_ = tensor.dtype();
    layer->sparse_ = tensor.sparse();
    layer->ragged_ = python::truthy(args.ragged);  // Keras 3 takes ragged from the argument, not the tensor
  } else {
    layer->batch_shape_ = placeholder_batch_shape(args);
    layer->dtype_ = standardize_dtype(args.dtype);
    layer->sparse_ = python::truthy(args.sparse);
    layer->ragged_ = python::truthy(args.ragged);
    // KerasTensor.__init__
    if (layer->sparse_ && layer->ragged_) {
      throw_invalid("KerasTensor cannot have `sparse=True` and `ragged=True` at the same time.");
    }
  }
  layer->optional_ = args.optional;

  KerasTensor* output = args.input_tensor;
  if (output == nullptr) {
    // Build the spec before taking the tensor's auto-name: nothing may change once a check has failed.
    const bool explicit_name = args.name.is_string() && !args.name.get<std::string>().empty();
    const std::string probe_name = explicit_name ? args.name.get<std::string>() : std::string();
    TypeSpec tensor_spec = args.type_spec ? *args.type_spec
                                          : placeholder_spec(layer->batch_shape_, layer->dtype_, layer->sparse_,
                                                             layer->ragged_, probe_name);
    // KerasTensor(name=name): `name or auto_name("KerasTensor")`
    const std::string tensor_name = explicit_name ? probe_name : graph.auto_name("KerasTensor");
    output = &graph.add_tensor(renamed(tensor_spec, tensor_name), tensor_name);
  }
  InputLayer& added = static_cast<InputLayer&>(graph.add_layer(std::move(layer)));
  added.add_node({}, {output});
  log().debug("InputLayer '{}' -> {} {}", added.name(), output->name(), output->spec().repr());
  return added;
}

std::vector<TypeSpec> InputLayer::compute_output_specs(const std::vector<const KerasTensor*>&) const {
  throw_invalid("InputLayer '" + name() + "' cannot be called on tensors; use its output instead.");
}

Json InputLayer::get_config() const {
  // A layer made from a type_spec is described by it, as tf.keras does (Keras 3 has no type_spec).
  if (init_type_spec_) return {{"name", name()}, {"type_spec", init_type_spec_->to_json()}, {"optional", optional_}};
  return {{"batch_shape", batch_shape_.to_json()},
          {"dtype", dtype_name(dtype_)},
          {"sparse", sparse_},
          {"ragged", ragged_},
          {"name", name()},
          {"optional", optional_}};
}

}  // namespace inlay::core
