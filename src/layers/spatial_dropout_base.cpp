#include "layers/spatial_dropout_base.hpp"

#include "layers/activation_args.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"

namespace inlay::core {

BaseLayerConfig SpatialDropoutBase::read(std::string_view class_name, int rank, Graph& graph, const Json& config,
                                         Json& rate, Json& seed, std::string& data_format) {
  if (rank > 3) {
    reject_unexpected_keys(class_name, config, {"rate", "data_format", "seed", "name", "dtype"});
  } else {
    reject_unexpected_keys(class_name, config, {"rate", "seed", "name", "dtype"});
  }
  LayerArgs args(class_name, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("rate")) {
    throw_invalid(std::string(class_name) + ".__init__() missing 1 required positional argument: 'rate'");
  }
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"rate", "seed", "data_format"});
  rate = args.take("rate");
  seed = args.take("seed");
  // Dropout.__init__: the rate, then the seed generator when rate > 0; then the subclass's data_format.
  if (check_unit_interval(rate, "rate") > 0) check_seed(seed);
  if (rank > 3) data_format = conv_utils::standardize_data_format(args.take("data_format"));
  return base;
}

Json SpatialDropoutBase::get_config() const {
  // {'rate', 'seed', 'name', 'dtype'} (+ data_format): no trainable, unlike other layers.
  const Json base = base_.to_json();
  Json config = Json::object();
  config["rate"] = rate_;
  config["seed"] = seed_;
  config["name"] = base.at("name");
  // self.dtype: the policy's variable dtype, a plain string ("float32" for mixed_float16 too).
  const std::string& policy = base_.dtype_policy;
  config["dtype"] = policy.rfind("mixed_", 0) == 0 ? std::string("float32") : policy;
  if (!data_format_.empty()) config["data_format"] = data_format_;
  return config;
}

}  // namespace inlay::core
