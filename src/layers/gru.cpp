#include "layers/gru.hpp"

namespace inlay::core {

std::unique_ptr<Layer> GRU::from_config(Graph& graph, const Json& config) {
  return make<GRU>(graph, config, "gru_cell",
                   {"units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                    "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
                    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                    "recurrent_dropout", "seed", "return_sequences", "return_state", "go_backwards", "stateful",
                    "unroll", "reset_after", "use_cudnn", "implementation", "time_major", "zero_output_for_mask"});
}

}  // namespace inlay::core
