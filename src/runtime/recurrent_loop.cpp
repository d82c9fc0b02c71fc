// The hand-written recurrent loop (recurrent.hpp): the math of Keras's cells (keras/src/layers/rnn/*.py,
// implementation 2) step by step, for what oneDNN's RNN primitives cannot express: masks, other activations.
#include <algorithm>
#include <memory>
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

std::shared_ptr<const Cell> make_cell(const core::RecurrentLayer& layer, int64_t channels) {
  auto cell = std::make_shared<Cell>();
  cell->kind = layer.kind();
  cell->c = channels;
  cell->u = layer.units();
  cell->gates = layer.gates();
  cell->reset_after = layer.kind() == RecurrentKind::GRU && layer.reset_after();
  cell->act = scalar_or_throw(layer.activation(), layer.name());
  cell->rec_act = layer.kind() == RecurrentKind::SimpleRNN ? nullptr
                                                            : scalar_or_throw(layer.recurrent_activation(), layer.name());
  const auto recurrent = weight_values(layer.cell(), "recurrent_kernel");
  cell->recurrent.assign(recurrent.begin(), recurrent.end());
  const int64_t bias_size = (cell->reset_after ? 2 : 1) * cell->gates * cell->u;
  cell->bias.assign(static_cast<std::size_t>(bias_size), 0.f);
  if (layer.use_bias()) std::ranges::copy(weight_values(layer.cell(), "bias"), cell->bias.begin());
  return cell;
}

// xz = x @ kernel + input bias for every step of every row: one oneDNN matmul of (N*T, C) by (C, G*U), the
// half of the loop's work that does not depend on the states.
ValueId add_input_projection(PlanBuilder& b, const RecurrentProblem& p, const Cell& cell) {
  using dnnl::memory;
  const memory::data_type f32 = memory::data_type::f32;
  const int64_t rows = p.batch * p.steps, gu = cell.gates * cell.u;
  const memory::desc x_md({rows, p.channels}, f32, memory::format_tag::ab);
  const memory::desc w_md({p.channels, gu}, f32, memory::format_tag::ab);
  const memory::desc bias_md({1, gu}, f32, memory::format_tag::ab);
  const memory::desc out_md({rows, gu}, f32, memory::format_tag::ab);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(x_md, memory::desc({p.channels, gu}, f32, memory::format_tag::any),
                                                           bias_md, out_md),
                                        b.attributes(), b.engine());
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

}  // namespace

void lower_recurrent_loop(PlanBuilder& b, const RecurrentProblem& p) {
  const core::RecurrentLayer& layer = *p.layer;
  std::shared_ptr<const Cell> cell = make_cell(layer, p.channels);
  const bool sequences = layer.return_sequences(), backwards = layer.go_backwards();
  const bool zero_masked = layer.zero_output_for_mask();
  const int64_t n_rows = p.batch, steps = p.steps, u = p.units, gu = cell->gates * u;
  const bool lstm = layer.kind() == RecurrentKind::LSTM;
  const ValueId xz_id = add_input_projection(b, p, *cell);
  // The loop's working memory (plan values: allocated with the plan, not per predict).
  const ValueId rows_gu = b.add_plain({2 * n_rows, gu}), rows_u = b.add_plain({8 * n_rows, u});
  std::vector<ValueId> reads = {xz_id}, writes = {p.output, p.state_h, rows_gu, rows_u};
  if (p.mask) reads.push_back(*p.mask);
  for (const std::optional<ValueId>& state : {p.initial_h, p.initial_c}) {
    if (state) reads.push_back(*state);
  }
  const std::optional<ValueId> h0_id = p.initial_h, c0_id = p.initial_c;
  if (lstm) writes.push_back(p.state_c);
  const ValueId out_id = p.output, h_id = p.state_h, c_id = p.state_c;
  const std::optional<ValueId> mask_id = p.mask;
  b.add_custom(
      layer.name(),
      [=](const RunContext& ctx) {
        const float* xz = ctx.f32(xz_id);
        const float* mask = mask_id ? ctx.f32(*mask_id) : nullptr;
        float* out = ctx.f32(out_id);
        float* h_final = ctx.f32(h_id);
        float* c_final = lstm ? ctx.f32(c_id) : nullptr;
        const int64_t nu = n_rows * u;
        float* big = ctx.f32(rows_gu);
        float* small = ctx.f32(rows_u);
        Scratch scratch{big, big + n_rows * gu, small, small + nu, small + 2 * nu};
        float *h = small + 3 * nu, *cs = small + 4 * nu, *h_new = small + 5 * nu, *c_new = small + 6 * nu,
              *prev = small + 7 * nu;
        std::fill_n(h, nu, 0.f);
        std::fill_n(cs, nu, 0.f);
        std::fill_n(prev, nu, 0.f);
        if (h0_id) std::copy_n(ctx.f32(*h0_id), nu, h);
        if (c0_id) std::copy_n(ctx.f32(*c0_id), nu, cs);
        for (int64_t s = 0; s < steps; ++s) {
          const int64_t t = backwards ? steps - 1 - s : s;
          cell->step(xz + t * gu, steps * gu, n_rows, h, cs, h_new, c_new, scratch);
          for (int64_t n = 0; n < n_rows; ++n) {
            float* prev_n = prev + n * u;
            if (mask == nullptr || mask[n * steps + t] != 0.f) {
              std::copy_n(h_new + n * u, u, h + n * u);
              if (lstm) std::copy_n(c_new + n * u, u, cs + n * u);
              std::copy_n(h_new + n * u, u, prev_n);
            } else if (zero_masked) {
              std::fill_n(prev_n, u, 0.f);
            }  // else: a masked step keeps the states and repeats the previous output
            if (sequences) std::copy_n(prev_n, u, out + (n * steps + s) * u);
          }
        }
        if (!sequences) std::copy_n(prev, nu, out);
        std::copy_n(h, nu, h_final);
        if (lstm) std::copy_n(cs, nu, c_final);
      },
      reads, writes);
}

}  // namespace inlay::runtime
