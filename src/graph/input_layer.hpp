// keras.layers.InputLayer: the layer that produces a model's placeholder tensor. Validation, naming and
// config follow Keras 3's InputLayer; tf.keras 2's arguments (input_shape, batch_input_shape, type_spec)
// are accepted too.
#pragma once

#include <optional>
#include <string_view>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "types/type_spec.hpp"
#include "util/json.hpp"

namespace inlay::core {

// InputLayer's keyword arguments exactly as received: null is Python's None. Values stay raw JSON because
// Keras validates and compares them raw (e.g. `shape != input_tensor.shape[1:]`).
struct InputLayerArgs {
  Json shape;
  Json batch_size;
  Json dtype;
  Json sparse;
  Json ragged;
  Json batch_shape;
  Json name;
  Json optional = false;
  Json input_shape;        // tf.keras spelling of shape (Keras 3 pops it from **kwargs)
  Json batch_input_shape;  // tf.keras spelling of batch_shape
  bool has_input_shape = false;
  bool has_batch_input_shape = false;
  std::optional<TypeSpec> type_spec;  // tf.keras only
  KerasTensor* input_tensor = nullptr;

  // InputLayer(**config): the keyword arguments of a JSON object (Layer.from_config). Unknown keys get
  // tf.keras's "Unrecognized keyword arguments: [...]" (Keras 3 ignores them silently).
  static InputLayerArgs from_config(const Json& config);

  // Sets InputLayer's keyword `key` (a type_spec is parsed from its JSON); false if there is no such keyword.
  bool set_keyword(const std::string& key, const Json& value);
};

class InputLayer final : public Layer {
 public:
  static constexpr std::string_view kClassName = "InputLayer";

  // Validates as Keras does, then adds the layer and its placeholder (or adopts args.input_tensor) to the
  // graph. On error the graph is unchanged except for the name counter an auto-name consumed, as in Keras.
  static InputLayer& create(Graph& graph, InputLayerArgs args);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  const Shape& batch_shape() const { return batch_shape_; }
  DType dtype() const { return dtype_; }
  bool sparse() const { return sparse_; }
  bool ragged() const { return ragged_; }
  const Json& optional() const { return optional_; }
  KerasTensor& output() const { return *outputs().front(); }

 protected:
  // An InputLayer is not called on tensors: its placeholder is made when the layer is.
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit InputLayer(std::string name) : Layer(std::move(name)) {}

  Shape batch_shape_;
  DType dtype_ = kFloatX;
  bool sparse_ = false;
  bool ragged_ = false;
  Json optional_ = false;
  std::optional<TypeSpec> init_type_spec_;
};

}  // namespace inlay::core
