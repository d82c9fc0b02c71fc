#include "layers/quantized_config.hpp"

#include <string>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// The quantized policy a layer's "dtype" names, or "" for a float one.
std::string quantized_policy(const Json& dtype) {
  if (dtype.is_object() && dtype.value("class_name", Json()).is_string()) {
    const std::string class_name = dtype["class_name"].get<std::string>();
    // Float policies: Keras 3's DTypePolicy (FloatDTypePolicy before 3.6), tf.keras's mixed precision Policy.
    const bool float_policy = class_name == "DTypePolicy" || class_name == "FloatDTypePolicy" || class_name == "Policy";
    return float_policy ? "" : class_name;
  }
  // QuantizedDTypePolicy.name is "<mode>_from_<source dtype>".
  if (dtype.is_string() && dtype.get<std::string>().find("_from_") != std::string::npos) return dtype.get<std::string>();
  return "";
}

}  // namespace

void refuse_quantized(std::string_view class_name, const Json& config) {
  if (!config.is_object()) return;
  const std::string policy = quantized_policy(config.value("dtype", Json()));
  if (policy.empty() && config.value("quantization_config", Json()).is_null()) return;
  const std::string cls(class_name);
  std::string what = "quantized " + cls;
  if (!policy.empty()) what += " (dtype policy " + python::quote_prefix(policy, kMaxQuotedBytes) + ")";
  throw Error(Status::Unsupported, cls + ": " + what + " is not supported yet: inlay runs float " + cls +
                                       " layers only (this one was quantized by Keras's quantize(), e.g. \"int8\")");
}

}  // namespace inlay::core
