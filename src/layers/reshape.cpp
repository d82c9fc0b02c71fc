#include "layers/reshape.hpp"

#include <string>

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// operation_utils.validate_reshape_shape
void validate_reshape_shape(const Json& target) {
  int unknown = 0;
  for (const Json& dim : target) {
    if (!python::is_int(dim)) continue;
    const int64_t value = python::int_value(dim);
    if (value < -1) {
      throw_invalid("Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single unknown "
                    "dimension. Received: target_shape=" +
                    python::repr_prefix(target, kMaxQuotedBytes, python::Sequence::Tuple) + ".");
    }
    if (value == -1) ++unknown;
  }
  if (unknown > 1) {
    throw_invalid("There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape=" +
                  python::repr_prefix(target, kMaxQuotedBytes, python::Sequence::Tuple) + ".");
  }
}

}  // namespace

std::unique_ptr<Layer> Reshape::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("target_shape")) {
    throw_invalid("Reshape.__init__() missing 1 required positional argument: 'target_shape'");
  }
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"target_shape"});
  std::unique_ptr<Reshape> layer(new Reshape(std::move(base)));
  layer->target_json_ = python::tuple_items(args.take("target_shape"));
  validate_reshape_shape(layer->target_json_);
  check_shape_rank(layer->target_json_.size() + 1, "Reshape's output (target_shape and the batch dimension)");
  for (const Json& dim : layer->target_json_) {
    layer->target_shape_.push_back(python::is_int(dim) ? std::optional<int64_t>(python::int_value(dim)) : std::nullopt);
  }
  return layer;
}

// compute_output_shape: (input_shape[0], *compute_reshape_output_shape(input_shape[1:], target_shape)).
std::vector<TypeSpec> Reshape::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> Reshape::infer(const std::vector<const KerasTensor*>& inputs) const {
  // Reshape has no input_spec: a list of tensors reaches compute_output_spec as a list.
  if (inputs.size() != 1) throw_invalid("'list' object has no attribute 'shape'");
  const KerasTensor& x = *inputs.front();
  if (!x.shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
  const std::vector<int64_t>& in = x.shape().dims();
  if (in.empty()) throw_invalid("tuple index out of range");
  const std::vector<int64_t> non_batch(in.begin() + 1, in.end());

  bool dynamic = false;
  for (int64_t d : non_batch) dynamic = dynamic || d == kNoneDim;
  for (const auto& d : target_shape_) dynamic = dynamic || !d.has_value();

  std::vector<int64_t> out = {in.front()};
  if (dynamic) {
    for (const auto& d : target_shape_) out.push_back(d.has_value() && *d != -1 ? *d : kNoneDim);
  } else {
    // The target as Keras prints it here: non-int entries became None, bools stay bools.
    Json printed = Json::array();
    for (const Json& dim : target_json_) printed.push_back(python::is_int(dim) ? dim : Json());
    const std::string received = "Received: input_shape=" + Shape(non_batch).to_tuple_string() +
                                 ", target_shape=" + python::repr(printed, python::Sequence::Tuple);
    const int64_t input_size = *Shape(non_batch).num_elements();
    std::vector<int64_t> known;
    std::optional<std::size_t> unknown_index;
    for (std::size_t i = 0; i < target_shape_.size(); ++i) {
      if (*target_shape_[i] == -1) {
        unknown_index = i;
      } else {
        known.push_back(*target_shape_[i]);
      }
    }
    const int64_t known_size = *Shape(known).num_elements();
    if (!unknown_index) {
      if (input_size != known_size) throw_invalid("The total size of the tensor must be unchanged. " + received);
    } else if (known_size == 0 || input_size % known_size != 0) {
      throw_invalid("The total size of the tensor must be unchanged, however, the input size cannot by divided by the "
                    "specified dimensions in target_shape. " + received);
    }
    for (std::size_t i = 0; i < target_shape_.size(); ++i) {
      out.push_back(unknown_index == i ? input_size / known_size : *target_shape_[i]);
    }
  }
  const Shape shape(std::move(out));
  const DType dtype = is_floating(x.dtype()) ? base_.compute_dtype() : x.dtype();
  if (x.sparse()) return {TypeSpec::sparse(shape, dtype)};
  return {TypeSpec::tensor(shape, dtype)};
}

Json Reshape::get_config() const {
  Json config = base_.to_json();
  config["target_shape"] = target_json_;
  return config;
}

}  // namespace inlay::core
