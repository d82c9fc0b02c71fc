#include "layers/cropping_base.hpp"

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

void CroppingBase::set_data_format(const Json& value) { data_format_ = conv_utils::standardize_data_format(value); }

void CroppingBase::set_cropping(Json config_json, Json nested) {
  cropping_json_ = std::move(config_json);
  nested_json_ = std::move(nested);
  cropping_ = margin_values(nested_json_);
}

std::vector<InputSpec> CroppingBase::input_specs() const {
  InputSpec spec;
  spec.ndim = rank_ + 2;
  return {spec};
}

std::vector<TypeSpec> CroppingBase::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(class_name(), inputs, [&] { return infer(inputs); });
}

void CroppingBase::throw_too_large(const Json& input_shape) const {
  // self.cropping is a tuple (Cropping1D) or a tuple of tuples.
  std::string cropping = python::repr(cropping_json_, python::Sequence::Tuple);
  if (rank_ > 1) {
    cropping = "(";
    for (std::size_t i = 0; i < nested_json_.size(); ++i) {
      cropping += (i > 0 ? ", " : "") + python::repr(nested_json_[i], python::Sequence::Tuple);
    }
    cropping += ")";
  }
  const std::string received =
      "Received: input_shape=" + python::repr(input_shape, python::Sequence::Tuple) + ", cropping=" + cropping;
  if (rank_ == 1) {
    throw_invalid("`cropping` parameter of `Cropping1D` layer must be smaller than the input length. " + received);
  }
  throw_invalid("Values in `cropping` argument should be smaller than the corresponding spatial dimension of the "
                "input. " + received);
}

std::vector<TypeSpec> CroppingBase::infer(const std::vector<const KerasTensor*>& inputs) const {
  std::vector<int64_t> dims = inputs.front()->shape().dims();
  Json input_shape = Json::array();
  for (int64_t d : dims) input_shape.push_back(d == kNoneDim ? Json() : Json(d));
  // Keras computes `dim - before - after` on the known spatial dims and refuses a result <= 0. A float
  // cropping (Keras keeps one) cannot slice a tensor: refused as an invalid cropping.
  if (has_float_margin(nested_json_)) {
    throw_invalid("slice indices must be integers or None or have an __index__ method");
  }
  const std::size_t offset = channels_first() ? 2 : 1;
  for (std::size_t i = 0; i < static_cast<std::size_t>(rank_); ++i) {
    int64_t& d = dims[offset + i];
    if (d == kNoneDim) continue;
    // Both margins are >= 0 (standardize_tuple / the negative check): their sum compared without overflow.
    const int64_t before = cropping_[i][0], after = cropping_[i][1];
    if (before >= d || after >= d - before) throw_too_large(input_shape);
    d -= before + after;
  }
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json CroppingBase::get_config() const {
  Json config = base_.to_json();
  config["cropping"] = cropping_json_;
  if (has_data_format_) config["data_format"] = data_format_;
  return config;
}

}  // namespace inlay::core
