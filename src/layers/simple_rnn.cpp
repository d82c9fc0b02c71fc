#include "layers/simple_rnn.hpp"

namespace inlay::core {

std::unique_ptr<Layer> SimpleRNN::from_config(Graph& graph, const Json& config) {
  return make<SimpleRNN>(graph, config, "simple_rnn_cell",
                         {"units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                          "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                          "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                          "recurrent_dropout", "seed", "return_sequences", "return_state", "go_backwards",
                          "stateful", "unroll", "zero_output_for_mask", "time_major"});
}

}  // namespace inlay::core
