// keras.layers.RNN specialised to its built-in cells (keras/src/layers/rnn/): the base of LSTM, GRU and
// SimpleRNN. Keras builds these as an RNN layer around a cell (LSTMCell, ...) whose arguments the layer
// flattens into its own config; inlay keeps them in one object. Weights are the cell's, named as Keras names
// them ("lstm/lstm_cell/kernel"): kernel (input_dim, gates * units), recurrent_kernel (units, gates * units),
// bias (gates * units), or (2, 3 * units) for GRU(reset_after=True).
#pragma once

#include <memory>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

enum class RecurrentKind { SimpleRNN, LSTM, GRU };

// The layer's cell (LSTMCell, ...) as far as inlay needs one: the holder of the weights, which Keras tracks in
// the cell (paths "lstm/lstm_cell/kernel"; in a .keras file under layers/<key>/cell/vars). Not a layer of any
// graph: never called.
class RecurrentCell final : public Layer {
 public:
  RecurrentCell(std::string name, std::string class_name) : Layer(std::move(name)), class_name_(std::move(class_name)) {}
  std::string_view class_name() const override { return class_name_; }
  Json get_config() const override { return Json::object(); }
  Weight& add(const std::string& weight_name, Shape shape, bool trainable) {
    return add_weight(weight_name, std::move(shape), trainable);
  }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>&) const override { return {}; }

 private:
  std::string class_name_;
};

// The keywords of keras.layers.RNN that LSTM, GRU and SimpleRNN take too: what the recurrence returns and how
// it runs.
struct RecurrenceOptions {
  bool return_sequences = false, return_state = false, go_backwards = false, stateful = false, unroll = false,
       zero_output_for_mask = false;
  // Takes the six keywords (Python truthiness) and tf.keras's time_major (True: Unsupported, Keras 3 has none).
  static RecurrenceOptions read(LayerArgs& args);
  // stateful=True, refused: inlay's models keep no state between predict calls (Unsupported).
  void refuse_stateful(std::string_view class_name, const std::string& layer_name) const;
  // The six keywords into a get_config(), in Keras's order.
  void write(Json& config) const;
};

// Refuses a recurrent call's non-tensor initial_state / constants other than None (Unsupported).
void check_call_options(const Layer& layer, const Json& options);

// The build_config of an RNN layer's first call: {"input_shape": the sequence's} or, when initial states were
// passed, {"shapes_dict": {"sequences_shape": ..., "initial_state_shape": [...]}} with the states nested as
// the call takes them (Keras's build(sequences_shape, initial_state_shape)).
Json recurrent_build_config(const Layer& layer);

class RecurrentLayer : public Layer {
 public:
  Json get_config() const override;
  std::vector<SubLayer> sublayers() const override {
    return cell_ ? std::vector<SubLayer>{{"cell", cell_.get()}} : std::vector<SubLayer>{};
  }
  // The cell holding the weights (kernel, recurrent_kernel, bias).
  const Layer& cell() const { return *cell_; }
  Layer& cell() { return *cell_; }
  std::size_t output_count() const override { return 1 + (options_.return_state ? state_count() : 0); }
  // call(sequences, initial_state=[h (, c)]): the states follow the sequence in node.inputs. tf.keras files
  // record them as extra positional inputs instead; either way inputs[1:] are the initial states. Keras checks
  // neither their number nor their shapes when it builds the graph (only its predict fails): the lowering does.
  std::vector<std::string_view> call_tensor_keywords() const override { return {"initial_state"}; }
  // tf.keras records its call's defaults, {"initial_state": None, "constants": None}: taken when None only
  // (check_call_options), since the built-in cells take no constants.
  std::vector<std::string_view> call_option_keywords() const override { return {"initial_state", "constants"}; }
  std::vector<std::string_view> call_list_keywords() const override { return {"initial_state"}; }
  Json build_config() const override { return recurrent_build_config(*this); }

  RecurrentKind kind() const { return kind_; }
  int64_t units() const { return units_; }
  // Gate blocks in the kernels: 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h), 1 (SimpleRNN).
  int64_t gates() const;
  // Recurrent states: 2 for LSTM (h, c), else 1 (h).
  std::size_t state_count() const { return kind_ == RecurrentKind::LSTM ? 2 : 1; }
  Activation activation() const { return activation_; }
  Activation recurrent_activation() const { return recurrent_activation_; }
  bool use_bias() const { return use_bias_; }
  bool reset_after() const { return reset_after_; }
  bool return_sequences() const { return options_.return_sequences; }
  bool return_state() const { return options_.return_state; }
  bool go_backwards() const { return options_.go_backwards; }
  bool zero_output_for_mask() const { return options_.zero_output_for_mask; }
  bool stateful() const { return options_.stateful; }
  // What Bidirectional does to the layers it wraps: masked steps output zeros when the sequence is returned.
  void force_zero_output_for_mask() { options_.zero_output_for_mask = options_.return_sequences; }

  // keras.layers.RNN(cell) runs a cell (LSTMCell, GRUCell, SimpleRNNCell) or a stack of them; inlay keeps each
  // cell as a recurrent layer of its kind that no graph calls: the parameters and weights of one recurrence.
  // make_cell reads the cell's config (Cell(**config): its own keywords `keys`, messages naming `cell_class`).
  template <typename T>
  static std::unique_ptr<RecurrentLayer> make_cell(Graph& graph, const Json& config, std::string_view cell_class,
                                                   std::initializer_list<const char*> keys);
  // The cell's get_config(), in Keras's order for `cell_class`: what RNN's config holds under "cell".
  Json cell_config() const;
  // Adds the cell's weights (kernel, recurrent_kernel, bias) for inputs of `input_dim` features, their paths
  // `prefix` + name ("rnn/stacked_rnn_cells/lstm_cell/" for a cell of a stack): what build() does for its
  // own cell ("lstm/lstm_cell/").
  void add_cell_weights(int64_t input_dim, const std::string& prefix);
  // The cell's build_config, {"input_shape": [null, input_dim]}: null before add_cell_weights.
  Json cell_build_config() const;
  const std::string& cell_name() const { return cell_name_; }

 protected:
  RecurrentLayer(RecurrentKind kind, BaseLayerConfig base, std::string cell_name)
      : Layer(base.name), kind_(kind), base_(std::move(base)), cell_name_(std::move(cell_name)) {}
  // LSTM(**config) / GRU(**config) / SimpleRNN(**config), in Keras's order of checks: units (the cell is
  // made first), then the layer's keywords (`keys`: the class's own), then use_cudnn.
  template <typename T>
  static std::unique_ptr<Layer> make(Graph& graph, const Json& config, const char* cell_name,
                                     std::initializer_list<const char*> keys);

  // No input_spec for the whole call: Keras's (ndim 3) applies to the sequence alone, checked by
  // check_sequence, since the initial states (rank 2) come as inputs too.
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                  const CallArguments& args) const override;

 private:
  static std::unique_ptr<RecurrentLayer> read(std::unique_ptr<RecurrentLayer> layer, LayerArgs& args);
  static int64_t read_units(std::string_view class_name, const Json& units);
  // Keras's input_spec (ndim=3) on the sequence, inputs[0].
  void check_sequence(const std::vector<const KerasTensor*>& inputs) const;

  RecurrentKind kind_;
  BaseLayerConfig base_;
  std::string cell_name_;  // "lstm_cell": the middle of the weights' paths
  std::unique_ptr<RecurrentCell> cell_;
  int64_t cell_input_dim_ = -1;
  int64_t units_ = 0;
  Json units_arg_;
  Activation activation_ = Activation::Tanh;
  Activation recurrent_activation_ = Activation::Sigmoid;
  bool use_bias_ = true, unit_forget_bias_ = true, reset_after_ = true;
  RecurrenceOptions options_;
  SharedJson kernel_initializer_, recurrent_initializer_, bias_initializer_, kernel_regularizer_,
      recurrent_regularizer_, bias_regularizer_, kernel_constraint_, recurrent_constraint_, bias_constraint_;
  Json dropout_, recurrent_dropout_, seed_;
};

template <typename T>
std::unique_ptr<RecurrentLayer> RecurrentLayer::make_cell(Graph& graph, const Json& config, std::string_view cell_class,
                                                         std::initializer_list<const char*> keys) {
  LayerArgs args(cell_class, config);
  const int64_t units = read_units(cell_class, args.require("units"));
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, keys);
  std::unique_ptr<RecurrentLayer> layer(new T(std::move(base)));
  layer->cell_name_ = layer->name();
  layer->units_ = units;
  return read(std::move(layer), args);
}

template <typename T>
std::unique_ptr<Layer> RecurrentLayer::make(Graph& graph, const Json& config, const char* cell_name,
                                            std::initializer_list<const char*> keys) {
  LayerArgs args(T::kClassName, config);
  const int64_t units = read_units(T::kClassName, args.require("units"));
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, keys);
  std::unique_ptr<RecurrentLayer> layer(new T(std::move(base)));
  layer->cell_name_ = cell_name;
  layer->units_ = units;
  return read(std::move(layer), args);
}

}  // namespace inlay::core
