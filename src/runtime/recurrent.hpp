// What the two implementations of LSTM / GRU / SimpleRNN share (recurrent.cpp picks one per node): the
// concrete problem and where its results go.
#pragma once

#include <optional>
#include <vector>

#include "layers/recurrent_base.hpp"
#include "runtime/plan_builder.hpp"

namespace inlay::runtime {

struct RecurrentProblem {
  const core::RecurrentLayer* layer = nullptr;
  ValueId x = 0;                    // plain (N, T, C)
  std::optional<ValueId> mask;      // plain (N, T), 1 kept / 0 masked
  // The initial states, plain (N, U) each: h and, for LSTM, c; zeros when absent.
  std::optional<ValueId> initial_h, initial_c;
  int64_t batch = 0, steps = 0, channels = 0, units = 0;
  // Results, plain: the output ((N, T, U) with return_sequences, else (N, U)), and the final states
  // h (N, U) and, for LSTM, c (N, U).
  ValueId output = 0, state_h = 0, state_c = 0;
};

// The hand-written loop over the steps: any Keras activation, masks (Keras's backend rnn: a masked step keeps
// the states and repeats the previous output, or zeros with zero_output_for_mask), go_backwards.
void lower_recurrent_loop(PlanBuilder& b, const RecurrentProblem& p);

}  // namespace inlay::runtime
