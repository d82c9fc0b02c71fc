#include "layers/spatial_margins.hpp"

#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace {

const char* ordinal(int i) {
  static const char* const kOrdinals[] = {"1st", "2nd", "3rd"};
  return kOrdinals[i];
}

}  // namespace

Json standardize_margins(const Json& value, int rank, const std::string& name, const MarginMessages& messages) {
  if (value.is_number_integer() || value.is_boolean()) {  // isinstance(value, int)
    Json nested = Json::array();
    for (int i = 0; i < rank; ++i) nested.push_back(Json::array({value, value}));
    return nested;
  }
  if (!value.is_array() && !value.is_string() && !value.is_object()) throw_invalid(messages.wrong_type);
  if (value.size() != static_cast<std::size_t>(rank) &&
      !(value.is_string() && value.get<std::string>().size() == static_cast<std::size_t>(rank))) {
    throw_invalid(messages.wrong_length);
  }
  if (value.is_object()) throw_invalid("0");  // value[0] of a dict: KeyError(0)
  Json nested = Json::array();
  for (int i = 0; i < rank; ++i) {
    const Json entry = value.is_string() ? Json(std::string(1, value.get<std::string>()[static_cast<std::size_t>(i)]))
                                         : value[static_cast<std::size_t>(i)];
    nested.push_back(conv_utils::standardize_tuple(entry, 2, std::string(ordinal(i)) + " entry of " + name, true));
  }
  return nested;
}

AxisMargins margin_values(const Json& nested) {
  AxisMargins margins;
  for (const Json& axis : nested) margins.push_back({conv_utils::to_int(axis[0]), conv_utils::to_int(axis[1])});
  return margins;
}

bool has_float_margin(const Json& nested) {
  for (const Json& axis : nested) {
    for (const Json& v : axis) {
      if (v.is_number_float()) return true;
    }
  }
  return false;
}

void check_output_shape(const Json& shape) {
  for (const Json& d : shape) {
    if (d.is_number_float()) {
      throw_invalid("Cannot convert '" + python::repr(shape, python::Sequence::Tuple) + "' to a shape. Found invalid "
                    "dimension '" + python::repr(d) + "' of type '<class 'float'>'. ");
    }
    if (d.is_number_integer() && d.get<int64_t>() < 0) {
      throw_invalid("Cannot convert '" + python::repr(shape, python::Sequence::Tuple) +
                    "' to a shape. Negative dimensions are not allowed.");
    }
  }
}

}  // namespace inlay::core
