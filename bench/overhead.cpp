// inlay_bench_overhead: what inlay's execution engine costs on top of oneDNN.
//
// Every workload is built twice in one process and timed side by side:
//  (a) raw oneDNN, written the way an expert writes it: fp32, primitives created once, weights reordered
//      once into the layout the primitive prefers (format_tag::any), bias and activation fused (eltwise
//      post-ops), convolution chains kept in the blocked layouts oneDNN picks with reorders only at the
//      edges, softmax as its own primitive (in place), one stream;
//  (b) inlay, through its public C ABI only (include/inlay/inlay.h): the Keras graph built with
//      inlay_input / inlay_layer_create / inlay_layer_call / inlay_model_create, the same weights set with
//      inlay_model_set_weight, run with inlay_model_predict on a wrapped input and a preallocated output.
// Both results are compared (and, at batch 1, checked against a naive reference of Keras's semantics), so
// the two sides cannot compute different things. See bench/README.md.

#include <dnnl.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alloc_counter.hpp"
#include "peak_flops.hpp"
#include "inlay/inlay.h"

namespace {

using Clock = std::chrono::steady_clock;
using dnnl::memory;
using tag = dnnl::memory::format_tag;

[[noreturn]] void die(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "inlay_bench_overhead: error: %s\n", message.c_str());
  std::exit(1);
}

void check_inlay(inlay_status s, const char* what) {
  if (s != INLAY_OK) die(std::string(what) + " failed: " + inlay_status_name(s) + ": " + inlay_last_error());
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// ---------------------------------------------------------------------------------------------------------
// Workloads: Keras layers (channels_last), with their weights in Keras's layouts.

enum class Kind { Dense, Conv2D, MaxPooling2D, Flatten, GlobalAveragePooling2D };
enum class Activation { Linear, Relu, Softmax };

struct LayerSpec {
  Kind kind = Kind::Dense;
  int64_t units = 0;  // Dense units / Conv2D filters
  int64_t size = 0;    // Conv2D kernel size / MaxPooling2D pool size (square)
  int64_t stride = 1;  // Conv2D strides (square)
  bool same = false;   // Conv2D padding="same"
  Activation activation = Activation::Linear;
  std::vector<int64_t> kernel_dims;  // Keras layout: Dense (in, units), Conv2D (kh, kw, in, filters)
  std::vector<int64_t> output_shape;  // without the batch, filled by infer_shapes
  std::vector<float> kernel;
  std::vector<float> bias;  // (units)
};

struct Workload {
  std::string id;
  std::string title;
  std::vector<int64_t> input_shape;  // without the batch: (features) or (rows, cols, channels)
  std::vector<LayerSpec> layers;
  std::vector<int64_t> batches;
  std::vector<int64_t> output_shape;  // without the batch, filled by infer_shapes
  double flops_per_sample = 0;        // multiply-adds x 2 of Dense and Conv2D
};

int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t d : v) p *= d;
  return p;
}

// (batch, shape...): a Keras shape with its batch dimension.
std::vector<int64_t> batched(int64_t batch, const std::vector<int64_t>& shape) {
  std::vector<int64_t> dims{batch};
  dims.insert(dims.end(), shape.begin(), shape.end());
  return dims;
}

// A Conv2D's output size and padding along one spatial axis, as TensorFlow computes them: "valid" pads
// nothing; "same" gives ceil(in / stride) outputs and pads the total it needs, the odd one at the end.
struct ConvAxis {
  int64_t out = 0, pad_begin = 0, pad_end = 0;
};

ConvAxis conv_axis(int64_t in, int64_t k, int64_t stride, bool same) {
  ConvAxis a;
  if (!same) {
    a.out = (in - k) / stride + 1;
    return a;
  }
  a.out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((a.out - 1) * stride + k - in, 0);
  a.pad_begin = total / 2;
  a.pad_end = total - a.pad_begin;
  return a;
}

// Output shapes (without batch) of each layer, Keras's rules; also sizes the weights and counts the FLOPs.
void infer_shapes(Workload& w) {
  std::vector<int64_t> s = w.input_shape;
  w.flops_per_sample = 0;
  for (LayerSpec& l : w.layers) {
    switch (l.kind) {
      case Kind::Dense: {
        const int64_t in = product(s);
        if (s.size() != 1) die(w.id + ": Dense expects a flat input (put a Flatten before it)");
        l.kernel_dims = {in, l.units};
        w.flops_per_sample += 2.0 * static_cast<double>(in * l.units);
        s = {l.units};
        break;
      }
      case Kind::Conv2D: {
        const int64_t oh = conv_axis(s[0], l.size, l.stride, l.same).out;
        const int64_t ow = conv_axis(s[1], l.size, l.stride, l.same).out;
        l.kernel_dims = {l.size, l.size, s[2], l.units};
        w.flops_per_sample += 2.0 * static_cast<double>(oh * ow * l.units * l.size * l.size * s[2]);
        s = {oh, ow, l.units};
        break;
      }
      case Kind::MaxPooling2D:
        s = {(s[0] - l.size) / l.size + 1, (s[1] - l.size) / l.size + 1, s[2]};
        break;
      case Kind::Flatten:
        s = {product(s)};
        break;
      case Kind::GlobalAveragePooling2D:
        s = {s[2]};
        break;
    }
    l.output_shape = s;
  }
  w.output_shape = s;
}

// Glorot-uniform kernels and small uniform biases, from a fixed seed, so activations stay O(1).
void fill_weights(Workload& w, std::mt19937& rng) {
  for (LayerSpec& l : w.layers) {
    if (l.kind != Kind::Dense && l.kind != Kind::Conv2D) continue;
    const int64_t receptive = l.kind == Kind::Conv2D ? l.size * l.size : 1;
    const int64_t fan_in = l.kernel_dims[l.kernel_dims.size() - 2] * receptive;
    const int64_t fan_out = l.units * receptive;
    const float limit = std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
    std::uniform_real_distribution<float> kd(-limit, limit), bd(-0.1f, 0.1f);
    l.kernel.resize(static_cast<size_t>(product(l.kernel_dims)));
    for (float& v : l.kernel) v = kd(rng);
    l.bias.resize(static_cast<size_t>(l.units));
    for (float& v : l.bias) v = bd(rng);
  }
}

LayerSpec layer(Kind k) {
  LayerSpec l;
  l.kind = k;
  return l;
}
LayerSpec dense(int64_t units, Activation a) {
  LayerSpec l = layer(Kind::Dense);
  l.units = units;
  l.activation = a;
  return l;
}
LayerSpec conv2d(int64_t filters, int64_t k, bool same, Activation a, int64_t stride = 1) {
  LayerSpec l = layer(Kind::Conv2D);
  l.units = filters;
  l.size = k;
  l.stride = stride;
  l.same = same;
  l.activation = a;
  return l;
}
LayerSpec max_pool(int64_t p) {
  LayerSpec l = layer(Kind::MaxPooling2D);
  l.size = p;
  return l;
}

Workload workload(std::string id, std::string title, std::vector<int64_t> input_shape, std::vector<LayerSpec> layers,
                  std::vector<int64_t> batches) {
  Workload w;
  w.id = std::move(id);
  w.title = std::move(title);
  w.input_shape = std::move(input_shape);
  w.layers = std::move(layers);
  w.batches = std::move(batches);
  return w;
}

std::vector<Workload> make_workloads() {
  std::vector<Workload> ws;
  ws.push_back(workload("logreg", "Input(32) -> Dense(16, softmax)", {32}, {dense(16, Activation::Softmax)}, {1, 32, 64}));
  ws.push_back(workload("cnn", "Input(28,28,1) -> Conv2D(32,3,relu) -> Conv2D(64,3,relu) -> Flatten -> Dense(10,softmax)",
                {28, 28, 1},
                {conv2d(32, 3, false, Activation::Relu), conv2d(64, 3, false, Activation::Relu),
                 layer(Kind::Flatten), dense(10, Activation::Softmax)},
                {1, 64}));
  ws.push_back(workload("mnist_cnn",
                "Input(28,28,1) -> Conv2D(32,3,relu) -> MaxPool(2) -> Conv2D(64,3,relu) -> Flatten -> Dense(10,softmax)",
                {28, 28, 1},
                {conv2d(32, 3, false, Activation::Relu), max_pool(2), conv2d(64, 3, false, Activation::Relu),
                 layer(Kind::Flatten), dense(10, Activation::Softmax)},
                {1, 32, 64}));
  ws.push_back(workload("dense4096", "Input(4096) -> Dense(4096)", {4096}, {dense(4096, Activation::Linear)}, {1, 32, 64, 256}));
  ws.push_back(workload("conv56", "Input(56,56,64) -> Conv2D(64,3,same)", {56, 56, 64},
                {conv2d(64, 3, true, Activation::Linear)}, {1, 32}));
  ws.push_back(workload("conv7x7s2", "Input(224,224,3) -> Conv2D(64,7,strides=2,same)", {224, 224, 3},
                {conv2d(64, 7, true, Activation::Linear, 2)}, {1}));
  ws.push_back(workload("conv_stack",
                "Input(56,56,64) -> 3 x Conv2D(64,3,same,relu) -> GlobalAvgPool2D -> Dense(10)",
                {56, 56, 64},
                {conv2d(64, 3, true, Activation::Relu), conv2d(64, 3, true, Activation::Relu),
                 conv2d(64, 3, true, Activation::Relu), layer(Kind::GlobalAveragePooling2D),
                 dense(10, Activation::Linear)},
                {1, 32, 64}));
  std::mt19937 rng(20240611u);
  for (Workload& w : ws) {
    infer_shapes(w);
    fill_weights(w, rng);
  }
  return ws;
}

// ---------------------------------------------------------------------------------------------------------
// (a) Raw oneDNN.

// True when two descriptors address the same bytes the same way: equal, or both plain (no inner blocks),
// same dims and same strides on every dim larger than 1. Then no reorder is needed (e.g. NHWC and NCHW
// of a 1-channel image: the first convolution's preferred source layout over the caller's buffer).
bool same_layout(const memory::desc& a, const memory::desc& b) {
  if (a == b) return true;
  const dnnl_memory_desc_t& x = a.data;
  const dnnl_memory_desc_t& y = b.data;
  if (x.ndims != y.ndims || x.data_type != y.data_type || x.format_kind != dnnl_blocked ||
      y.format_kind != dnnl_blocked || x.offset0 != 0 || y.offset0 != 0)
    return false;
  if (x.format_desc.blocking.inner_nblks != 0 || y.format_desc.blocking.inner_nblks != 0) return false;
  for (int i = 0; i < x.ndims; ++i) {
    if (x.dims[i] != y.dims[i] || x.padded_dims[i] != y.padded_dims[i]) return false;
    if (x.dims[i] > 1 && x.format_desc.blocking.strides[i] != y.format_desc.blocking.strides[i]) return false;
  }
  return a.get_size() == b.get_size();
}

// The convolutions inlay runs with Winograd's algorithm under INLAY_PRECISION_FLOAT32 (src/runtime/conv.cpp,
// prefer_winograd: measured there): the raw net asks oneDNN for the same, as an expert who measured would.
bool inlay_prefers_winograd(int64_t batch, int64_t channels, int64_t filters, int64_t k, int64_t stride,
                            int64_t oh, int64_t ow) {
  if (k != 3 || stride != 1) return false;
  if (oh * ow >= 20 * 20) return channels >= 16 && filters >= 16;
  if (channels < 32 || filters < 32 || batch < 4) return false;
  return oh * ow >= 12 * 12 || batch * channels * filters >= 32768;
}

class RawNet {
 public:
  // Builds the primitives for this batch, reorders the weights once (executed on s) and binds the caller's
  // input (batch x input_shape, channels_last) and output buffers. winograd: 3x3 convolutions as inlay's
  // default precision runs them (else all direct, as INLAY_PRECISION_FLOAT32_STRICT).
  RawNet(const Workload& w, int64_t batch, float* input, float* output, const dnnl::engine& eng, dnnl::stream& s,
         bool winograd)
      : eng_(eng) {
    const memory::dim n = batch;
    memory cur;
    std::vector<int64_t> shape = w.input_shape;
    bool spatial = shape.size() == 3;  // cur is logically (N, C, H, W); else (N, F)
    if (spatial) {
      cur = memory({{n, shape[2], shape[0], shape[1]}, memory::data_type::f32, tag::nhwc}, eng_, input);
    } else {
      cur = memory({{n, shape[0]}, memory::data_type::f32, tag::nc}, eng_, input);
    }
    for (size_t li = 0; li < w.layers.size(); ++li) {
      const LayerSpec& l = w.layers[li];
      const bool last = li + 1 == w.layers.size();
      switch (l.kind) {
        case Kind::Conv2D: {
          const memory::dim c = shape[2], h = shape[0], wd = shape[1], k = l.size, f = l.units;
          const ConvAxis ah = conv_axis(h, k, l.stride, l.same), aw = conv_axis(wd, k, l.stride, l.same);
          const memory::dim oh = ah.out, ow = aw.out;
          const memory::desc src_md({n, c, h, wd}, memory::data_type::f32, tag::any);
          const memory::desc wei_md({f, c, k, k}, memory::data_type::f32, tag::any);
          const memory::desc bias_md({f}, memory::data_type::f32, tag::x);
          // The last layer writes the caller's channels_last output directly (as an expert would ask for),
          // unless it runs Winograd's algorithm, which writes blocked layouts only: then a reorder follows.
          const bool wino = winograd && inlay_prefers_winograd(n, c, f, k, l.stride, oh, ow);
          const memory::desc dst_md({n, f, oh, ow}, memory::data_type::f32, last && !wino ? tag::nhwc : tag::any);
          const auto primitive_desc = [&](dnnl::algorithm algo) {
            const dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, algo, src_md, wei_md,
                                                    bias_md, dst_md, {l.stride, l.stride},
                                                    {ah.pad_begin, aw.pad_begin}, {ah.pad_end, aw.pad_end});
            return dnnl::convolution_forward::primitive_desc(d, activation_attr(l.activation), eng_);
          };
          dnnl::convolution_forward::primitive_desc pd;
          if (wino) {
            try {
              pd = primitive_desc(dnnl::algorithm::convolution_winograd);
            } catch (const dnnl::error&) {  // no Winograd kernel on this CPU
            }
          }
          if (!pd) pd = primitive_desc(dnnl::algorithm::convolution_direct);
          const memory::desc user_dst({n, f, oh, ow}, memory::data_type::f32, tag::nhwc);
          const memory src = to_layout(cur, pd.src_desc());
          // Keras kernel (kh, kw, in, filters) is oneDNN's hwio.
          const memory wei = reorder_weights(l.kernel, {{f, c, k, k}, memory::data_type::f32, tag::hwio},
                                             pd.weights_desc(), s);
          const memory bias = wrap_const(l.bias, pd.bias_desc());
          const bool direct_out = last && pd.dst_desc() == user_dst;
          const memory dst = direct_out ? memory(pd.dst_desc(), eng_, output) : memory(pd.dst_desc(), eng_);
          add(dnnl::convolution_forward(pd),
              {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
          cur = dst;
          if (last && !direct_out) {
            cur = memory(user_dst, eng_, output);
            add(dnnl::reorder(dst, cur), {{DNNL_ARG_FROM, dst}, {DNNL_ARG_TO, cur}});
          }
          shape = {oh, ow, f};
          break;
        }
        case Kind::MaxPooling2D:
        case Kind::GlobalAveragePooling2D: {
          const bool global = l.kind == Kind::GlobalAveragePooling2D;
          const memory::dim c = shape[2], h = shape[0], wd = shape[1];
          const memory::dim kh = global ? h : l.size, kw = global ? wd : l.size;
          const memory::dim sh = global ? 1 : l.size, sw = global ? 1 : l.size;
          const memory::dim oh = (h - kh) / sh + 1, ow = (wd - kw) / sw + 1;
          // The source stays in whatever (blocked) layout the previous convolution chose.
          const memory::desc dst_md({n, c, oh, ow}, memory::data_type::f32, tag::any);
          const dnnl::pooling_forward::desc d(
              dnnl::prop_kind::forward_inference,
              global ? dnnl::algorithm::pooling_avg_exclude_padding : dnnl::algorithm::pooling_max, cur.get_desc(),
              dst_md, {sh, sw}, {kh, kw}, {0, 0}, {0, 0});
          const dnnl::pooling_forward::primitive_desc pd(d, eng_);
          const memory dst(pd.dst_desc(), eng_);
          add(dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, cur}, {DNNL_ARG_DST, dst}});
          cur = dst;
          // GlobalAveragePooling2D's (N, C) is kept as (N, C, 1, 1): the next Dense reads it as is.
          shape = {oh, ow, c};
          break;
        }
        case Kind::Flatten:
          // Nothing to run: the next Dense reads the 4-D tensor in the layout it has (see Dense below).
          break;
        case Kind::Dense: {
          const memory::dim o = l.units;
          memory::desc src_md, user_wei_md;
          if (spatial) {
            const memory::dim c = shape[2], h = shape[0], wd = shape[1];
            // An inner product over the 4-D tensor in the layout the previous primitive produced (blocked or
            // NHWC), with the Keras kernel (h*w*c, units) read as hwio weights (units, c, h, w) -- exactly
            // the NHWC order in which Flatten lays the features out. No reorder of the activations. (When
            // that layout is plain NHWC, a 2-D inner product over (N, h*w*c) would also do; oneDNN 2.6 runs
            // it with brgemm, which measured ~5 us slower at batch 1 than the 4-D gemm one on avx512_core.)
            src_md = cur.get_desc();
            user_wei_md = memory::desc({o, c, h, wd}, memory::data_type::f32, tag::hwio);
          } else {
            src_md = cur.get_desc();
            user_wei_md = memory::desc({o, shape[0]}, memory::data_type::f32, tag::io);  // Keras (in, units)
          }
          const memory::desc wei_md(user_wei_md.dims(), memory::data_type::f32, tag::any);
          const memory::desc bias_md({o}, memory::data_type::f32, tag::x);
          const memory::desc dst_md({n, o}, memory::data_type::f32, tag::nc);
          const dnnl::inner_product_forward::desc d(dnnl::prop_kind::forward_inference, src_md, wei_md, bias_md,
                                                    dst_md);
          const Activation fused = l.activation == Activation::Softmax ? Activation::Linear : l.activation;
          const dnnl::inner_product_forward::primitive_desc pd(d, activation_attr(fused), eng_);
          const memory src = to_layout(cur, pd.src_desc());
          const memory wei = reorder_weights(l.kernel, user_wei_md, pd.weights_desc(), s);
          const memory bias = wrap_const(l.bias, pd.bias_desc());
          const memory dst = last ? memory(pd.dst_desc(), eng_, output) : memory(pd.dst_desc(), eng_);
          add(dnnl::inner_product_forward(pd),
              {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
          if (l.activation == Activation::Softmax) {
            const dnnl::softmax_forward::desc sd(dnnl::prop_kind::forward_inference, dst.get_desc(), 1);
            const dnnl::softmax_forward::primitive_desc spd(sd, eng_);
            add(dnnl::softmax_forward(spd), {{DNNL_ARG_SRC, dst}, {DNNL_ARG_DST, dst}});  // in place
          }
          cur = dst;
          shape = {o};
          spatial = false;
          break;
        }
      }
    }
    // The workloads end in Dense or Conv2D, which write the caller's buffer (directly, or by a reorder).
    if (cur.get_data_handle() != output) die(w.id + ": raw oneDNN net does not end in the output buffer");
  }

  void run(dnnl::stream& s) {
    for (Step& st : steps_) st.prim.execute(s, st.args);
    s.wait();
  }

  size_t primitive_count() const { return steps_.size(); }
  // The largest scratchpad any of the primitives asks for (one scratchpad can serve them all in turn).
  int64_t max_scratchpad_bytes() const {
    int64_t most = 0;
    for (const Step& st : steps_) {
      const_dnnl_primitive_desc_t pd = nullptr;
      if (dnnl_primitive_get_primitive_desc(st.prim.get(), &pd) != dnnl_success) continue;
      // The raw net leaves the scratchpad to oneDNN (library mode), where the scratchpad desc reads empty:
      // the memory consumption query answers in either mode.
      int64_t bytes = 0;
      if (dnnl_primitive_desc_query(pd, dnnl_query_memory_consumption_s64, 0, &bytes) == dnnl_success)
        most = std::max(most, bytes);
    }
    return most;
  }

 private:
  struct Step {
    dnnl::primitive prim;
    std::unordered_map<int, memory> args;
  };

  static dnnl::primitive_attr activation_attr(Activation a) {
    dnnl::primitive_attr attr;
    if (a == Activation::Relu) {
      dnnl::post_ops po;
      po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(po);
    }
    return attr;
  }

  void add(dnnl::primitive p, std::unordered_map<int, memory> args) {
    steps_.push_back({std::move(p), std::move(args)});
  }

  // cur as the layout `want`: the same memory when it already is, else a reorder step (an edge).
  memory to_layout(const memory& cur, const memory::desc& want) {
    if (same_layout(cur.get_desc(), want)) return memory(want, eng_, cur.get_data_handle());
    const memory out(want, eng_);
    add(dnnl::reorder(cur, out), {{DNNL_ARG_FROM, cur}, {DNNL_ARG_TO, out}});
    return out;
  }

  memory wrap_const(const std::vector<float>& v, const memory::desc& md) {
    return memory(md, eng_, const_cast<float*>(v.data()));
  }

  // The weights, once, into the primitive's preferred layout (owned by the net, like a compiled plan).
  memory reorder_weights(const std::vector<float>& keras, const memory::desc& user_md, const memory::desc& want,
                         dnnl::stream& s) {
    memory user = wrap_const(keras, user_md);
    if (user_md == want) return user;
    memory out(want, eng_);
    dnnl::reorder(user, out).execute(s, user, out);
    s.wait();
    return out;
  }

  dnnl::engine eng_;
  std::vector<Step> steps_;
};

// ---------------------------------------------------------------------------------------------------------
// A naive reference of Keras's semantics (NHWC, one sample at a time), to check the raw net at batch 1.

std::vector<float> reference(const Workload& w, const float* sample) {
  std::vector<double> x(sample, sample + product(w.input_shape));
  std::vector<int64_t> s = w.input_shape;
  for (const LayerSpec& l : w.layers) {
    switch (l.kind) {
      case Kind::Conv2D: {
        const int64_t h = s[0], wd = s[1], c = s[2], k = l.size, f = l.units, st = l.stride;
        const ConvAxis ah = conv_axis(h, k, st, l.same), aw = conv_axis(wd, k, st, l.same);
        const int64_t oh = ah.out, ow = aw.out;
        std::vector<double> y(static_cast<size_t>(oh * ow * f));
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            double* out = &y[static_cast<size_t>((i * ow + j) * f)];
            for (int64_t o = 0; o < f; ++o) out[o] = l.bias[static_cast<size_t>(o)];
            for (int64_t a = 0; a < k; ++a)
              for (int64_t b = 0; b < k; ++b) {
                const int64_t ii = i * st + a - ah.pad_begin, jj = j * st + b - aw.pad_begin;
                if (ii < 0 || ii >= h || jj < 0 || jj >= wd) continue;
                for (int64_t ci = 0; ci < c; ++ci) {
                  const double v = x[static_cast<size_t>((ii * wd + jj) * c + ci)];
                  const float* kr = &l.kernel[static_cast<size_t>(((a * k + b) * c + ci) * f)];
                  for (int64_t o = 0; o < f; ++o) out[o] += v * kr[o];
                }
              }
            if (l.activation == Activation::Relu)
              for (int64_t o = 0; o < f; ++o) out[o] = std::max(out[o], 0.0);
          }
        x = std::move(y);
        s = {oh, ow, f};
        break;
      }
      case Kind::MaxPooling2D: {
        const int64_t h = s[0], wd = s[1], c = s[2], p = l.size, oh = (h - p) / p + 1, ow = (wd - p) / p + 1;
        std::vector<double> y(static_cast<size_t>(oh * ow * c), -std::numeric_limits<double>::infinity());
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j)
            for (int64_t a = 0; a < p; ++a)
              for (int64_t b = 0; b < p; ++b)
                for (int64_t ci = 0; ci < c; ++ci) {
                  double& out = y[static_cast<size_t>((i * ow + j) * c + ci)];
                  out = std::max(out, x[static_cast<size_t>(((i * p + a) * wd + j * p + b) * c + ci)]);
                }
        x = std::move(y);
        s = {oh, ow, c};
        break;
      }
      case Kind::Flatten:
        s = {product(s)};
        break;
      case Kind::GlobalAveragePooling2D: {
        const int64_t hw = s[0] * s[1], c = s[2];
        std::vector<double> y(static_cast<size_t>(c), 0.0);
        for (int64_t p = 0; p < hw; ++p)
          for (int64_t ci = 0; ci < c; ++ci) y[static_cast<size_t>(ci)] += x[static_cast<size_t>(p * c + ci)];
        for (double& v : y) v /= static_cast<double>(hw);
        x = std::move(y);
        s = {c};
        break;
      }
      case Kind::Dense: {
        const int64_t in = s[0], o = l.units;
        std::vector<double> y(l.bias.begin(), l.bias.end());
        for (int64_t i = 0; i < in; ++i) {
          const double v = x[static_cast<size_t>(i)];
          const float* kr = &l.kernel[static_cast<size_t>(i * o)];
          for (int64_t j = 0; j < o; ++j) y[static_cast<size_t>(j)] += v * kr[j];
        }
        if (l.activation == Activation::Relu)
          for (double& v : y) v = std::max(v, 0.0);
        if (l.activation == Activation::Softmax) {
          const double m = *std::max_element(y.begin(), y.end());
          double sum = 0;
          for (double& v : y) sum += (v = std::exp(v - m));
          for (double& v : y) v /= sum;
        }
        x = std::move(y);
        s = {o};
        break;
      }
    }
  }
  return std::vector<float>(x.begin(), x.end());
}

// ---------------------------------------------------------------------------------------------------------
// (b) inlay through its C ABI.

std::string dims_json(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::Relu:
      return "relu";
    case Activation::Softmax:
      return "softmax";
    case Activation::Linear:
      break;
  }
  return "linear";
}

template <class W, class F>
void for_each_weight(W& w, inlay_model* m, F&& f);

inlay_model* build_inlay_model(const Workload& w) {
  inlay_graph* g = nullptr;
  check_inlay(inlay_graph_create(&g), "inlay_graph_create");
  inlay_tensor* x = nullptr;
  const std::string input_kwargs = "{\"shape\":" + dims_json(w.input_shape) + "}";
  check_inlay(inlay_input(g, input_kwargs.c_str(), nullptr, nullptr, &x), "inlay_input");
  inlay_tensor* const input = x;
  for (const LayerSpec& l : w.layers) {
    const char* cls = "";
    std::string config;
    const std::string act = std::string("\"activation\":\"") + activation_name(l.activation) + "\"";
    switch (l.kind) {
      case Kind::Dense:
        cls = "Dense";
        config = "{\"units\":" + std::to_string(l.units) + "," + act + "}";
        break;
      case Kind::Conv2D:
        cls = "Conv2D";
        config = "{\"filters\":" + std::to_string(l.units) + ",\"kernel_size\":[" + std::to_string(l.size) + "," +
                 std::to_string(l.size) + "],\"strides\":[" + std::to_string(l.stride) + "," +
                 std::to_string(l.stride) + "],\"padding\":\"" + (l.same ? "same" : "valid") + "\"," + act + "}";
        break;
      case Kind::MaxPooling2D:
        cls = "MaxPooling2D";
        config = "{\"pool_size\":[" + std::to_string(l.size) + "," + std::to_string(l.size) + "]}";
        break;
      case Kind::Flatten:
        cls = "Flatten";
        config = "{}";
        break;
      case Kind::GlobalAveragePooling2D:
        cls = "GlobalAveragePooling2D";
        config = "{}";
        break;
    }
    inlay_layer* layer = nullptr;
    check_inlay(inlay_layer_create(g, cls, config.c_str(), &layer), (std::string("inlay_layer_create ") + cls).c_str());
    inlay_tensor* y = nullptr;
    size_t n_out = 0;
    check_inlay(inlay_layer_call(layer, &x, 1, &y, 1, &n_out), (std::string("inlay_layer_call ") + cls).c_str());
    x = y;
  }
  inlay_model* m = nullptr;
  check_inlay(inlay_model_create(g, &input, 1, &x, 1, w.id.c_str(), &m), "inlay_model_create");
  inlay_graph_free(g);  // the model shares the graph

  for_each_weight(w, m, [&](size_t i, const std::vector<float>& v) {
    check_inlay(inlay_model_set_weight(m, i, v.data(), v.size()), "inlay_model_set_weight");
  });
  return m;
}

// Calls f(i, values) for model.weights[i] (per layer kernel then bias, in layer order), after checking
// that the model's weights have the workload's layers' dims. W is Workload or const Workload: the values
// are writable when w is.
template <class W, class F>
void for_each_weight(W& w, inlay_model* m, F&& f) {
  std::vector<decltype(&w.layers.front())> weighted;
  for (auto& l : w.layers)
    if (l.kind == Kind::Dense || l.kind == Kind::Conv2D) weighted.push_back(&l);
  if (inlay_model_weight_count(m) != 2 * weighted.size())
    die(w.id + ": inlay model has " + std::to_string(inlay_model_weight_count(m)) + " weights, expected " +
        std::to_string(2 * weighted.size()));
  for (size_t i = 0; i < inlay_model_weight_count(m); ++i) {
    auto& l = *weighted[i / 2];
    auto& v = i % 2 == 0 ? l.kernel : l.bias;
    const std::vector<int64_t> want = i % 2 == 0 ? l.kernel_dims : std::vector<int64_t>{l.units};
    const char* name = nullptr;
    int rank = 0;
    const int64_t* dims = nullptr;
    check_inlay(inlay_model_weight_info(m, i, &name, &rank, &dims), "inlay_model_weight_info");
    if (std::vector<int64_t>(dims, dims + rank) != want)
      die(w.id + ": inlay weight " + name + " has dims " + dims_json(std::vector<int64_t>(dims, dims + rank)) +
          ", expected " + dims_json(want));
    f(i, v);
  }
}

// The workload's weights from a loaded model (a Keras file): the raw side then runs the same numbers.
void take_weights(Workload& w, inlay_model* m) {
  for_each_weight(w, m, [&](size_t i, std::vector<float>& v) {
    check_inlay(inlay_model_get_weight(m, i, v.data(), v.size()), "inlay_model_get_weight");
  });
}

bool file_exists(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f != nullptr) std::fclose(f);
  return f != nullptr;
}

// A float32 .npy file with the expected dims, or an empty vector when the file does not exist.
std::vector<float> load_npy(const std::string& path, const std::vector<int64_t>& dims) {
  if (!file_exists(path)) return {};
  inlay_array* a = nullptr;
  check_inlay(inlay_array_load_npy(path.c_str(), &a), path.c_str());
  const std::vector<int64_t> got(inlay_array_dims(a), inlay_array_dims(a) + inlay_array_rank(a));
  if (inlay_array_dtype(a) != INLAY_FLOAT32 || got != dims)
    die(path + ": expected float32 " + dims_json(dims) + ", got " + dims_json(got));
  const float* data = static_cast<const float*>(inlay_array_data(a));
  std::vector<float> out(data, data + inlay_array_element_count(a));
  inlay_array_free(a);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Timing.

struct Stats {
  double cold_us = 0;
  double min_us = 0, median_us = 0, p90_us = 0;
  int64_t iterations = 0;
};

struct Options {
  bool quick = false;
  double target_s = 0.5;  // timed calls per side and measurement
  std::string json_path;
  std::vector<std::string> only;
  std::vector<int64_t> batches;
  std::string models_dir;  // <dir>/<workload>/model.keras (+ input_b<N>.npy, keras_b<N>.npy): bench/models.py
  bool extras = true;      // the 10,000-layer build, peak memory, machine limits
  bool strict = false;     // INLAY_PRECISION_FLOAT32_STRICT, and the raw net's convolutions all direct
};

void set_precision(inlay_model* m, const Options& opt) {
  check_inlay(inlay_model_set_precision(m, opt.strict ? INLAY_PRECISION_FLOAT32_STRICT : INLAY_PRECISION_FLOAT32),
              "inlay_model_set_precision");
}

void summarize(std::vector<double>& samples_us, Stats& st) {
  std::sort(samples_us.begin(), samples_us.end());
  const size_t n = samples_us.size();
  st.iterations = static_cast<int64_t>(n);
  st.min_us = samples_us.front();
  st.median_us = n % 2 ? samples_us[n / 2] : 0.5 * (samples_us[n / 2 - 1] + samples_us[n / 2]);
  st.p90_us = samples_us[static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1];
}

// Empties oneDNN's primitive cache, so that a cold measurement pays for its JIT code generation even when
// the other side (or an earlier batch) created the same primitives before.
void flush_primitive_cache() {
  const int capacity = dnnl::get_primitive_cache_capacity();
  dnnl::set_primitive_cache_capacity(0);
  dnnl::set_primitive_cache_capacity(capacity);
}

struct Compare {
  double max_abs = 0, rel = 0;
  bool finite = true;
};

Compare compare(const float* ref, const float* got, size_t n) {
  Compare c;
  double scale = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(ref[i]) || !std::isfinite(got[i])) c.finite = false;
    c.max_abs = std::max(c.max_abs, std::fabs(static_cast<double>(ref[i]) - static_cast<double>(got[i])));
    scale = std::max(scale, std::fabs(static_cast<double>(ref[i])));
  }
  c.rel = c.max_abs / std::max(scale, 1e-30);
  return c;
}

void require_agreement(const Compare& c, const std::string& what) {
  if (!c.finite || !(c.rel <= 1e-3))
    die(what + " disagree: max abs diff " + std::to_string(c.max_abs) + ", relative " + std::to_string(c.rel) +
        (c.finite ? "" : " (non-finite values)") + " -- the benchmark would compare different computations");
}

struct Result {
  const Workload* w = nullptr;
  int64_t batch = 0;
  Stats raw, inlay;
  Compare diff;
  size_t raw_primitives = 0;
  double load_us = -1;            // inlay_model_load of the Keras file (part of inlay's cold), when loaded
  double keras_max_abs_diff = -1;  // inlay's output against Keras's own (keras_b<N>.npy), when there is one
  double raw_allocs_per_call = 0, inlay_allocs_per_call = 0;  // heap allocations per warm call, whole process
};

// Heap allocations per call of f over n warm calls (the allocation hook counts every thread).
template <class F>
double allocations_per_call(F&& f, int n) {
  const uint64_t before = bench::alloc_snapshot().allocations;
  for (int i = 0; i < n; ++i) f();
  return static_cast<double>(bench::alloc_snapshot().allocations - before) / n;
}

// Times f per call: warm-up, then enough calls for ~target_s, in rounds alternating with g's own rounds
// (so that drift in clock speed or machine load hits both sides alike).
template <class F, class G>
void time_pair(F&& f, G&& g, const Options& opt, std::vector<double>& fs, std::vector<double>& gs) {
  auto warm = [&](auto&& fn) {
    const int min_calls = opt.quick ? 2 : 5;
    const double min_s = opt.quick ? 0.01 : 0.1;
    const auto t0 = Clock::now();
    int calls = 0;
    while (calls < min_calls || seconds_since(t0) < min_s) {
      fn();
      ++calls;
    }
    return seconds_since(t0) / calls;
  };
  const double tf = warm(f), tg = warm(g);
  const int64_t min_iters = opt.quick ? 3 : 15, max_iters = 1000000;
  auto iters_for = [&](double per_call) {
    return std::clamp(static_cast<int64_t>(opt.target_s / std::max(per_call, 1e-9)), min_iters, max_iters);
  };
  const int64_t nf = iters_for(tf), ng = iters_for(tg);
  const int rounds = opt.quick ? 1 : 5;
  fs.reserve(static_cast<size_t>(nf));
  gs.reserve(static_cast<size_t>(ng));
  auto timed = [](auto&& fn, int64_t n, std::vector<double>& out) {
    for (int64_t i = 0; i < n; ++i) {
      const auto t0 = Clock::now();
      fn();
      out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  };
  for (int r = 0; r < rounds; ++r) {
    timed(f, nf * (r + 1) / rounds - nf * r / rounds, fs);
    timed(g, ng * (r + 1) / rounds - ng * r / rounds, gs);
  }
}

// What a Keras file brings along for one batch: Keras's input and output (empty when absent).
struct KerasData {
  double load_us = -1;
  std::vector<float> input, output;
};

Result run_one(const Workload& w, int64_t batch, inlay_model* model, const dnnl::engine& eng, dnnl::stream& s,
               const Options& opt, const KerasData& keras) {
  Result res;
  res.w = &w;
  res.batch = batch;
  res.load_us = keras.load_us;
  const size_t in_per = static_cast<size_t>(product(w.input_shape)), out_per = static_cast<size_t>(product(w.output_shape));
  std::vector<float> input(in_per * static_cast<size_t>(batch)), raw_out(out_per * static_cast<size_t>(batch));
  std::mt19937 rng(static_cast<unsigned>(batch * 7919 + static_cast<int64_t>(w.id.size())));
  std::uniform_real_distribution<float> ud(-1.0f, 1.0f);
  for (float& v : input) v = ud(rng);
  if (!keras.input.empty()) input = keras.input;

  const std::vector<int64_t> in_dims = batched(batch, w.input_shape), out_dims = batched(batch, w.output_shape);
  inlay_array* in_arr = nullptr;
  inlay_array* out_arr = nullptr;
  check_inlay(inlay_array_wrap(INLAY_FLOAT32, in_dims.data(), static_cast<int>(in_dims.size()), input.data(), &in_arr),
              "inlay_array_wrap");
  check_inlay(inlay_array_create(INLAY_FLOAT32, out_dims.data(), static_cast<int>(out_dims.size()), &out_arr),
              "inlay_array_create");
  float* inlay_out = static_cast<float*>(inlay_array_data(out_arr));
  if (inlay_out == nullptr || inlay_array_element_count(out_arr) != raw_out.size())
    die(w.id + ": inlay_array_create gave no buffer of the output's size");
  const inlay_array* const inputs[1] = {in_arr};

  // Cold: raw = primitive descriptors + primitives + weight reorders + first execute; inlay = its first
  // predict for these dims (plan compilation included). Both after emptying the primitive cache.
  flush_primitive_cache();
  auto t0 = Clock::now();
  RawNet raw(w, batch, input.data(), raw_out.data(), eng, s, !opt.strict);
  raw.run(s);
  res.raw.cold_us = seconds_since(t0) * 1e6;
  res.raw_primitives = raw.primitive_count();

  flush_primitive_cache();
  t0 = Clock::now();
  check_inlay(inlay_model_predict(model, inputs, 1, &out_arr, 1), "inlay_model_predict");
  res.inlay.cold_us = seconds_since(t0) * 1e6 + std::max(keras.load_us, 0.0);

  const std::string where = w.id + " batch " + std::to_string(batch);
  if (batch == 1) {
    const std::vector<float> ref = reference(w, input.data());
    require_agreement(compare(ref.data(), raw_out.data(), out_per), where + ": raw oneDNN and the naive reference");
  }
  require_agreement(compare(raw_out.data(), inlay_out, raw_out.size()), where + ": raw oneDNN and inlay (cold call)");
  if (!keras.output.empty()) {
    const Compare k = compare(keras.output.data(), inlay_out, raw_out.size());
    require_agreement(k, where + ": Keras (keras_b" + std::to_string(batch) + ".npy) and inlay");
    res.keras_max_abs_diff = k.max_abs;
  }

  std::vector<double> raw_us, inlay_us;
  auto raw_call = [&] { raw.run(s); };
  auto inlay_call = [&] {
    if (inlay_model_predict(model, inputs, 1, &out_arr, 1) != INLAY_OK) die(std::string("predict: ") + inlay_last_error());
  };
  time_pair(raw_call, inlay_call, opt, raw_us, inlay_us);
  summarize(raw_us, res.raw);
  summarize(inlay_us, res.inlay);
  // Steady state: both sides are warm now.
  res.raw_allocs_per_call = allocations_per_call(raw_call, 20);
  res.inlay_allocs_per_call = allocations_per_call(inlay_call, 20);

  // Once more on poisoned outputs: the warm (cached-plan) path must write every element, and agree.
  std::fill(raw_out.begin(), raw_out.end(), std::numeric_limits<float>::quiet_NaN());
  std::fill(inlay_out, inlay_out + raw_out.size(), std::numeric_limits<float>::quiet_NaN());
  raw_call();
  inlay_call();
  res.diff = compare(raw_out.data(), inlay_out, raw_out.size());
  require_agreement(res.diff, where + ": raw oneDNN and inlay (warm call)");

  inlay_array_free(out_arr);
  inlay_array_free(in_arr);
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Extras: the machine's limits, building a 10,000-layer model, peak memory.

struct Machine {
  double peak_gflops = 0;       // fp32, measured: FMA loops on every thread (peak_flops.cpp)
  const char* peak_isa = "";
  double nominal_gflops = 0;    // the ISA's FMA width x 2 units x threads x nominal clock (often wrong on VMs)
  double sgemm_gflops = 0;      // measured: dnnl_sgemm 2048^3, what a tuned kernel reaches
  double bandwidth_gbs = 0;     // measured: a STREAM-like triad over 3 x 128 MiB
  double clock_ghz = 0;
  int fp32_flops_per_cycle = 0;  // per core
};

// Nominal clock from /proc/cpuinfo's model name ("@ 2.10GHz"), else its "cpu MHz".
double nominal_clock_ghz() {
  std::FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (f == nullptr) return 0;
  char line[512];
  double ghz = 0, mhz = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    const std::string l = line;
    if (ghz == 0 && l.rfind("model name", 0) == 0) {
      const size_t at = l.find('@');
      if (at != std::string::npos) ghz = std::atof(l.c_str() + at + 1);
    }
    if (mhz == 0 && l.rfind("cpu MHz", 0) == 0) mhz = std::atof(l.c_str() + l.find(':') + 1);
  }
  std::fclose(f);
  return ghz > 0 ? ghz : mhz / 1000.0;
}

Machine measure_machine(int threads, bool quick) {
  Machine m;
  const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
  // Two FMA units per core on the Xeons these ISAs come with: 2 x lanes x 2 flops.
  const int lanes = isa >= dnnl::cpu_isa::avx512_core ? 16 : isa >= dnnl::cpu_isa::avx2 ? 8 : 4;
  m.fp32_flops_per_cycle = 2 * lanes * 2;
  m.clock_ghz = nominal_clock_ghz();
  m.nominal_gflops = m.fp32_flops_per_cycle * m.clock_ghz * threads;
  const bench::PeakFlops peak = bench::measure_peak_flops(threads, quick ? 0.05 : 0.3);
  m.peak_gflops = peak.gflops;
  m.peak_isa = peak.isa;

  const memory::dim n = quick ? 1024 : 2048;
  std::vector<float> a(static_cast<size_t>(n * n), 0.5f), b(a), c(a.size());
  double best = 1e30;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = Clock::now();
    dnnl::sgemm('N', 'N', n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    best = std::min(best, seconds_since(t0));
  }
  m.sgemm_gflops = 2.0 * static_cast<double>(n) * n * n / best * 1e-9;

  const size_t len = (quick ? 16u : 128u) << 20 >> 2;  // floats per array
  std::vector<float> x(len, 1.0f), y(len, 2.0f), z(len, 0.0f);
  best = 1e30;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = Clock::now();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(len); ++i) z[static_cast<size_t>(i)] = x[static_cast<size_t>(i)] + 3.0f * y[static_cast<size_t>(i)];
    best = std::min(best, seconds_since(t0));
  }
  if (z[len / 2] != 7.0f) die("triad computed a wrong value");
  m.bandwidth_gbs = 3.0 * static_cast<double>(len) * sizeof(float) / best * 1e-9;
  return m;
}

// Builds (and shape-infers) Input(32) -> 10,000 x Dense(units) -> Model through the C ABI; milliseconds,
// the best of `repeats`.
double dense_chain_build_ms(int layers, int64_t units, int repeats) {
  double best = 1e30;
  const std::string config = "{\"units\":" + std::to_string(units) + "}";
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    inlay_graph* g = nullptr;
    check_inlay(inlay_graph_create(&g), "inlay_graph_create");
    inlay_tensor* x = nullptr;
    check_inlay(inlay_input(g, "{\"shape\":[32]}", nullptr, nullptr, &x), "inlay_input");
    inlay_tensor* const input = x;
    for (int i = 0; i < layers; ++i) {
      inlay_layer* l = nullptr;
      check_inlay(inlay_layer_create(g, "Dense", config.c_str(), &l), "inlay_layer_create Dense");
      size_t n_out = 0;
      check_inlay(inlay_layer_call(l, &x, 1, &x, 1, &n_out), "inlay_layer_call Dense");
    }
    inlay_model* m = nullptr;
    check_inlay(inlay_model_create(g, &input, 1, &x, 1, nullptr, &m), "inlay_model_create");
    const double ms = seconds_since(t0) * 1e3;
    if (inlay_model_layer_count(m) != static_cast<size_t>(layers) + 1 || inlay_tensor_dims(x)[1] != units)
      die("the Dense chain has the wrong structure");
    inlay_model_free(m);
    inlay_graph_free(g);
    best = std::min(best, ms);
  }
  return best;
}

// Peak heap bytes while a model of workload w is built (or loaded), compiled for `batch` and run warm;
// with the bound the issue sets: weights + 1.2 x the two largest activations + the scratchpad oneDNN asks
// for (the largest of the raw net's primitives).
struct PeakMemory {
  int64_t peak_bytes = 0, bound_bytes = 0, weight_bytes = 0, activation_bytes = 0, scratchpad_bytes = 0;
};

PeakMemory measure_peak(const Workload& w, int64_t batch, const std::string& keras_file, const Options& opt,
                        const dnnl::engine& eng, dnnl::stream& s) {
  PeakMemory pm;
  const size_t in_n = static_cast<size_t>(product(w.input_shape) * batch);
  const size_t out_n = static_cast<size_t>(product(w.output_shape) * batch);
  std::vector<float> input(in_n, 0.5f), output(out_n);
  pm.scratchpad_bytes = RawNet(w, batch, input.data(), output.data(), eng, s, !opt.strict).max_scratchpad_bytes();
  for (const LayerSpec& l : w.layers)
    pm.weight_bytes += static_cast<int64_t>((l.kernel.size() + l.bias.size()) * sizeof(float));
  // Activations of the Dense / Conv2D outputs (the input is the caller's; the other kinds of these workloads
  // are views or smaller than their input), largest two.
  std::vector<int64_t> sizes;
  for (const LayerSpec& l : w.layers) {
    if (l.kind == Kind::Conv2D || l.kind == Kind::Dense)
      sizes.push_back(product(l.output_shape) * batch * static_cast<int64_t>(sizeof(float)));
  }
  std::sort(sizes.rbegin(), sizes.rend());
  pm.activation_bytes = sizes.size() > 1 ? sizes[0] + sizes[1] : sizes.empty() ? 0 : sizes[0];

  const std::vector<int64_t> in_dims = batched(batch, w.input_shape), out_dims = batched(batch, w.output_shape);
  inlay_array *in = nullptr, *out = nullptr;
  check_inlay(inlay_array_wrap(INLAY_FLOAT32, in_dims.data(), static_cast<int>(in_dims.size()), input.data(), &in),
              "inlay_array_wrap");
  check_inlay(inlay_array_wrap(INLAY_FLOAT32, out_dims.data(), static_cast<int>(out_dims.size()), output.data(), &out),
              "inlay_array_wrap");
  const inlay_array* const inputs[1] = {in};

  flush_primitive_cache();
  bench::reset_peak();
  const int64_t base = bench::alloc_snapshot().live_bytes;
  inlay_model* m = nullptr;
  if (!keras_file.empty())
    check_inlay(inlay_model_load(keras_file.c_str(), &m), keras_file.c_str());
  else
    m = build_inlay_model(w);
  set_precision(m, opt);
  for (int i = 0; i < 3; ++i) check_inlay(inlay_model_predict(m, inputs, 1, &out, 1), "inlay_model_predict");
  pm.peak_bytes = bench::alloc_snapshot().peak_bytes - base;
  pm.bound_bytes = pm.weight_bytes + pm.activation_bytes * 12 / 10 + pm.scratchpad_bytes;
  inlay_model_free(m);
  inlay_array_free(in);
  inlay_array_free(out);
  return pm;
}

// ---------------------------------------------------------------------------------------------------------
// Reporting.

const char* isa_name(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::all:
      return "all";
    case dnnl::cpu_isa::sse41:
      return "sse41";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic:
      return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops:
      return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
  }
  return "unknown";
}

int omp_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 0;  // built without OpenMP: unknown (printed as 0), inlay keeps its own default
#endif
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

double per_layer_us(const Result& r) {
  return (r.inlay.median_us - r.raw.median_us) / static_cast<double>(r.w->layers.size());
}

void print_table(const std::vector<Result>& results) {
  std::printf("\n%-11s %5s %-6s %10s %10s %10s %10s %12s %9s %7s %9s %9s\n", "workload", "batch", "side", "cold ms",
              "min us", "median us", "p90 us", "samples/s", "GFLOP/s", "iters", "inlay/raw", "max|diff|");
  std::string last;
  for (const Result& r : results) {
    if (r.w->id != last && !last.empty()) std::printf("\n");
    last = r.w->id;
    for (int side = 0; side < 2; ++side) {
      const Stats& st = side == 0 ? r.raw : r.inlay;
      const double per_s = static_cast<double>(r.batch) / (st.median_us * 1e-6);
      const double gflops = r.w->flops_per_sample * per_s * 1e-9;
      std::printf("%-11s %5lld %-6s %10.3f %10.1f %10.1f %10.1f %12.0f %9.2f %7lld", side == 0 ? r.w->id.c_str() : "",
                  static_cast<long long>(r.batch), side == 0 ? "raw" : "inlay", st.cold_us * 1e-3, st.min_us,
                  st.median_us, st.p90_us, per_s, gflops, static_cast<long long>(st.iterations));
      if (side == 1)
        std::printf(" %9.3f %9.2e", r.inlay.median_us / r.raw.median_us, r.diff.max_abs);
      std::printf("\n");
    }
  }
  std::printf("\nPer-layer overhead at batch 1, (inlay median - raw median) / Keras layers:\n");
  for (const Result& r : results) {
    if (r.batch != 1) continue;
    std::printf("  %-11s %2zu layers, %2zu raw primitives: %+8.2f us/layer  (inlay %.1f us vs raw %.1f us)\n",
                r.w->id.c_str(), r.w->layers.size(), r.raw_primitives, per_layer_us(r), r.inlay.median_us,
                r.raw.median_us);
  }
}

void write_json(const std::string& path, const std::vector<Result>& results, const std::string& header_json,
                const std::string& extras_json) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) die("cannot write " + path + ": " + std::strerror(errno));
  std::fprintf(f, "{\n  \"context\": %s,\n  \"results\": [\n", header_json.c_str());
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    auto side = [&](const char* name, const Stats& st) {
      const double per_s = static_cast<double>(r.batch) / (st.median_us * 1e-6);
      std::fprintf(f,
                   "      \"%s\": {\"cold_us\": %.3f, \"min_us\": %.3f, \"median_us\": %.3f, \"p90_us\": %.3f, "
                   "\"iterations\": %lld, \"samples_per_s\": %.3f, \"gflop_per_s\": %.4f}",
                   name, st.cold_us, st.min_us, st.median_us, st.p90_us, static_cast<long long>(st.iterations), per_s,
                   r.w->flops_per_sample * per_s * 1e-9);
    };
    std::fprintf(f, "    {\n      \"workload\": \"%s\", \"description\": \"%s\", \"batch\": %lld, \"layers\": %zu, ",
                 r.w->id.c_str(), json_escape(r.w->title).c_str(), static_cast<long long>(r.batch),
                 r.w->layers.size());
    std::fprintf(f, "\"raw_primitives\": %zu, \"flops_per_sample\": %.0f,\n", r.raw_primitives, r.w->flops_per_sample);
    side("raw", r.raw);
    std::fprintf(f, ",\n");
    side("inlay", r.inlay);
    std::fprintf(f, ",\n      \"ratio_median\": %.4f, \"max_abs_diff\": %.3e, \"rel_diff\": %.3e",
                 r.inlay.median_us / r.raw.median_us, r.diff.max_abs, r.diff.rel);
    if (r.batch == 1) std::fprintf(f, ", \"per_layer_overhead_us\": %.3f", per_layer_us(r));
    std::fprintf(f, ",\n      \"raw_allocs_per_call\": %.2f, \"inlay_allocs_per_call\": %.2f", r.raw_allocs_per_call,
                 r.inlay_allocs_per_call);
    if (r.load_us >= 0) std::fprintf(f, ", \"load_us\": %.3f", r.load_us);
    if (r.keras_max_abs_diff >= 0) std::fprintf(f, ", \"inlay_keras_max_abs_diff\": %.3e", r.keras_max_abs_diff);
    std::fprintf(f, "\n    }%s\n", i + 1 < results.size() ? "," : "");
  }
  std::fprintf(f, "  ]");
  if (!extras_json.empty()) std::fprintf(f, ",\n  %s", extras_json.c_str());
  std::fprintf(f, "\n}\n");
  if (std::fclose(f) != 0) die("cannot write " + path);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

void usage(std::FILE* f) {
  std::fprintf(f,
               "usage: inlay_bench_overhead [--quick] [--json FILE] [--only ID[,ID...]] [--batches N[,N...]]\n"
               "                            [--time SECONDS] [--models DIR] [--no-extras] [--strict]\n"
               "  --quick     short measurements (CI smoke run)\n"
               "  --json      also write the results as JSON to FILE\n"
               "  --only      workloads to run: logreg, cnn, mnist_cnn, dense4096, conv56, conv7x7s2, conv_stack\n"
               "  --batches   batch sizes instead of each workload's own (1,32,64; 256 too for dense4096)\n"
               "  --time      seconds of timed calls per side and measurement (default 0.5, --quick 0.02)\n"
               "  --models    DIR of Keras files from bench/models.py: DIR/<workload>/model.keras is loaded (its\n"
               "              load is part of inlay's cold time), its weights feed the raw side, and\n"
               "              input_b<N>.npy / keras_b<N>.npy are the input and Keras's expected output\n"
               "  --no-extras skip the machine limits, the 10,000-layer build and the peak-memory measurement\n"
               "  --strict    inlay in INLAY_PRECISION_FLOAT32_STRICT and every raw convolution direct (default:\n"
               "              both use Winograd's algorithm on the 3x3 convolutions inlay's float32 does)\n");
}

Options parse_args(int argc, char** argv) {
  Options opt;
  bool time_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(stderr);
        die(a + " needs a value");
      }
      return argv[++i];
    };
    if (a == "--quick") {
      opt.quick = true;
    } else if (a == "--json") {
      opt.json_path = value();
    } else if (a == "--only") {
      opt.only = split(value());
    } else if (a == "--batches") {
      for (const std::string& b : split(value())) {
        const long long v = std::atoll(b.c_str());
        if (v <= 0) die("bad batch size " + b);
        opt.batches.push_back(v);
      }
    } else if (a == "--models") {
      opt.models_dir = value();
    } else if (a == "--no-extras") {
      opt.extras = false;
    } else if (a == "--strict") {
      opt.strict = true;
    } else if (a == "--time") {
      opt.target_s = std::atof(value().c_str());
      if (!(opt.target_s > 0)) die("bad --time");
      time_set = true;
    } else if (a == "--help" || a == "-h") {
      usage(stdout);
      std::exit(0);
    } else {
      usage(stderr);
      die("unknown argument " + a);
    }
  }
  if (opt.quick && !time_set) opt.target_s = 0.02;
  return opt;
}

// Machine limits, the 10,000-layer build and the CNN's peak memory at batch 64: printed, and returned as
// the JSON members "machine" and "extras".
std::string run_extras(const std::vector<Workload>& workloads, const Options& opt, int threads,
                       const dnnl::engine& eng, dnnl::stream& s) {
  const Machine mc = measure_machine(std::max(threads, 1), opt.quick);
  std::printf("\nMachine: fp32 peak %.1f GFLOP/s measured (%s FMA loops on %d threads; nominal %d x %.2f GHz x %d "
              "flops/cycle = %.1f), dnnl_sgemm %.1f GFLOP/s, triad bandwidth %.1f GB/s\n",
              mc.peak_gflops, mc.peak_isa, threads, threads, mc.clock_ghz, mc.fp32_flops_per_cycle, mc.nominal_gflops,
              mc.sgemm_gflops, mc.bandwidth_gbs);

  const double chain_ms = dense_chain_build_ms(10000, 16, opt.quick ? 1 : 3);
  std::printf("Build + shape inference of Input(32) -> 10,000 x Dense(16) -> Model: %.2f ms\n", chain_ms);

  std::string peak_json = "null";
  for (const Workload& w : workloads) {
    if (w.id != "cnn") continue;
    std::string keras_file;
    if (!opt.models_dir.empty()) {
      keras_file = opt.models_dir + "/cnn/model.keras";
      if (!file_exists(keras_file)) keras_file.clear();
    }
    const PeakMemory pm = measure_peak(w, 64, keras_file, opt, eng, s);
    std::printf("Peak heap of the cnn at batch 64 (%s, compiled, 3 predicts): %.2f MiB; bound %.2f MiB = weights %.2f "
                "+ 1.2 x two largest activations %.2f + scratchpad %.2f\n",
                keras_file.empty() ? "built" : "loaded", pm.peak_bytes / 1048576.0, pm.bound_bytes / 1048576.0,
                pm.weight_bytes / 1048576.0, pm.activation_bytes / 1048576.0, pm.scratchpad_bytes / 1048576.0);
    peak_json = "{\"peak_bytes\": " + std::to_string(pm.peak_bytes) + ", \"bound_bytes\": " +
                std::to_string(pm.bound_bytes) + ", \"weight_bytes\": " + std::to_string(pm.weight_bytes) +
                ", \"two_largest_activation_bytes\": " + std::to_string(pm.activation_bytes) +
                ", \"scratchpad_bytes\": " + std::to_string(pm.scratchpad_bytes) + "}";
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "\"machine\": {\"fp32_peak_gflops\": %.2f, \"fp32_peak_isa\": \"%s\", \"nominal_peak_gflops\": %.2f, "
                "\"clock_ghz\": %.3f, \"fp32_flops_per_cycle_per_core\": %d, \"threads\": %d, \"sgemm_gflops\": %.2f, "
                "\"memory_bandwidth_gbs\": %.2f}",
                mc.peak_gflops, mc.peak_isa, mc.nominal_gflops, mc.clock_ghz, mc.fp32_flops_per_cycle, threads,
                mc.sgemm_gflops, mc.bandwidth_gbs);
  return std::string(buf) + ",\n  \"extras\": {\"dense_chain_10000_build_ms\": " + std::to_string(chain_ms) +
         ", \"dense_chain_units\": 16, \"cnn_b64_peak\": " + peak_json + "}";
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);
  std::vector<Workload> workloads = make_workloads();
  for (const std::string& id : opt.only) {
    if (std::none_of(workloads.begin(), workloads.end(), [&](const Workload& w) { return w.id == id; }))
      die("unknown workload " + id);
  }

  try {
    dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    dnnl::stream s(eng);

    // One-time library start-up (CPU detection, the OpenMP pool) outside every cold measurement.
    {
      std::vector<float> a(64, 1.0f), b(64);
      const memory::desc md({1, 64}, memory::data_type::f32, tag::nc);
      memory ma(md, eng, a.data()), mb(md, eng, b.data());
      dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::eltwise_relu, md, 0.0f);
      dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(d, eng)).execute(s, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_DST, mb}});
      s.wait();
      // oneDNN's gemm generates its JIT kernels once per process, on first use (not in the primitive cache).
      std::vector<float> ga(64 * 64, 0.5f), gb(64 * 64, 0.5f), gc(64 * 64);
      for (const char ta : {'N', 'T'})
        for (const memory::dim m : {1, 64})
          dnnl::sgemm(ta, 'N', m, 64, 64, 1.0f, ga.data(), ta == 'N' ? 64 : m, gb.data(), 64, 0.0f, gc.data(), 64);
    }

    const dnnl_version_t* v = dnnl_version();
    char* runtime = nullptr;
    std::string runtime_json = "null";
    if (inlay_runtime_info(&runtime) == INLAY_OK && runtime != nullptr) runtime_json = runtime;
    inlay_free(runtime);
    const int threads = omp_threads();
    std::printf("inlay_bench_overhead: inlay %s vs raw oneDNN %d.%d.%d, fp32, CPU ISA %s, OpenMP threads %d%s\n",
                inlay_version(), v->major, v->minor, v->patch, isa_name(dnnl::get_effective_cpu_isa()), threads,
                opt.quick ? " (--quick)" : "");
    std::printf("inlay runtime: %s\n", runtime_json.c_str());
    std::printf("per call: min / median / p90 of individually timed calls (steady_clock), ~%.2f s per side\n",
                opt.target_s);
    std::string header_json = "{\"inlay_version\": \"" + std::string(inlay_version()) + "\", \"onednn_version\": \"" +
                              std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                              std::to_string(v->patch) + "\", \"cpu_isa\": \"" +
                              isa_name(dnnl::get_effective_cpu_isa()) + "\", \"omp_threads\": " +
                              std::to_string(threads) + ", \"quick\": " + (opt.quick ? "true" : "false") +
                              ", \"target_s\": " + std::to_string(opt.target_s) +
                              ", \"precision\": \"" + (opt.strict ? "float32_strict" : "float32") + "\"" +
                              ", \"inlay_runtime\": " +
                              runtime_json;

    std::vector<Result> results;
    int inlay_threads = -1;
    for (Workload& w : workloads) {
      if (!opt.only.empty() && std::find(opt.only.begin(), opt.only.end(), w.id) == opt.only.end()) continue;
      const std::string dir = opt.models_dir.empty() ? "" : opt.models_dir + "/" + w.id;
      const std::string keras_file = dir.empty() ? "" : dir + "/model.keras";
      const bool from_file = !keras_file.empty() && file_exists(keras_file);
      for (int64_t batch : opt.batches.empty() ? w.batches : opt.batches) {
        std::printf("  running %s batch %lld%s ...\n", w.id.c_str(), static_cast<long long>(batch),
                    from_file ? " (from its Keras file)" : "");
        std::fflush(stdout);
        // From a Keras file: loaded afresh for every batch, so that inlay's cold time is load + first predict.
        KerasData keras;
        inlay_model* m = nullptr;
        if (from_file) {
          flush_primitive_cache();
          const auto t0 = Clock::now();
          check_inlay(inlay_model_load(keras_file.c_str(), &m), keras_file.c_str());
          keras.load_us = seconds_since(t0) * 1e6;
          take_weights(w, m);
          const std::vector<int64_t> in_dims = batched(batch, w.input_shape), out_dims = batched(batch, w.output_shape);
          keras.input = load_npy(dir + "/input_b" + std::to_string(batch) + ".npy", in_dims);
          if (!keras.input.empty()) keras.output = load_npy(dir + "/keras_b" + std::to_string(batch) + ".npy", out_dims);
        } else {
          m = build_inlay_model(w);
        }
        set_precision(m, opt);
        // Same thread count on both sides: inlay's default is its own choice, oneDNN's is OpenMP's.
        if (threads > 0 && inlay_model_num_threads(m) != threads)
          check_inlay(inlay_model_set_num_threads(m, threads), "inlay_model_set_num_threads");
        inlay_threads = inlay_model_num_threads(m);
        results.push_back(run_one(w, batch, m, eng, s, opt, keras));
        inlay_model_free(m);
      }
    }
    std::printf("inlay threads per predict: %d\n", inlay_threads);
    header_json += ", \"inlay_threads\": " + std::to_string(inlay_threads) + "}";
    print_table(results);

    std::string extras_json;
    if (opt.extras) extras_json = run_extras(workloads, opt, threads, eng, s);
    if (!opt.json_path.empty()) {
      write_json(opt.json_path, results, header_json, extras_json);
      std::printf("\nwrote %s\n", opt.json_path.c_str());
    }
  } catch (const dnnl::error& e) {
    die(std::string("oneDNN: ") + e.what() + " (status " + std::to_string(static_cast<int>(e.status)) + ")");
  }
  return 0;
}
