#include "layers/lstm.hpp"

namespace inlay::core {

std::unique_ptr<Layer> LSTM::from_config(Graph& graph, const Json& config) {
  return make<LSTM>(graph, config, "lstm_cell",
                    {"units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                     "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                     "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                     "bias_constraint", "dropout", "recurrent_dropout", "seed", "return_sequences", "return_state",
                     "go_backwards", "stateful", "unroll", "use_cudnn", "implementation", "time_major",
                     "zero_output_for_mask"});
}

}  // namespace inlay::core
