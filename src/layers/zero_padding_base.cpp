#include "layers/zero_padding_base.hpp"

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

BaseLayerConfig ZeroPaddingBase::read_base(LayerArgs& args, Graph& graph) {
  return BaseLayerConfig::read(args, graph, {"padding", "data_format"});
}

void ZeroPaddingBase::set_data_format(const Json& value) { data_format_ = conv_utils::standardize_data_format(value); }

void ZeroPaddingBase::set_padding(Json config_json, Json nested) {
  padding_json_ = std::move(config_json);
  nested_json_ = std::move(nested);
  padding_ = margin_values(nested_json_);
}

std::vector<InputSpec> ZeroPaddingBase::input_specs() const {
  InputSpec spec;
  spec.ndim = rank_ + 2;
  return {spec};
}

std::vector<TypeSpec> ZeroPaddingBase::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(class_name(), inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> ZeroPaddingBase::infer(const std::vector<const KerasTensor*>& inputs) const {
  std::vector<int64_t> dims = inputs.front()->shape().dims();
  // The output shape as Python computes it: `dim += before + after` on the known spatial dims.
  Json shape = Json::array();
  for (int64_t d : dims) shape.push_back(d == kNoneDim ? Json() : Json(d));
  const std::size_t offset = channels_first() ? 2 : 1;
  for (std::size_t i = 0; i < static_cast<std::size_t>(rank_); ++i) {
    if (dims[offset + i] == kNoneDim) continue;
    const Json& before = nested_json_[i][0];
    const Json& after = nested_json_[i][1];
    if (before.is_number_float() || after.is_number_float()) {
      shape[offset + i] = static_cast<double>(dims[offset + i]) +
                          (conv_utils::py_number(before) + conv_utils::py_number(after));
      continue;
    }
    // Python's ints do not overflow; int64 dims do: a padding near 2^63 gives a dim no shape can hold.
    int64_t padded = 0;
    if (__builtin_add_overflow(dims[offset + i], padding_[i][0], &padded) ||
        __builtin_add_overflow(padded, padding_[i][1], &padded)) {
      throw_invalid("Cannot convert the output shape of " + std::string(class_name()) + " to a shape: dimension " +
                    std::to_string(dims[offset + i]) + " + " + std::to_string(padding_[i][0]) + " + " +
                    std::to_string(padding_[i][1]) + " overflows int64.");
    }
    dims[offset + i] = padded;
    shape[offset + i] = padded;
  }
  check_output_shape(shape);
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json ZeroPaddingBase::get_config() const {
  Json config = base_.to_json();
  config["padding"] = padding_json_;
  config["data_format"] = data_format_;
  return config;
}

}  // namespace inlay::core
