// keras.layers.RNN(cell, return_sequences, return_state, go_backwards, stateful, unroll, zero_output_for_mask):
// the recurrence around a cell (LSTMCell, GRUCell, SimpleRNNCell) or a StackedRNNCells of them (also given as a
// list of cells). Each cell is kept as a recurrent layer of its kind made from the cell's config
// (RecurrentLayer::make_cell): the runtime runs one recurrence per cell, each feeding the next, which is what
// StackedRNNCells computes step by step. Weights as Keras names them: "rnn/lstm_cell/kernel" for one cell,
// "rnn/stacked_rnn_cells/lstm_cell/kernel" in a stack; a .keras file keeps them at layers/rnn/cell/vars, or
// layers/rnn/cell/cells/<cell class in snake case>[_<n>]/vars.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/recurrent_base.hpp"

namespace inlay::core {

class StackedRNNCells;  // rnn.cpp: the holder of a stack's cells (weights walk, .keras paths, config)

class RNN final : public Layer {
 public:
  static constexpr std::string_view kClassName = "RNN";
  // RNN.from_config: config["cell"] deserialized first (a cell, a StackedRNNCells, or a list of cells).
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  ~RNN() override;
  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;
  std::vector<SubLayer> sublayers() const override;
  // The output, then with return_state every cell's states in order (LSTM: h, c).
  std::size_t output_count() const override { return 1 + (options_.return_state ? state_count() : 0); }
  // call(sequences, initial_state=[...]): the states of every cell, flat, in the cells' order.
  std::vector<std::string_view> call_tensor_keywords() const override { return {"initial_state"}; }
  std::vector<std::string_view> call_option_keywords() const override { return {"initial_state", "constants"}; }
  std::vector<std::string_view> call_list_keywords() const override { return {"initial_state"}; }
  Json build_config() const override { return recurrent_build_config(*this); }
  // A stack's states, one list per cell ([[h1, c1], h2]): what Keras 3's StackedRNNCells takes.
  Json nest_call_list(std::string_view keyword, Json flat) const override;

  // The cells, first to last; each a recurrent layer of its kind holding the cell's parameters and weights.
  const std::vector<std::unique_ptr<RecurrentLayer>>& cells() const { return cells_; }
  std::size_t state_count() const;
  bool return_sequences() const { return options_.return_sequences; }
  bool return_state() const { return options_.return_state; }
  bool go_backwards() const { return options_.go_backwards; }
  bool zero_output_for_mask() const { return options_.zero_output_for_mask; }

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                  const CallArguments& args) const override;

 private:
  explicit RNN(BaseLayerConfig base);  // in rnn.cpp, where StackedRNNCells is complete
  void check_sequence(const std::vector<const KerasTensor*>& inputs) const;
  Json serialized_cell(const RecurrentLayer& cell) const;

  BaseLayerConfig base_;
  std::vector<std::unique_ptr<RecurrentLayer>> cells_;
  std::unique_ptr<StackedRNNCells> stack_;  // the cells' StackedRNNCells; null for a single cell
  RecurrenceOptions options_;
};

}  // namespace inlay::core
