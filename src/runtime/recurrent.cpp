// LSTM, GRU and SimpleRNN on oneDNN's RNN primitives (lstm_forward, gru_forward, lbr_gru_forward for
// GRU(reset_after=True), vanilla_rnn_forward), the path of every unmasked layer with the activations oneDNN
// computes; the rest runs the hand-written loop of recurrent_loop.cpp.
//
// Keras's kernels need no repacking: its gate order is oneDNN's (LSTM i, f, c, o; GRU z = u, r, h = c~) and its
// (input_dim, gates * units) kernel is oneDNN's ldigo weights with L = D = 1. Only the linear-before-reset
// GRU's bias changes shape: Keras's (input bias, recurrent bias) rows become oneDNN's four gates
// (b_z + b'_z, b_r + b'_r, b_h, b'_h).
#include <algorithm>
#include <vector>

#include "layers/recurrent_base.hpp"
#include "layers/rnn.hpp"
#include "runtime/lowering.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/recurrent.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

using dnnl::memory;
using core::RecurrentKind;

namespace {

using tag = memory::format_tag;
constexpr memory::data_type f32 = memory::data_type::f32;

// The activation algorithm of a vanilla RNN computing Keras's `a`, if oneDNN has one.
std::optional<dnnl::algorithm> vanilla_algorithm(core::Activation a) {
  switch (a) {
    case core::Activation::Tanh: return dnnl::algorithm::eltwise_tanh;
    case core::Activation::Relu: return dnnl::algorithm::eltwise_relu;
    case core::Activation::Sigmoid: return dnnl::algorithm::eltwise_logistic;
    default: return std::nullopt;
  }
}

bool onednn_can_run(const core::RecurrentLayer& layer, const RecurrentProblem& p) {
  if (p.mask || p.steps == 0 || p.batch == 0 || p.channels == 0) return false;
  if (layer.kind() == RecurrentKind::SimpleRNN) return vanilla_algorithm(layer.activation()).has_value();
  return layer.activation() == core::Activation::Tanh && layer.recurrent_activation() == core::Activation::Sigmoid;
}

// oneDNN's bias (L, D, G', U): Keras's, or zeros without one; the linear-before-reset GRU's regrouped.
std::vector<float> onednn_bias(const core::RecurrentLayer& layer, int64_t bias_gates) {
  const int64_t u = layer.units(), g = layer.gates();
  std::vector<float> bias(static_cast<std::size_t>(bias_gates * u), 0.f);
  if (!layer.use_bias()) return bias;
  const std::span<const float> keras = weight_values(layer.cell(), "bias");
  if (bias_gates == g) {
    std::ranges::copy(keras, bias.begin());
    return bias;
  }
  // lbr GRU: keras is (2, 3U): input bias row, recurrent bias row.
  for (int64_t j = 0; j < 2 * u; ++j) bias[static_cast<std::size_t>(j)] = keras[j] + keras[3 * u + j];
  for (int64_t j = 0; j < u; ++j) {
    bias[static_cast<std::size_t>(2 * u + j)] = keras[2 * u + j];
    bias[static_cast<std::size_t>(3 * u + j)] = keras[5 * u + j];
  }
  return bias;
}

template <typename PD>
void add_rnn(PlanBuilder& b, const core::RecurrentLayer& layer, const RecurrentProblem& p, const PD& pd,
             dnnl::primitive primitive, int64_t bias_gates, ValueId dst_layer) {
  const int64_t c = p.channels, u = p.units, g = layer.gates();
  const std::span<const float> kernel = weight_values(layer.cell(), "kernel");
  const std::span<const float> recurrent = weight_values(layer.cell(), "recurrent_kernel");
  const std::vector<float> bias = onednn_bias(layer, bias_gates);
  std::vector<ConstantArg> constants = {
      {DNNL_ARG_WEIGHTS_LAYER, b.constant(memory::desc({1, 1, c, g, u}, f32, tag::ldigo), kernel.data(),
                                          pd.weights_layer_desc())},
      {DNNL_ARG_WEIGHTS_ITER, b.constant(memory::desc({1, 1, u, g, u}, f32, tag::ldigo), recurrent.data(),
                                         pd.weights_iter_desc())},
      {DNNL_ARG_BIAS, b.constant(memory::desc({1, 1, bias_gates, u}, f32, tag::ldgo), bias.data(), pd.bias_desc())}};
  std::vector<ValueArg> args = {{DNNL_ARG_SRC_LAYER, p.x, pd.src_layer_desc()},
                                {DNNL_ARG_DST_LAYER, dst_layer, pd.dst_layer_desc()},
                                {DNNL_ARG_DST_ITER, p.state_h, pd.dst_iter_desc()}};
  if (p.initial_h) args.push_back({DNNL_ARG_SRC_ITER, *p.initial_h, pd.src_iter_desc()});
  if (layer.kind() == RecurrentKind::LSTM) {
    args.push_back({DNNL_ARG_DST_ITER_C, p.state_c, pd.dst_iter_c_desc()});
    if (p.initial_c) args.push_back({DNNL_ARG_SRC_ITER_C, *p.initial_c, pd.src_iter_c_desc()});
  }
  b.add_primitive(layer.name(), std::move(primitive), pd.scratchpad_desc(), std::move(args), std::move(constants));
}

// Keras's go_backwards sequence is in processing order (its first step is the input's last); oneDNN's
// right-to-left output is in input order.
void reverse_steps(PlanBuilder& b, const RecurrentProblem& p, ValueId from) {
  add_reversed_steps(b, p.layer->name(), from, p.output, p.batch, p.steps, p.units);
}

void lower_recurrent_onednn(PlanBuilder& b, const RecurrentProblem& p) {
  const core::RecurrentLayer& layer = *p.layer;
  const int64_t n = p.batch, t = p.steps, c = p.channels, u = p.units, g = layer.gates();
  const auto prop = dnnl::prop_kind::forward_inference;
  const auto direction = p.go_backwards ? dnnl::rnn_direction::unidirectional_right2left
                                              : dnnl::rnn_direction::unidirectional_left2right;
  // Keras's (N, T, C) bytes are oneDNN's ntc layout of (T, N, C).
  const memory::desc src({t, n, c}, f32, tag::ntc);
  const memory::desc dst({t, n, u}, f32, tag::ntc);
  const memory::desc dst_iter({1, 1, n, u}, f32, tag::ldnc);
  const memory::desc w_layer({1, 1, c, g, u}, f32, tag::any);
  const memory::desc w_iter({1, 1, u, g, u}, f32, tag::any);
  const memory::desc none;
  // The initial states (zeros without them: oneDNN's default for an absent src_iter).
  const memory::desc src_iter = p.initial_h ? dst_iter : none;
  const memory::desc src_iter_c = p.initial_c ? dst_iter : none;
  // The full sequence goes where Keras wants it, else to a scratch value (only the final state is kept).
  const bool direct = p.return_sequences && !p.go_backwards;
  const ValueId dst_layer = direct ? p.output : b.add_plain({n, t, u});
  const dnnl::primitive_attr attr = b.attributes();
  switch (layer.kind()) {
    case RecurrentKind::LSTM: {
      const memory::desc bias({1, 1, 4, u}, f32, tag::any);
      const dnnl::lstm_forward::desc d(prop, direction, src, src_iter, src_iter_c, w_layer, w_iter, bias, dst, dst_iter,
                                       dst_iter);
      const dnnl::lstm_forward::primitive_desc pd(d, attr, b.engine());
      add_rnn(b, layer, p, pd, dnnl::lstm_forward(pd), 4, dst_layer);
      break;
    }
    case RecurrentKind::GRU:
      if (layer.reset_after()) {
        const memory::desc bias({1, 1, 4, u}, f32, tag::any);
        const dnnl::lbr_gru_forward::desc d(prop, direction, src, src_iter, w_layer, w_iter, bias, dst, dst_iter);
        const dnnl::lbr_gru_forward::primitive_desc pd(d, attr, b.engine());
        add_rnn(b, layer, p, pd, dnnl::lbr_gru_forward(pd), 4, dst_layer);
      } else {
        const memory::desc bias({1, 1, 3, u}, f32, tag::any);
        const dnnl::gru_forward::desc d(prop, direction, src, src_iter, w_layer, w_iter, bias, dst, dst_iter);
        const dnnl::gru_forward::primitive_desc pd(d, attr, b.engine());
        add_rnn(b, layer, p, pd, dnnl::gru_forward(pd), 3, dst_layer);
      }
      break;
    case RecurrentKind::SimpleRNN: {
      const memory::desc bias({1, 1, 1, u}, f32, tag::any);
      const dnnl::vanilla_rnn_forward::desc d(prop, *vanilla_algorithm(layer.activation()), direction, src, src_iter,
                                              w_layer, w_iter, bias, dst, dst_iter);
      const dnnl::vanilla_rnn_forward::primitive_desc pd(d, attr, b.engine());
      add_rnn(b, layer, p, pd, dnnl::vanilla_rnn_forward(pd), 1, dst_layer);
      break;
    }
  }
  if (p.return_sequences && p.go_backwards) reverse_steps(b, p, dst_layer);
}

// inputs[1:] of the call: the initial states (by the keyword initial_state, or positional in tf.keras files).
// Keras builds a graph whatever they are and fails when it runs; inlay refuses it when it compiles the plan.
std::vector<ValueId> initial_states(PlanBuilder& b, const core::Layer& layer, const Node& node, std::size_t expected) {
  const std::size_t given = node.inputs.size() - 1;
  if (given != 0 && given != expected) {
    throw core::Error(core::Status::InvalidArgument, "Layer '" + layer.name() + "' (" +
                                                         std::string(layer.class_name()) + ") has " +
                                                         std::to_string(expected) + " state(s) but was passed " +
                                                         std::to_string(given) + " initial state(s).");
  }
  std::vector<ValueId> states;
  for (std::size_t i = 1; i < node.inputs.size(); ++i) states.push_back(b.to_plain(b.value_of(node.inputs[i]), layer.name()));
  return states;
}

void lower_recurrent(PlanBuilder& b, const core::RecurrentLayer& layer, const Node& node) {
  const std::string& name = layer.name();
  RecurrentProblem p;
  p.layer = &layer;
  p.return_sequences = layer.return_sequences();
  p.go_backwards = layer.go_backwards();
  p.zero_output_for_mask = layer.zero_output_for_mask();
  p.x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::optional<ValueId> sequence_mask = b.mask_of(node.inputs[0]);
  p.mask = recurrence_mask(node, sequence_mask);
  set_initial_states(b, p, initial_states(b, layer, node, layer.state_count()), name);
  lower_recurrence(b, p);
  b.check_dims(node.outputs[0], b.dims(p.output), name);
  b.set_output(node.outputs[0], p.output);
  if (layer.return_state()) {
    b.set_output(node.outputs[1], p.state_h == p.output ? b.add_alias(p.state_h, {p.batch, p.units}) : p.state_h);
    if (layer.kind() == RecurrentKind::LSTM) b.set_output(node.outputs[2], p.state_c);
  }
  // RNN.compute_mask: the input's mask for the sequence, none for a final output or the states.
  if (sequence_mask && layer.return_sequences()) b.set_mask(node.outputs[0], *sequence_mask);
}

// keras.layers.RNN: one recurrence per cell, each over the previous one's sequence (what StackedRNNCells
// computes step by step: a masked step keeps every cell's states). Going backwards, every cell runs right to left
// over sequences in input order; only the last one's sequence is returned in processing order.
void lower_rnn(PlanBuilder& b, const core::RNN& rnn, const Node& node) {
  const std::string& name = rnn.name();
  ValueId sequence = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::optional<ValueId> sequence_mask = b.mask_of(node.inputs[0]);
  const std::optional<ValueId> mask = recurrence_mask(node, sequence_mask);
  const std::vector<ValueId> states = initial_states(b, rnn, node, rnn.state_count());
  std::vector<ValueId> final_states;
  std::size_t next_state = 0;
  RecurrentProblem p;
  for (std::size_t i = 0; i < rnn.cells().size(); ++i) {
    const core::RecurrentLayer& cell = *rnn.cells()[i];
    const bool last = i + 1 == rnn.cells().size();
    p = RecurrentProblem{};
    p.layer = &cell;
    p.return_sequences = last ? rnn.return_sequences() : true;
    p.go_backwards = rnn.go_backwards();
    p.zero_output_for_mask = last && rnn.zero_output_for_mask();
    p.x = sequence;
    p.mask = mask;
    if (!states.empty()) {
      const auto first = states.begin() + static_cast<std::ptrdiff_t>(next_state);
      set_initial_states(b, p, std::vector<ValueId>(first, first + static_cast<std::ptrdiff_t>(cell.state_count())), name);
      next_state += cell.state_count();
    }
    lower_recurrence(b, p);
    final_states.push_back(p.state_h == p.output ? b.add_alias(p.state_h, {p.batch, p.units}) : p.state_h);
    if (cell.kind() == RecurrentKind::LSTM) final_states.push_back(p.state_c);
    if (last) break;
    sequence = p.output;
    if (p.go_backwards) {  // back into input order for the next cell
      sequence = b.add_plain({p.batch, p.steps, p.units});
      add_reversed_steps(b, name, p.output, sequence, p.batch, p.steps, p.units);
    }
  }
  b.check_dims(node.outputs[0], b.dims(p.output), name);
  b.set_output(node.outputs[0], p.output);
  if (rnn.return_state()) {
    for (std::size_t i = 0; i < final_states.size(); ++i) b.set_output(node.outputs[1 + i], final_states[i]);
  }
  if (sequence_mask && rnn.return_sequences()) b.set_mask(node.outputs[0], *sequence_mask);
}

}  // namespace

void add_reversed_steps(PlanBuilder& b, const std::string& layer_name, ValueId from, ValueId to, int64_t batch,
                        int64_t steps, int64_t units) {
  b.add_custom(
      layer_name,
      [=](const RunContext& ctx) {
        const float* src = ctx.f32(from);
        float* dst = ctx.f32(to);
        for (int64_t n = 0; n < batch; ++n) {
          for (int64_t s = 0; s < steps; ++s) {
            std::copy_n(src + (n * steps + steps - 1 - s) * units, units, dst + (n * steps + s) * units);
          }
        }
      },
      {from}, {to});
}

std::optional<ValueId> recurrence_mask(const Node& node, std::optional<ValueId> sequence_mask) {
  const bool keyword_states = std::any_of(node.keywords.begin(), node.keywords.end(),
                                          [](const std::string& k) { return k == "initial_state"; });
  return keyword_states && node.mask_inputs.empty() ? std::nullopt : sequence_mask;
}

void set_initial_states(PlanBuilder& b, RecurrentProblem& p, const std::vector<ValueId>& states,
                        const std::string& layer_name) {
  if (states.empty()) return;
  const core::RecurrentLayer& cell = *p.layer;
  const int64_t batch = b.dims(p.x)[0];
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (b.dims(states[i]) != std::vector<int64_t>{batch, cell.units()}) {
      throw core::Error(core::Status::InvalidArgument,
                        "Layer '" + layer_name + "': initial state " + std::to_string(i) + " of " +
                            std::string(cell.class_name()) + " has shape " +
                            core::Shape(b.dims(states[i])).to_tuple_string() + ", expected " +
                            core::Shape({batch, cell.units()}).to_tuple_string() + ".");
    }
  }
  p.initial_h = states[0];
  if (states.size() > 1) p.initial_c = states[1];
}

void lower_recurrence(PlanBuilder& b, RecurrentProblem& p) {
  const core::RecurrentLayer& cell = *p.layer;
  const std::vector<int64_t>& dims = b.dims(p.x);
  p.batch = dims[0];
  p.steps = dims[1];
  p.channels = dims[2];
  p.units = cell.units();
  const std::vector<int64_t> out_dims = p.return_sequences ? std::vector<int64_t>{p.batch, p.steps, p.units}
                                                           : std::vector<int64_t>{p.batch, p.units};
  p.output = b.add_plain(out_dims);
  p.state_h = p.return_sequences ? b.add_plain({p.batch, p.units}) : p.output;
  p.state_c = b.add_plain({p.batch, p.units});
  // One row runs faster as the loop's per-step matmuls than as oneDNN's RNN primitive (LSTM 128 over 200 steps,
  // 1 thread: 0.85 vs 0.97 ms; GRU 0.67 vs 0.70); from two rows on the primitive wins.
  if (onednn_can_run(cell, p) && p.batch > 1) {
    // Unless the sequence is wanted, the output is the final state h itself.
    if (!p.return_sequences) p.output = p.state_h;
    lower_recurrent_onednn(b, p);
  } else {
    if (!p.return_sequences) p.state_h = b.add_plain({p.batch, p.units});  // the loop writes both
    lower_recurrent_loop(b, p);
  }
}

const LayerLowering recurrent_lowering = {
    .lower = lower_as<core::RecurrentLayer, lower_recurrent>,
    .masking = Masking::Computes, .needs_nonempty_inputs = true};

const LayerLowering rnn_lowering = {
    .lower = lower_as<core::RNN, lower_rnn>, .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
