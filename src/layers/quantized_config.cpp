#include "layers/quantized_config.hpp"

#include <string>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// The quantized policy's (mode, source) from the "dtype" value; mode "" for a float policy. Keras 3.15 writes
// {"class_name": "QuantizedDTypePolicy", "config": {"mode": "int8", "source_name": "float32"}}; earlier 3.x
// releases a policy name "int8_from_float32" (as a string or as config.name).
struct PolicyName {
  std::string mode, source, class_name;
  int64_t amax_history_length = 1024;
};

PolicyName split_policy_name(const std::string& name) {
  const std::size_t at = name.find("_from_");
  if (at == std::string::npos) return {};
  return {name.substr(0, at), name.substr(at + 6), ""};
}

PolicyName policy_name(const Json& dtype) {
  if (dtype.is_string()) return split_policy_name(dtype.get<std::string>());
  if (!dtype.is_object() || !dtype.value("class_name", Json()).is_string()) return {};
  const std::string class_name = dtype["class_name"].get<std::string>();
  // Float policies: Keras 3's DTypePolicy (FloatDTypePolicy before 3.6), tf.keras's mixed precision Policy.
  if (class_name == "DTypePolicy" || class_name == "FloatDTypePolicy" || class_name == "Policy") return {};
  const Json config = dtype.value("config", Json::object());
  PolicyName out;
  if (config.is_object() && config.value("mode", Json()).is_string()) {
    out.mode = config["mode"].get<std::string>();
    const Json source = config.value("source_name", Json("float32"));
    out.source = source.is_string() ? source.get<std::string>() : "";
  } else if (config.is_object() && config.value("name", Json()).is_string()) {
    out = split_policy_name(config["name"].get<std::string>());
  }
  if (out.mode.empty()) out.mode = "?";  // a quantized class whose mode cannot be read: refused below
  out.class_name = class_name;
  if (config.is_object() && config.value("amax_history_length", Json()).is_number_integer()) {
    out.amax_history_length = config["amax_history_length"].get<int64_t>();
  }
  return out;
}

[[noreturn]] void unsupported(std::string_view class_name, const std::string& what) {
  const std::string cls(class_name);
  throw Error(Status::Unsupported, cls + ": " + what + " is not supported: inlay runs " + cls +
                                       " layers quantized to int8, int4 (per channel or in blocks) and float8");
}

float number(const Json& value, const char* what) {
  if (!value.is_number()) throw_invalid(std::string("AbsMaxQuantizer: `") + what + "` must be a number");
  return value.get<float>();
}

// Keras's AbsMaxQuantizer config: value_range, epsilon, output_dtype (int8).
void read_inputs_quantizer(std::string_view class_name, const Json& quantizer, Quantization& q) {
  if (quantizer.is_null()) return;
  const std::string quantizer_class =
      quantizer.is_object() && quantizer.value("class_name", Json()).is_string() ? quantizer["class_name"].get<std::string>()
                                                                                 : "";
  if (quantizer_class != "AbsMaxQuantizer") {
    unsupported(class_name, "the activation quantizer " + python::str_prefix(quantizer, kMaxQuotedBytes));
  }
  const Json config = quantizer.value("config", Json::object());
  if (!config.is_object()) throw_invalid("AbsMaxQuantizer: its config must be a JSON object");
  const Json range = config.value("value_range", Json::array({-127, 127}));
  if (!range.is_array() || range.size() != 2) throw_invalid("AbsMaxQuantizer: `value_range` must be two numbers");
  q.input_min = number(range[0], "value_range");
  q.input_max = number(range[1], "value_range");
  q.input_epsilon = number(config.value("epsilon", Json(1e-7)), "epsilon");
  const Json output_dtype = config.value("output_dtype", Json("int8"));
  if (output_dtype != "int8") unsupported(class_name, "an activation quantizer to " + python::str_prefix(output_dtype, 64));
  if (!(q.input_min >= -128.f && q.input_max <= 127.f && q.input_min <= q.input_max)) {
    throw_invalid("Quantizer with output_dtype='int8' requires value_range to be within the interval [-128, 127]. "
                  "Received: value_range=" + python::str_prefix(range, kMaxQuotedBytes));
  }
  q.quantizes_inputs = true;
}

int64_t block_size_of(const std::string& mode) {
  const std::size_t slash = mode.find('/');
  if (slash == std::string::npos) return -1;
  try {
    std::size_t used = 0;
    const long long value = std::stoll(mode.substr(slash + 1), &used);
    if (used == mode.size() - slash - 1 && (value == -1 || value > 0)) return value;
  } catch (const std::exception&) {
  }
  throw_invalid("Invalid block_size in mode. Supported values are -1 (per-channel) or a positive integer, but got '" +
                mode + "'");
}

}  // namespace

std::string_view quantization_mode_name(QuantizationMode mode) {
  switch (mode) {
    case QuantizationMode::Int8: return "int8";
    case QuantizationMode::Int4: return "int4";
    case QuantizationMode::Float8: return "float8";
    case QuantizationMode::None: break;
  }
  return "";
}

Quantization read_quantization(std::string_view class_name, const Json& config) {
  Quantization q;
  if (!config.is_object()) return q;
  const PolicyName policy = policy_name(config.value("dtype", Json()));
  const Json quantization_config = config.value("quantization_config", Json());
  // A float policy with a quantization_config is a float layer: Keras's Embedding.quantize("float8") sets the
  // config and then refuses, leaving exactly that in saved files, and Keras runs the layer in float.
  if (policy.mode.empty()) return q;
  const std::string base_mode = policy.mode.substr(0, policy.mode.find('/'));
  const std::string quoted = python::quote_prefix(policy.class_name.empty() ? policy.mode : policy.class_name, 64);
  if (base_mode == "int8") {
    q.mode = QuantizationMode::Int8;
  } else if (base_mode == "int4") {
    q.mode = QuantizationMode::Int4;
    q.block_size = block_size_of(policy.mode);
  } else if (base_mode == "float8" && class_name != "Embedding") {
    q.mode = QuantizationMode::Float8;
    q.amax_history_length = policy.amax_history_length;
    if (q.amax_history_length <= 0) throw_invalid("QuantizedFloat8DTypePolicy: amax_history_length must be positive");
  } else {
    unsupported(class_name, "quantized " + std::string(class_name) + " (dtype policy " + quoted + ", mode " +
                                python::quote_prefix(policy.mode, 64) + ")");
  }
  q.policy = config["dtype"];
  q.source_dtype = policy.source.empty() ? "float32" : policy.source;

  if (quantization_config.is_null()) {
    // Before quantization_config was saved (Keras <= 3.12), int8 Dense / EinsumDense always quantized their
    // inputs, and so did Keras 3.12's int4 Dense, whose kernel is packed along its input axis.
    const bool projection = class_name != "Embedding";
    q.quantizes_inputs = projection && (q.mode == QuantizationMode::Int8 || q.mode == QuantizationMode::Int4);
    q.int4_packed_along_inputs = class_name == "Dense" && q.mode == QuantizationMode::Int4 && q.block_size < 0;
    return q;
  }
  if (!quantization_config.is_object() || !quantization_config.value("config", Json::object()).is_object()) {
    throw_invalid(std::string(class_name) + ": `quantization_config` must be a serialized QuantizationConfig");
  }
  const Json inner = quantization_config.value("config", Json::object());
  const std::string config_class = quantization_config.value("class_name", Json("")).is_string()
                                       ? quantization_config.value("class_name", Json("")).get<std::string>()
                                       : "";
  const std::string expected = q.mode == QuantizationMode::Int8   ? "Int8QuantizationConfig"
                               : q.mode == QuantizationMode::Int4 ? "Int4QuantizationConfig"
                                                                  : "Float8QuantizationConfig";
  if (config_class != expected) {
    unsupported(class_name, "the quantization_config " + python::quote_prefix(config_class, 64) + " of a " +
                                std::string(quantization_mode_name(q.mode)) + " policy");
  }
  if (class_name != "Embedding") read_inputs_quantizer(class_name, inner.value("activation_quantizer", Json()), q);
  if (q.mode == QuantizationMode::Int4 && inner.contains("block_size")) {
    const Json block = inner["block_size"];
    if (block.is_null()) {
      q.block_size = -1;
    } else if (block.is_number_integer() && (block.get<int64_t>() == -1 || block.get<int64_t>() > 0)) {
      q.block_size = block.get<int64_t>();
    } else {
      throw_invalid("Int4QuantizationConfig: block_size must be None, -1 or a positive integer. Received: block_size=" +
                    python::str_prefix(block, 64));
    }
  }
  return q;
}

namespace {

// Keras numbers objects shared by several layers ("shared_object_id", e.g. the one QuantizationConfig that
// model.quantize gives every layer) in the configs it saves; its loaded model's get_config has no such key.
void drop_shared_object_ids(Json& value, int depth) {
  if (!value.is_object() || depth > 8) return;
  value.erase("shared_object_id");
  for (auto& [key, inner] : value.items()) drop_shared_object_ids(inner, depth + 1);
}

}  // namespace

Json quantization_config_as_keras_gives_it(Json config) {
  drop_shared_object_ids(config, 0);
  return config;
}

std::vector<QuantizedVariable> int4_scale_variables(int64_t rows, int64_t columns, int64_t block) {
  if (block <= 0) return {{"kernel_scale", Shape({columns}), false, 0}};
  const Shape scale_shape({(rows + block - 1) / block, columns});
  return {{"kernel_scale", scale_shape, false, 0}, {"kernel_zero", scale_shape, false, 8}, {"g_idx", Shape({rows}), false, 0}};
}

std::vector<QuantizedVariable> float8_variables(int64_t history_length) {
  std::vector<QuantizedVariable> out;
  for (const char* prefix : {"inputs", "kernel", "outputs_grad"}) {
    out.push_back({std::string(prefix) + "_scale", Shape(std::vector<int64_t>{}), true, 0});
    out.push_back({std::string(prefix) + "_amax_history", Shape({history_length}), true, 0});
  }
  return out;
}

Json with_source_dtype(const Json& config, const Quantization& quantization) {
  if (!quantization.quantized()) return config;
  Json out = config;
  out["dtype"] = quantization.source_dtype;
  return out;
}

}  // namespace inlay::core
