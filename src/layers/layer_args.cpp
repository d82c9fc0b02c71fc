#include "layers/layer_args.hpp"

#include <algorithm>

#include "layers/serialization.hpp"
#include "types/dtype.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// keras.dtype_policies.get: a policy name, Keras 3's serialized DTypePolicy, or tf.keras's Policy form.
std::string read_dtype_policy(const Json& value) {
  if (value.is_null()) return std::string(dtype_name(kFloatX));
  std::string name;
  if (value.is_string()) {
    name = value.get<std::string>();
  } else if (value.is_object() && value.contains("config") && value["config"].is_object() &&
             value["config"].contains("name") && value["config"]["name"].is_string()) {
    name = value["config"]["name"].get<std::string>();
  } else {
    throw_invalid("Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. Received: dtype=" +
                  python::str_prefix(value, kMaxQuotedBytes));
  }
  if (name == "mixed_float16" || name == "mixed_bfloat16" || dtype_from_name(name)) return name;
  throw_invalid("Cannot convert '" + name + "' to a mixed precision DTypePolicy. Valid policies include "
                "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as 'float32'.");
}

}  // namespace

LayerArgs::LayerArgs(std::string_view class_name, const Json& config) : class_name_(class_name), config_(&config) {
  static const Json empty = Json::object();
  if (config.is_null()) config_ = &empty;
  if (!config_->is_object()) {
    throw Error(Status::ParseError, "The config of a " + class_name_ + " layer must be a JSON object, got " +
                                        dump_prefix(config, kMaxQuotedBytes));
  }
}

Json LayerArgs::take(std::string_view key) { return take(key, Json()); }

Json LayerArgs::take(std::string_view key, const Json& default_value) {
  taken_.push_back(key);  // a key taken twice is listed twice: cheaper than looking it up first
  auto it = config_->find(key);
  return it == config_->end() ? default_value : *it;
}

Json LayerArgs::require(std::string_view key) {
  if (!config_->contains(key)) {
    throw_invalid(class_name_ + ".__init__() missing 1 required positional argument: '" + std::string(key) + "'");
  }
  return take(key);
}

void LayerArgs::reserve(std::initializer_list<const char*> keys) {
  taken_.reserve(taken_.size() + keys.size() + 24);  // + the base keys and a few taken twice
  for (const char* key : keys) taken_.emplace_back(key);
}

bool LayerArgs::taken(std::string_view key) const {
  return std::find(taken_.begin(), taken_.end(), key) != taken_.end();
}

void LayerArgs::finish() const {
  // The dict of unknown keywords is printed as it is found, a bounded prefix of it: a config may hold
  // millions of keys (and an ordered_json built key by key would take quadratic time).
  std::string unknown;
  for (const auto& [key, value] : config_->items()) {
    if (taken(key)) continue;
    if (unknown.size() > kMaxQuotedBytes) {
      unknown += ", ...";
      break;
    }
    unknown += unknown.empty() ? "{" : ", ";
    unknown += python::quote_prefix(key, kMaxQuotedBytes);
    unknown += ": ";
    unknown += python::repr_prefix(value, kMaxQuotedBytes);
  }
  if (!unknown.empty()) {
    throw_invalid("Unrecognized keyword arguments passed to " + class_name_ + ": " + unknown + "}");
  }
}

BaseLayerConfig BaseLayerConfig::read(LayerArgs& args, Graph& graph, std::initializer_list<const char*> layer_keys) {
  args.reserve(layer_keys);
  BaseLayerConfig base;
  // Operation.__init__ first: the auto-name is taken before any other argument is checked.
  const Json name = args.take("name");
  base.name = name.is_null() ? graph.auto_name(args.class_name()) : validate_layer_name(name);
  base.dtype_policy = read_dtype_policy(args.take("dtype"));
  base.activity_regularizer = *serialize_regularizer(args.take("activity_regularizer"));
  const Json input_dim = args.take("input_dim");
  base.input_shape = input_shape_argument(input_dim, args.take("input_shape"));
  const Json trainable = args.take("trainable", true);
  args.finish();
  if (!trainable.is_boolean()) {
    throw_invalid("Expected `trainable` to be a boolean. Received: trainable=" + python::str(trainable) +
                  " (of type " + python::type_name(trainable) + ")");
  }
  base.trainable = trainable.get<bool>();
  return base;
}

Json BaseLayerConfig::to_json() const {
  Json out = {{"name", name}, {"trainable", trainable}, {"dtype", serialize_dtype_policy(dtype_policy)}};
  if (!activity_regularizer.is_null()) out["activity_regularizer"] = activity_regularizer;
  return out;
}

DType BaseLayerConfig::compute_dtype() const {
  if (dtype_policy == "mixed_float16") return DType::Float16;
  if (dtype_policy == "mixed_bfloat16") return DType::BFloat16;
  return dtype_from_name(dtype_policy).value_or(kFloatX);
}

std::optional<std::vector<int64_t>> input_shape_argument(const Json& input_dim, const Json& input_shape) {
  if (!input_dim.is_null()) return standardize_shape(Json::array({input_dim})).dims();
  if (!input_shape.is_null()) return standardize_shape(input_shape).dims();
  return std::nullopt;
}

Json serialize_dtype_policy(const std::string& name) {
  return {{"module", "keras"},
          {"class_name", "DTypePolicy"},
          {"config", {{"name", name}}},
          {"registered_name", nullptr}};
}

int64_t positive_int(const Json& value, const char* argument) {
  if (value.is_boolean() && value.get<bool>()) return 1;
  if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
    throw_invalid(std::string("Received an invalid value for `") + argument +
                  "`, expected a positive integer. Received: " + argument + "=" + python::str(value));
  }
  return value.get<int64_t>();
}

}  // namespace inlay::core
