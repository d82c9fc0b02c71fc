#include "layers/up_sampling_base.hpp"

#include <algorithm>
#include <cctype>

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "layers/spatial_margins.hpp"
#include "util/error.hpp"

namespace inlay::core {

void UpSamplingBase::set_data_format(const Json& value) { data_format_ = conv_utils::standardize_data_format(value); }

void UpSamplingBase::set_size(Json config_json, Json factors) {
  size_json_ = std::move(config_json);
  factors_ = std::move(factors);
  size_ = conv_utils::to_ints(factors_);
}

void UpSamplingBase::set_interpolation(const Json& value) {
  if (!value.is_string()) {
    throw_invalid("'" + python::bare_type_name(value) + "' object has no attribute 'lower'");
  }
  interpolation_ = value.get<std::string>();
  std::transform(interpolation_.begin(), interpolation_.end(), interpolation_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

std::vector<InputSpec> UpSamplingBase::input_specs() const {
  InputSpec spec;
  spec.ndim = rank_ + 2;
  return {spec};
}

std::vector<TypeSpec> UpSamplingBase::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(class_name(), inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> UpSamplingBase::infer(const std::vector<const KerasTensor*>& inputs) const {
  std::vector<int64_t> dims = inputs.front()->shape().dims();
  Json shape = Json::array();
  for (int64_t d : dims) shape.push_back(d == kNoneDim ? Json() : Json(d));
  // `size * dim` on the known spatial dims, as Python computes it (a float factor gives a float dim).
  const std::size_t offset = channels_first() ? 2 : 1;
  for (std::size_t i = 0; i < static_cast<std::size_t>(rank_); ++i) {
    int64_t& d = dims[offset + i];
    if (d == kNoneDim) continue;
    const Json& factor = factors_[i];
    if (factor.is_number_float()) {
      shape[offset + i] = factor.get<double>() * static_cast<double>(d);
      continue;
    }
    if (__builtin_mul_overflow(d, size_[i], &d)) {
      throw_invalid("Cannot convert the output shape of " + std::string(class_name()) + " to a shape: dimension " +
                    std::to_string(inputs.front()->shape().dims()[offset + i]) + " * " + std::to_string(size_[i]) +
                    " overflows int64.");
    }
    shape[offset + i] = d;
  }
  check_output_shape(shape);
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json UpSamplingBase::get_config() const {
  Json config = base_.to_json();
  config["size"] = size_json_;
  if (has_data_format_) config["data_format"] = data_format_;
  if (has_interpolation_) config["interpolation"] = interpolation_;
  return config;
}

}  // namespace inlay::core
