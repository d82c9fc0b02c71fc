// The hand-written recurrent loop (recurrent.hpp): the math of Keras's cells (keras/src/layers/rnn/*.py,
// implementation 2) step by step, for what oneDNN's RNN primitives cannot express: masks, other activations.
//
// The input projection of every step is one oneDNN matmul. Each step's recurrent product then runs as oneDNN
// matmuls too (OnednnStep), with the gates' activations fused into them as eltwise post-ops, whenever oneDNN
// has eltwise kernels for the cell's activations (tanh / sigmoid and most others): this is what makes a masked
// LSTM about as fast as the unmasked one on oneDNN's RNN primitive. Cell below is the scalar fallback for the
// rest (activations oneDNN lacks).
#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <span>
#include <tuple>
#include <vector>

#include "runtime/keras_activation.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/recurrent.hpp"

namespace inlay::runtime {

namespace {

using core::RecurrentKind;

// Scratch of the step functions, (rows, G*U) and (rows, U) values: plan values, so a warm predict allocates
// nothing.
struct Scratch {
  float *z, *inner, *a, *b, *c;
};

struct Cell {
  RecurrentKind kind;
  int64_t c, u, gates;
  bool reset_after;
  ScalarActivation act, rec_act;
  std::vector<float> recurrent, bias;  // Keras's layouts; bias (2, G*U) when reset_after, zeros if none

  // out[n, j] += sum_k v[n, k] * w[k, offset + j] for n < n_rows, j < width (w rows of G*U values). Each weight
  // row is read once for all the batch's rows: the weights are most of the memory traffic.
  void accumulate(const float* v, int64_t v_stride, int64_t n_rows, int64_t k_count, const std::vector<float>& w,
                  int64_t offset, int64_t width, float* out, int64_t out_stride) const {
    const int64_t row = gates * u;
    for (int64_t k = 0; k < k_count; ++k) {
      const float* wk = w.data() + k * row + offset;
      for (int64_t n = 0; n < n_rows; ++n) {
        const float vk = v[n * v_stride + k];
        float* o = out + n * out_stride;
        for (int64_t j = 0; j < width; ++j) o[j] += vk * wk[j];
      }
    }
  }

  // One step of every row: new h (and c) (n_rows, U) from the rows' input projections xz = x @ kernel + input
  // bias (G*U values, stride xz_stride; computed for all steps at once by a oneDNN matmul), h and c.
  void step(const float* xz, int64_t xz_stride, int64_t n_rows, const float* h, const float* c_prev, float* h_new,
            float* c_new, Scratch& s) const {
    const int64_t gu = gates * u;
    float* z = s.z;
    for (int64_t n = 0; n < n_rows; ++n) std::copy_n(xz + n * xz_stride, gu, z + n * gu);
    if (kind == RecurrentKind::GRU) return gru_step(n_rows, h, h_new, s);
    accumulate(h, u, n_rows, u, recurrent, 0, gu, z, gu);
    for (int64_t n = 0; n < n_rows; ++n) {
      const float* zn = z + n * gu;
      float* hn = h_new + n * u;
      if (kind == RecurrentKind::SimpleRNN) {
        for (int64_t j = 0; j < u; ++j) hn[j] = act(zn[j]);
        continue;
      }
      float* cn = c_new + n * u;
      const float* cp = c_prev + n * u;
      for (int64_t j = 0; j < u; ++j) {  // LSTM: gates i, f, c, o
        const float i = rec_act(zn[j]), f = rec_act(zn[u + j]), o = rec_act(zn[3 * u + j]);
        cn[j] = f * cp[j] + i * act(zn[2 * u + j]);
        hn[j] = o * act(cn[j]);
      }
    }
  }

  // GRU: s.z holds x @ kernel + (input) bias; gates z (update), r (reset), h (candidate).
  void gru_step(int64_t n_rows, const float* h, float* h_new, Scratch& s) const {
    const int64_t gu = 3 * u;
    const float* xz = s.z;
    float* inner = s.inner;
    if (reset_after) {
      for (int64_t n = 0; n < n_rows; ++n) std::copy_n(bias.data() + gu, gu, inner + n * gu);  // recurrent bias
      accumulate(h, u, n_rows, u, recurrent, 0, gu, inner, gu);
      for (int64_t n = 0; n < n_rows; ++n) {
        const float *xn = xz + n * gu, *in = inner + n * gu, *hp = h + n * u;
        for (int64_t j = 0; j < u; ++j) {
          const float zg = rec_act(xn[j] + in[j]), rg = rec_act(xn[u + j] + in[u + j]);
          const float hh = act(xn[2 * u + j] + rg * in[2 * u + j]);
          h_new[n * u + j] = zg * hp[j] + (1.f - zg) * hh;
        }
      }
      return;
    }
    std::fill_n(inner, n_rows * gu, 0.f);
    accumulate(h, u, n_rows, u, recurrent, 0, 2 * u, inner, gu);
    float* gate_z = s.a;
    float* rh = s.b;  // r * h, whose product with the candidate's recurrent kernel is taken next
    for (int64_t n = 0; n < n_rows; ++n) {
      for (int64_t j = 0; j < u; ++j) {
        gate_z[n * u + j] = rec_act(xz[n * gu + j] + inner[n * gu + j]);
        rh[n * u + j] = rec_act(xz[n * gu + u + j] + inner[n * gu + u + j]) * h[n * u + j];
      }
    }
    float* rec_h = s.c;
    std::fill_n(rec_h, n_rows * u, 0.f);
    accumulate(rh, u, n_rows, u, recurrent, 2 * u, u, rec_h, u);
    for (int64_t i = 0; i < n_rows * u; ++i) {
      const int64_t n = i / u, j = i % u;
      h_new[i] = gate_z[i] * h[i] + (1.f - gate_z[i]) * act(xz[n * gu + 2 * u + j] + rec_h[i]);
    }
  }
};

ScalarActivation scalar_or_throw(core::Activation a, const std::string& layer) {
  const ScalarActivation f = keras_scalar_activation(a);
  if (f == nullptr) throw_unsupported(layer, "the activation " + core::activation_name(a) + " in a recurrent cell");
  return f;
}

// The cell's parameters; the recurrent kernel is copied only for the scalar step (`scalar_step`): the oneDNN
// step packs its own constants from the layer's weights.
std::shared_ptr<const Cell> make_cell(const core::RecurrentLayer& layer, int64_t channels, bool scalar_step) {
  auto cell = std::make_shared<Cell>();
  cell->kind = layer.kind();
  cell->c = channels;
  cell->u = layer.units();
  cell->gates = layer.gates();
  cell->reset_after = layer.kind() == RecurrentKind::GRU && layer.reset_after();
  cell->act = scalar_or_throw(layer.activation(), layer.name());
  cell->rec_act = layer.kind() == RecurrentKind::SimpleRNN ? nullptr
                                                            : scalar_or_throw(layer.recurrent_activation(), layer.name());
  if (scalar_step) {
    const auto recurrent = weight_values(layer.cell(), "recurrent_kernel");
    cell->recurrent.assign(recurrent.begin(), recurrent.end());
  }
  const int64_t bias_size = (cell->reset_after ? 2 : 1) * cell->gates * cell->u;
  cell->bias.assign(static_cast<std::size_t>(bias_size), 0.f);
  if (layer.use_bias()) std::ranges::copy(weight_values(layer.cell(), "bias"), cell->bias.begin());
  return cell;
}

// ---------------------------------------------------------------------------------------------------------
// The step on oneDNN primitives

using dnnl::memory;
constexpr memory::data_type kF32 = memory::data_type::f32;

// Where a buffer of the loop lives: in one of the loop's plan values (kBig: (2N, G*U), kSmall: (8N, U),
// kScratch: the primitives' scratchpad), at a float offset.
enum Area { kBig, kSmall, kScratch };
struct Slot {
  Area area;
  int64_t offset;
};

// One oneDNN primitive of a step with its arguments: loop buffers, and constants (weights, biases).
struct Call {
  dnnl::primitive primitive;
  std::vector<std::pair<int, memory>> constants;
  std::vector<std::tuple<int, memory::desc, Slot>> buffers;
  memory::desc scratchpad;
};

// What one run executes the calls with: a stream and memory objects, made once per concurrent run (as the
// plan pools its workspaces) and pointed at that run's buffers, so that a warm run allocates nothing. The
// arguments are kept as the C API takes them: dnnl.hpp's execute copies its argument map on every call.
class Executor {
 public:
  Executor(const std::vector<Call>& calls, const dnnl::engine& engine) : stream_(engine) {
    for (const Call& call : calls) {
      std::vector<dnnl_exec_arg_t> args;
      for (const auto& [arg, constant] : call.constants) args.push_back({arg, constant.get()});
      for (const auto& [arg, md, slot] : call.buffers) args.push_back({arg, bind_new(md, slot, engine)});
      if (call.scratchpad.get_size() > 0) {
        args.push_back({DNNL_ARG_SCRATCHPAD, bind_new(call.scratchpad, Slot{kScratch, 0}, engine)});
      }
      args_.push_back(std::move(args));
    }
  }

  void bind(const std::array<float*, 3>& areas) const {
    for (const auto& [m, slot] : bound_) m.set_data_handle(areas[slot.area] + slot.offset);
  }

  void run(const std::vector<Call>& calls, std::size_t i) const {
    const std::vector<dnnl_exec_arg_t>& args = args_[i];
    dnnl::error::wrap_c_api(dnnl_primitive_execute(calls[i].primitive.get(), stream_.get(),
                                                   static_cast<int>(args.size()), args.data()),
                            "could not execute a recurrent step");
  }

 private:
  dnnl_memory_t bind_new(const memory::desc& md, Slot slot, const dnnl::engine& engine) {
    bound_.emplace_back(memory(md, engine, DNNL_MEMORY_NONE), slot);
    return bound_.back().first.get();
  }

  dnnl::stream stream_;
  std::vector<std::pair<memory, Slot>> bound_;
  std::vector<std::vector<dnnl_exec_arg_t>> args_;
};

bool onednn_has(core::Activation a) {
  dnnl::post_ops ops;
  return append_activation_post_ops(ops, a);
}

// One step of every row on oneDNN: the recurrent products as matmuls that add the step's input projection
// (a sum post-op over the destination, prefilled with it) and apply the gates' activation (eltwise
// post-ops); the activations of a product of gates as eltwise primitives. The elementwise combinations left
// are single passes over (rows, U).
//
// Buffers (Slot offsets): LSTM: big = [i f o] gates (N, 3U), then the candidate (N, U); small a = act(c).
// GRU: big = [z r] gates (N, 2U), then the candidate's product (N, U); small a = the candidate, b = r * h.
// SimpleRNN: h_new itself. States in small as lower_recurrent_loop lays them out: h 3, c 4, h_new 5, c_new 6.
class OnednnStep {
 public:
  OnednnStep(PlanBuilder& b, std::shared_ptr<const Cell> cell, const core::RecurrentLayer& layer, int64_t n_rows)
      : cell_(std::move(cell)), n_(n_rows), recurrent_(weight_values(layer.cell(), "recurrent_kernel")),
        engine_(b.engine()) {
    const int64_t u = cell_->u, nu = n_rows * u;
    const Slot h{kSmall, 3 * nu}, h_new{kSmall, 5 * nu}, c_new{kSmall, 6 * nu}, a{kSmall, 0}, rh{kSmall, nu};
    const float* rec_bias = cell_->reset_after ? cell_->bias.data() + 3 * u : nullptr;
    switch (cell_->kind) {
      case RecurrentKind::LSTM:  // Keras's gates i, f, c, o: the sigmoid ones are grouped, the candidate apart
        if (layer.activation() == core::Activation::Tanh && layer.recurrent_activation() == core::Activation::Sigmoid) {
          // Keras's default cell in one product: sigmoid(z) = (tanh(z / 2) + 1) / 2, so the i, f, o columns are
          // halved (weights here, input projections in step()) and one tanh post-op serves all four gates.
          tanh_lstm_ = true;
          std::vector<float> scale(static_cast<std::size_t>(4 * u), 0.5f);
          std::fill_n(scale.begin() + 2 * u, u, 1.f);
          add_matmul(b, h, {kBig, 0}, {{0, 4 * u}}, nullptr, core::Activation::Tanh, scale);
          add_activation(b, core::Activation::Tanh, c_new, a);
          break;
        }
        add_matmul(b, h, {kBig, 0}, {{0, 2 * u}, {3 * u, 4 * u}}, nullptr, layer.recurrent_activation());
        add_matmul(b, h, {kBig, 3 * nu}, {{2 * u, 3 * u}}, nullptr, layer.activation());
        add_activation(b, layer.activation(), c_new, a);
        break;
      case RecurrentKind::GRU:
        add_matmul(b, h, {kBig, 0}, {{0, 2 * u}}, rec_bias, layer.recurrent_activation());
        if (cell_->reset_after) {
          add_matmul(b, h, {kBig, 2 * nu}, {{2 * u, 3 * u}}, rec_bias + 2 * u, std::nullopt);
          add_activation(b, layer.activation(), a, a);
        } else {
          add_matmul(b, rh, {kBig, 2 * nu}, {{2 * u, 3 * u}}, nullptr, layer.activation());
        }
        break;
      case RecurrentKind::SimpleRNN: add_matmul(b, h, h_new, {{0, u}}, nullptr, layer.activation()); break;
    }
  }

  // The scratchpad the calls share (one at a time), in floats.
  int64_t scratchpad_floats() const {
    std::size_t bytes = 0;
    for (const Call& call : calls_) bytes = std::max(bytes, call.scratchpad.get_size());
    return static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float));
  }

  // Borrows an executor for one run (the only allocation is the first run's, or a new concurrent one's).
  std::unique_ptr<Executor> acquire() const {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<Executor> ex = std::move(idle_.back());
        idle_.pop_back();
        return ex;
      }
    }
    return std::make_unique<Executor>(calls_, engine_);
  }
  void release(std::unique_ptr<Executor> ex) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(ex));
  }

  // h_new (and c_new) of every row from the step's input projections xz (rows of G*U, stride xz_stride).
  void step(const Executor& ex, const float* xz, int64_t xz_stride, float* big, float* small) const {
    const int64_t u = cell_->u, nu = n_ * u;
    const float *h = small + 3 * nu, *c = small + 4 * nu;
    float *h_new = small + 5 * nu, *c_new = small + 6 * nu;
    switch (cell_->kind) {
      case RecurrentKind::LSTM: {
        if (tanh_lstm_) return tanh_lstm_step(ex, xz, xz_stride, big, small);
        float *ifo = big, *cand = big + 3 * nu, *act_c = small;
        for (int64_t r = 0; r < n_; ++r) {
          const float* x = xz + r * xz_stride;
          std::copy_n(x, 2 * u, ifo + r * 3 * u);
          std::copy_n(x + 3 * u, u, ifo + r * 3 * u + 2 * u);
          std::copy_n(x + 2 * u, u, cand + r * u);
        }
        ex.run(calls_, 0);
        ex.run(calls_, 1);
        for (int64_t r = 0; r < n_; ++r) {
          const float* g = ifo + r * 3 * u;
          for (int64_t j = 0; j < u; ++j) c_new[r * u + j] = g[u + j] * c[r * u + j] + g[j] * cand[r * u + j];
        }
        activate(ex, 2, c_new, act_c, nu);
        for (int64_t r = 0; r < n_; ++r) {
          const float* o = ifo + r * 3 * u + 2 * u;
          for (int64_t j = 0; j < u; ++j) h_new[r * u + j] = o[j] * act_c[r * u + j];
        }
        return;
      }
      case RecurrentKind::GRU: {
        float *zr = big, *inner = big + 2 * nu, *cand = small, *rh = small + nu;
        for (int64_t r = 0; r < n_; ++r) std::copy_n(xz + r * xz_stride, 2 * u, zr + r * 2 * u);
        ex.run(calls_, 0);
        if (cell_->reset_after) {  // candidate = act(x_h + r * (h @ R_h + b'_h))
          ex.run(calls_, 1);
          for (int64_t r = 0; r < n_; ++r) {
            const float *x = xz + r * xz_stride + 2 * u, *g = zr + r * 2 * u + u;
            for (int64_t j = 0; j < u; ++j) cand[r * u + j] = x[j] + g[j] * inner[r * u + j];
          }
          activate(ex, 2, cand, cand, nu);
        } else {  // candidate = act(x_h + (r * h) @ R_h): the matmul adds to x_h, copied into its destination
          for (int64_t r = 0; r < n_; ++r) {
            for (int64_t j = 0; j < u; ++j) rh[r * u + j] = zr[r * 2 * u + u + j] * h[r * u + j];
            std::copy_n(xz + r * xz_stride + 2 * u, u, inner + r * u);
          }
          ex.run(calls_, 1);
          cand = inner;
        }
        for (int64_t r = 0; r < n_; ++r) {
          const float* z = zr + r * 2 * u;
          for (int64_t j = 0; j < u; ++j) {
            const int64_t i = r * u + j;
            h_new[i] = z[j] * h[i] + (1.f - z[j]) * cand[i];
          }
        }
        return;
      }
      case RecurrentKind::SimpleRNN:
        for (int64_t r = 0; r < n_; ++r) std::copy_n(xz + r * xz_stride, u, h_new + r * u);
        ex.run(calls_, 0);
        return;
    }
  }

 private:
  // The default LSTM cell (tanh, sigmoid): big = tanh of the gates (N, 4U), Keras's order, i, f, o halved.
  void tanh_lstm_step(const Executor& ex, const float* xz, int64_t xz_stride, float* big, float* small) const {
    const int64_t u = cell_->u, nu = n_ * u, gu = 4 * u;
    const float* c = small + 4 * nu;
    float *h_new = small + 5 * nu, *c_new = small + 6 * nu, *act_c = small;
    for (int64_t r = 0; r < n_; ++r) {
      const float* x = xz + r * xz_stride;
      float* z = big + r * gu;
      for (int64_t j = 0; j < gu; ++j) z[j] = x[j] * 0.5f;
      std::copy_n(x + 2 * u, u, z + 2 * u);
    }
    ex.run(calls_, 0);
    for (int64_t r = 0; r < n_; ++r) {
      const float* t = big + r * gu;
      for (int64_t j = 0; j < u; ++j) {
        const float i = 0.5f * t[j] + 0.5f, f = 0.5f * t[u + j] + 0.5f;
        c_new[r * u + j] = f * c[r * u + j] + i * t[2 * u + j];
      }
    }
    activate(ex, 1, c_new, act_c, nu);
    for (int64_t r = 0; r < n_; ++r) {
      const float* t = big + r * gu + 3 * u;
      for (int64_t j = 0; j < u; ++j) h_new[r * u + j] = (0.5f * t[j] + 0.5f) * act_c[r * u + j];
    }
  }

  // dst (N, width) = post-ops(src (N, U) @ the recurrent kernel's columns `cols` (each scaled by `scale`, when
  // given) + bias), the post-ops being a sum (dst holds the input projection when it runs) and then `act` (none
  // for a bare product + bias).
  void add_matmul(PlanBuilder& b, Slot src, Slot dst, const std::vector<std::pair<int64_t, int64_t>>& cols,
                  const float* bias, std::optional<core::Activation> act, const std::vector<float>& scale = {}) {
    const int64_t u = cell_->u, row = cell_->gates * u;
    std::vector<float> w;  // (U, width)
    const float* recurrent = recurrent_.data();
    for (int64_t k = 0; k < u; ++k) {
      for (const auto& [begin, end] : cols) w.insert(w.end(), recurrent + k * row + begin, recurrent + k * row + end);
    }
    const int64_t width = static_cast<int64_t>(w.size()) / u;
    if (!scale.empty()) {
      for (std::size_t i = 0; i < w.size(); ++i) w[i] *= scale[i % static_cast<std::size_t>(width)];
    }
    const memory::desc src_md({n_, u}, kF32, memory::format_tag::ab), dst_md({n_, width}, kF32, memory::format_tag::ab);
    const memory::desc w_md({u, width}, kF32, memory::format_tag::ab), bias_md({1, width}, kF32, memory::format_tag::ab);
    dnnl::post_ops ops;
    if (act) {
      ops.append_sum(1.f);
      append_activation_post_ops(ops, *act);
    }
    dnnl::primitive_attr attr = b.attributes();
    attr.set_post_ops(ops);
    const memory::desc any_w({u, width}, kF32, memory::format_tag::any);
    const dnnl::matmul::desc d = bias ? dnnl::matmul::desc(src_md, any_w, bias_md, dst_md)
                                      : dnnl::matmul::desc(src_md, any_w, dst_md);
    const dnnl::matmul::primitive_desc pd(d, attr, b.engine());
    Call call{dnnl::matmul(pd), {{DNNL_ARG_WEIGHTS, b.constant(w_md, w.data(), pd.weights_desc())}},
              {{DNNL_ARG_SRC, src_md, src}, {DNNL_ARG_DST, dst_md, dst}}, pd.scratchpad_desc()};
    if (bias) call.constants.emplace_back(DNNL_ARG_BIAS, b.constant(bias_md, bias, bias_md));
    calls_.push_back(std::move(call));
  }

  // The eltwise primitives of `a` over (N, U) from `from` into `to` (none for linear: step() copies).
  void add_activation(PlanBuilder& b, core::Activation a, Slot from, Slot to) {
    dnnl::post_ops ops;
    append_activation_post_ops(ops, a);
    const memory::desc md({n_, cell_->u}, kF32, memory::format_tag::ab);
    for (int i = 0; i < ops.len(); ++i) {
      float scale = 1.f, alpha = 0.f, beta = 0.f;
      dnnl::algorithm alg = dnnl::algorithm::undef;
      ops.get_params_eltwise(i, scale, alg, alpha, beta);
      const dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, alg, md, alpha, beta);
      const dnnl::eltwise_forward::primitive_desc pd(d, b.attributes(), b.engine());
      calls_.push_back(Call{dnnl::eltwise_forward(pd), {}, {{DNNL_ARG_SRC, md, i == 0 ? from : to}, {DNNL_ARG_DST, md, to}},
                            pd.scratchpad_desc()});
    }
  }

  // Runs the activation's calls (from calls_[first] on) over n floats from `from` into `to`.
  void activate(const Executor& ex, std::size_t first, const float* from, float* to, int64_t n) const {
    if (first == calls_.size()) {
      if (to != from) std::copy_n(from, n, to);
      return;
    }
    for (std::size_t i = first; i < calls_.size(); ++i) ex.run(calls_, i);
  }

  std::shared_ptr<const Cell> cell_;
  int64_t n_;
  bool tanh_lstm_ = false;  // the default LSTM cell, as one product (tanh_lstm_step)
  std::span<const float> recurrent_;  // the layer's recurrent kernel, read while the calls are made
  dnnl::engine engine_;
  std::vector<Call> calls_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Executor>> idle_;
};

// xz = x @ kernel + input bias for every step of every row: one oneDNN matmul of (N*T, C) by (C, G*U), the
// half of the loop's work that does not depend on the states.
ValueId add_input_projection(PlanBuilder& b, const RecurrentProblem& p, const Cell& cell) {
  using dnnl::memory;
  const int64_t rows = p.batch * p.steps, gu = cell.gates * cell.u;
  const memory::desc x_md({rows, p.channels}, kF32, memory::format_tag::ab);
  const memory::desc w_md({p.channels, gu}, kF32, memory::format_tag::ab);
  const memory::desc bias_md({1, gu}, kF32, memory::format_tag::ab);
  const memory::desc out_md({rows, gu}, kF32, memory::format_tag::ab);
  const memory::desc any_w_md({p.channels, gu}, kF32, memory::format_tag::any);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(x_md, any_w_md, bias_md, out_md), b.attributes(), b.engine());
  const ValueId xz = b.add_plain({p.batch, p.steps, gu});
  if (rows == 0 || p.channels == 0) {  // nothing to multiply (oneDNN wants no empty matmul): xz is the bias
    const std::vector<float> bias(cell.bias.begin(), cell.bias.begin() + gu);
    b.add_custom(
        p.layer->name(),
        [=](const RunContext& ctx) {
          float* out = ctx.f32(xz);
          for (int64_t r = 0; r < rows; ++r) std::ranges::copy(bias, out + r * gu);
        },
        {}, {xz});
    return xz;
  }
  const std::span<const float> kernel = weight_values(p.layer->cell(), "kernel");
  b.add_primitive(p.layer->name(), dnnl::matmul(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, p.x, x_md}, {DNNL_ARG_DST, xz, out_md}},
                  {{DNNL_ARG_WEIGHTS, b.constant(w_md, kernel.data(), pd.weights_desc())},
                   {DNNL_ARG_BIAS, b.constant(bias_md, cell.bias.data(), bias_md)}});
  return xz;
}

// The loop over the steps, whichever computes a step (`compute(xz_t, xz_stride)` writes h_new / c_new from h / c in
// `small`, laid out as below): Keras's backend rnn around it.
struct LoopShape {
  int64_t n_rows, steps, u, gu;
  bool lstm, sequences, backwards, zero_masked;
};

template <typename Compute>
void run_loop(const LoopShape& l, const float* xz, const float* mask, const float* h0, const float* c0, float* small,
              float* out, float* h_final, float* c_final, Compute&& compute) {
  const int64_t n_rows = l.n_rows, steps = l.steps, u = l.u, nu = n_rows * u;
  float *h = small + 3 * nu, *cs = small + 4 * nu, *h_new = small + 5 * nu, *c_new = small + 6 * nu,
        *prev = small + 7 * nu;
  if (h0 != nullptr) std::copy_n(h0, nu, h);
  else std::fill_n(h, nu, 0.f);
  if (c0 != nullptr) std::copy_n(c0, nu, cs);
  else std::fill_n(cs, nu, 0.f);
  std::fill_n(prev, nu, 0.f);
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = l.backwards ? steps - 1 - s : s;
    // A step that every row masks (the tail of a padded batch) changes no state: it is not computed.
    bool any_kept = mask == nullptr;
    for (int64_t n = 0; n < n_rows && !any_kept; ++n) any_kept = mask[n * steps + t] != 0.f;
    if (any_kept) compute(xz + t * l.gu, steps * l.gu);
    for (int64_t n = 0; n < n_rows; ++n) {
      float* prev_n = prev + n * u;
      if (any_kept && (mask == nullptr || mask[n * steps + t] != 0.f)) {
        std::copy_n(h_new + n * u, u, h + n * u);
        if (l.lstm) std::copy_n(c_new + n * u, u, cs + n * u);
        std::copy_n(h_new + n * u, u, prev_n);
      } else if (l.zero_masked) {
        std::fill_n(prev_n, u, 0.f);
      }  // else: a masked step keeps the states and repeats the previous output
      if (l.sequences) std::copy_n(prev_n, u, out + (n * steps + s) * u);
    }
  }
  if (!l.sequences) std::copy_n(prev, nu, out);
  std::copy_n(h, nu, h_final);
  if (l.lstm) std::copy_n(cs, nu, c_final);
}

}  // namespace

void lower_recurrent_loop(PlanBuilder& b, const RecurrentProblem& p) {
  const core::RecurrentLayer& layer = *p.layer;
  const int64_t n_rows = p.batch, u = p.units;
  const bool on_onednn = n_rows > 0 && u > 0 && onednn_has(layer.activation()) &&
                         (layer.kind() == RecurrentKind::SimpleRNN || onednn_has(layer.recurrent_activation()));
  std::shared_ptr<const Cell> cell = make_cell(layer, p.channels, !on_onednn);
  const int64_t gu = cell->gates * u;
  const LoopShape shape{n_rows,          p.steps,        u, gu, layer.kind() == RecurrentKind::LSTM, p.return_sequences,
                        p.go_backwards, p.zero_output_for_mask};
  const ValueId xz_id = add_input_projection(b, p, *cell);
  // The loop's working memory (plan values: allocated with the plan, not per predict).
  const ValueId rows_gu = b.add_plain({2 * n_rows, gu}), rows_u = b.add_plain({8 * n_rows, u});
  std::vector<ValueId> reads = {xz_id}, writes = {p.output, p.state_h, rows_gu, rows_u};
  if (p.mask) reads.push_back(*p.mask);
  for (const std::optional<ValueId>& state : {p.initial_h, p.initial_c}) {
    if (state) reads.push_back(*state);
  }
  if (shape.lstm) writes.push_back(p.state_c);
  std::shared_ptr<const OnednnStep> fast = on_onednn ? std::make_shared<OnednnStep>(b, cell, layer, n_rows) : nullptr;
  std::optional<ValueId> scratch_id;
  if (fast && fast->scratchpad_floats() > 0) {
    scratch_id = b.add_plain({fast->scratchpad_floats()});
    writes.push_back(*scratch_id);
  }
  const std::optional<ValueId> h0_id = p.initial_h, c0_id = p.initial_c, mask_id = p.mask;
  const ValueId out_id = p.output, h_id = p.state_h, c_id = p.state_c;
  b.add_custom(
      layer.name(),
      [=](const RunContext& ctx) {
        const float* xz = ctx.f32(xz_id);
        const float* mask = mask_id ? ctx.f32(*mask_id) : nullptr;
        const float* h0 = h0_id ? ctx.f32(*h0_id) : nullptr;
        const float* c0 = c0_id ? ctx.f32(*c0_id) : nullptr;
        float* out = ctx.f32(out_id);
        float* h_final = ctx.f32(h_id);
        float* c_final = shape.lstm ? ctx.f32(c_id) : nullptr;
        float* big = ctx.f32(rows_gu);
        float* small = ctx.f32(rows_u);
        if (fast) {
          struct Lease {  // gives the executor back however the run ends
            const OnednnStep& step;
            std::unique_ptr<Executor> ex;
            ~Lease() { step.release(std::move(ex)); }
          } lease{*fast, fast->acquire()};
          lease.ex->bind({big, small, scratch_id ? ctx.f32(*scratch_id) : nullptr});
          run_loop(shape, xz, mask, h0, c0, small, out, h_final, c_final,
                   [&](const float* xz_t, int64_t stride) { fast->step(*lease.ex, xz_t, stride, big, small); });
          return;
        }
        const int64_t nu = n_rows * u;
        Scratch scratch{big, big + n_rows * gu, small, small + nu, small + 2 * nu};
        run_loop(shape, xz, mask, h0, c0, small, out, h_final, c_final, [&](const float* xz_t, int64_t stride) {
          cell->step(xz_t, stride, n_rows, small + 3 * nu, small + 4 * nu, small + 5 * nu, small + 6 * nu, scratch);
        });
      },
      reads, writes);
}

}  // namespace inlay::runtime
