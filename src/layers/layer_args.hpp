// Reading a Keras layer's keyword arguments (or its config, which is the same thing: from_config is
// cls(**config)). Keys are taken one by one; what is left at the end is Keras's
// "Unrecognized keyword arguments passed to Dense: {...}".
#pragma once

#include <initializer_list>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "graph/graph.hpp"
#include "types/dtype.hpp"
#include "types/shape.hpp"
#include "util/json.hpp"

namespace inlay::core {

class LayerArgs {
 public:
  // Reads `config` in place (it must outlive this object): null is an empty config.
  LayerArgs(std::string_view class_name, const Json& config);
  LayerArgs(std::string_view class_name, Json&& config) = delete;

  const std::string& class_name() const { return class_name_; }
  // Keys are string literals (or otherwise outlive this object): they are kept as views.
  bool has(std::string_view key) const { return config_->contains(key); }
  // The value (null when absent), marking the key as used.
  Json take(std::string_view key);
  Json take(std::string_view key, const Json& default_value);
  // A required positional argument: Python's TypeError "Dense.__init__() missing 1 required positional
  // argument: 'units'" when absent.
  Json require(std::string_view key);

  // Marks keys as known without reading them yet.
  void reserve(std::initializer_list<const char*> keys);
  // Throws for the keys nobody took or reserved.
  void finish() const;

 private:
  bool taken(std::string_view key) const;

  std::string class_name_;
  const Json* config_;
  // A few dozen keys at most: a flat list of views beats a set of strings (no allocation per key), and
  // creating layers is on the path of building large models.
  std::vector<std::string_view> taken_;
};

// The keyword arguments every Keras layer has (keras.layers.Layer.__init__).
struct BaseLayerConfig {
  std::string name;
  bool trainable = true;
  std::string dtype_policy = "float32";  // DTypePolicy name ("float32", "mixed_float16", ...)
  Json activity_regularizer;             // serialized, null when none
  std::optional<std::vector<int64_t>> input_shape;  // input_shape / input_dim, batch dimension left out

  // Layer.__init__: reads name (auto-named from the class in `graph`), dtype, activity_regularizer,
  // input_shape / input_dim, rejects every key that is neither one of these nor in `layer_keys` (the
  // subclass's own keywords, read by the subclass afterwards), then checks trainable: Keras's order.
  static BaseLayerConfig read(LayerArgs& args, Graph& graph, std::initializer_list<const char*> layer_keys);
  // The policy's compute dtype: the dtype of the layer's outputs ("mixed_float16" computes in float16).
  DType compute_dtype() const;
  // The leading keys of get_config(): name, trainable, dtype (+ activity_regularizer when one is set).
  Json to_json() const;
};

// Layer.__init__'s input_dim (wins) / input_shape keywords as a shape without the batch dimension.
std::optional<std::vector<int64_t>> input_shape_argument(const Json& input_dim, const Json& input_shape);

// Keras 3's serialized DTypePolicy for a policy name.
Json serialize_dtype_policy(const std::string& name);

// "Received an invalid value for `units`, expected a positive integer. Received: units=0" and friends:
// Keras's isinstance(value, int) and value > 0, where a bool is an int (True is 1).
int64_t positive_int(const Json& value, const char* argument);

}  // namespace inlay::core
