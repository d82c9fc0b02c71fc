// What the two implementations of LSTM / GRU / SimpleRNN share (recurrent.cpp picks one per node): the
// concrete problem and where its results go.
#pragma once

#include <optional>
#include <vector>

#include "layers/recurrent_base.hpp"
#include "runtime/plan_builder.hpp"

namespace inlay::runtime {

struct RecurrentProblem {
  // The cell's parameters and weights (kind, units, activations, bias): the layer's, or for RNN(cell) the
  // inner layer standing for one cell of the stack.
  const core::RecurrentLayer* layer = nullptr;
  // What the whole recurrence returns, which for a stack of cells differs from the cell's layer.
  bool return_sequences = false, go_backwards = false, zero_output_for_mask = false;
  ValueId x = 0;                    // plain (N, T, C)
  std::optional<ValueId> mask;      // plain (N, T), 1 kept / 0 masked
  // The initial states, plain (N, U) each: h and, for LSTM, c; zeros when absent.
  std::optional<ValueId> initial_h, initial_c;
  int64_t batch = 0, steps = 0, channels = 0, units = 0;
  // Results, plain: the output ((N, T, U) with return_sequences, else (N, U)), and the final states
  // h (N, U) and, for LSTM, c (N, U).
  ValueId output = 0, state_h = 0, state_c = 0;
};

// Runs the recurrence of p.layer's cell over p.x (plain (N, T, C)) with p's mask, initial states and flags:
// fills in p's sizes and results (output, state_h, and state_c for an LSTM), on oneDNN's RNN primitive where it
// computes the cell, else on the loop. The output may be state_h itself (a final output on oneDNN).
void lower_recurrence(PlanBuilder& b, RecurrentProblem& p);

// Checks the initial states given for p.layer's cell (each plain (N, U)) and puts them in p.
void set_initial_states(PlanBuilder& b, RecurrentProblem& p, const std::vector<ValueId>& states,
                        const std::string& layer_name);

// Writes the steps of the plain (N, T, U) sequence `from` in reverse order into `to`.
void add_reversed_steps(PlanBuilder& b, const std::string& layer_name, ValueId from, ValueId to, int64_t batch,
                        int64_t steps, int64_t units);

// The mask a recurrent call runs under. Keras 3's Layer.__call__ fills in `mask` only for a call with one
// tensor argument: with initial_state= tensors (and no mask= given) the recurrence runs unmasked, while the
// output keeps the sequence's mask. tf.keras passes the states positionally along with their masks: masked.
std::optional<ValueId> recurrence_mask(const Node& node, std::optional<ValueId> sequence_mask);

// The hand-written loop over the steps: any Keras activation, masks (Keras's backend rnn: a masked step keeps
// the states and repeats the previous output, or zeros with zero_output_for_mask), go_backwards.
void lower_recurrent_loop(PlanBuilder& b, const RecurrentProblem& p);

}  // namespace inlay::runtime
