#include "layers/prelu.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

int64_t axis_item(const Json& item, const Json& all) {
  if (item.is_boolean()) return item.get<bool>() ? 1 : 0;
  if (!item.is_number_integer()) throw_invalid("PReLU `shared_axes` must hold integers. Received: " + python::str(all));
  return item.get<int64_t>();
}

}  // namespace

std::unique_ptr<Layer> PReLU::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base =
      BaseLayerConfig::read(args, graph, {"alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"});
  std::unique_ptr<PReLU> layer(new PReLU(std::move(base)));
  layer->alpha_initializer_ = serialize_initializer(args.take("alpha_initializer", "Zeros"));
  layer->alpha_regularizer_ = serialize_regularizer(args.take("alpha_regularizer"));
  layer->alpha_constraint_ = serialize_constraint(args.take("alpha_constraint"));
  const Json shared = args.take("shared_axes");
  if (!shared.is_null()) {
    std::vector<int64_t> axes;
    if (shared.is_array()) {
      for (const Json& item : shared) axes.push_back(axis_item(item, shared));
    } else {
      axes.push_back(axis_item(shared, shared));  // not a list: [shared_axes]
    }
    layer->shared_axes_ = std::move(axes);
  }
  return layer;
}

void PReLU::build(const std::vector<const KerasTensor*>& inputs) {
  const Shape& shape = inputs.front()->shape();
  if (!shape.has_rank()) throw_invalid("PReLU needs an input of known rank");
  std::vector<int64_t> param(shape.dims().begin() + (shape.rank() > 0 ? 1 : 0), shape.dims().end());
  if (shared_axes_) {
    const auto n = static_cast<int64_t>(param.size());
    for (int64_t i : *shared_axes_) {
      int64_t at = i - 1;  // param_shape[i - 1] = 1, with Python's negative indexing
      if (at < 0) at += n;
      if (at < 0 || at >= n) throw_invalid("list assignment index out of range");
      param[static_cast<std::size_t>(at)] = 1;
    }
  }
  for (int64_t d : param) {
    if (d == kNoneDim) {
      throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: "
                    "shape=" + Shape(param).to_tuple_string() + " for variable path='" + name() + "/alpha'");
    }
  }
  add_weight("alpha", Shape(param), true);
  alpha_shape_ = std::move(param);
  input_rank_ = shape.rank();
  input_dims_ = shape.dims();
}

std::vector<InputSpec> PReLU::input_specs() const {
  // None before build; then InputSpec(ndim, axes of the unshared axes) when shared_axes is set, else ndim.
  if (!built()) return {};
  InputSpec spec;
  spec.ndim = input_rank_;
  if (shared_axes_ && !shared_axes_->empty()) {
    for (int i = 1; i < input_rank_; ++i) {
      bool is_shared = false;
      for (int64_t a : *shared_axes_) is_shared = is_shared || a == i;
      if (!is_shared) spec.axes[i] = input_dims_[static_cast<std::size_t>(i)];
    }
  }
  return {spec};
}

std::vector<TypeSpec> PReLU::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json PReLU::get_config() const {
  Json config = base_.to_json();
  config["alpha_initializer"] = *alpha_initializer_;
  config["alpha_regularizer"] = *alpha_regularizer_;
  config["alpha_constraint"] = *alpha_constraint_;
  if (shared_axes_) {
    config["shared_axes"] = *shared_axes_;
  } else {
    config["shared_axes"] = nullptr;
  }
  return config;
}

}  // namespace inlay::core
