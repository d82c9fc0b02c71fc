// Steps shared by the activation and preprocessing layers (ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU,
// Rescaling, Normalization): one oneDNN eltwise primitive, a hand-written elementwise loop for the
// functions oneDNN has no exact kernel for, and a broadcast affine map (x op1 p1) op2 p2 as one oneDNN
// binary primitive with a fused binary post-op.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/lowerings.hpp"

namespace inlay::runtime {

// One eltwise primitive over v in v's own layout (blocked spatial values stay blocked).
ValueId eltwise_step(PlanBuilder& b, ValueId v, dnnl::algorithm alg, float alpha, float beta, const std::string& layer);

// y = f(x) element by element over v's plain bytes; f is a copyable callable float(float).
template <typename F>
ValueId scalar_step(PlanBuilder& b, ValueId v, F f, const std::string& layer) {
  v = b.to_plain(v, layer);
  const ValueId out = b.add_plain(b.dims(v));
  const int64_t n = product(b.dims(v), 0, b.dims(v).size());
  b.add_custom(
      layer,
      [v, out, n, f](const RunContext& c) {
        const float* x = c.f32(v);
        float* y = c.f32(out);
        for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
      },
      {v}, {out});
  return out;
}

// Parameters broadcast numpy-style against a plain value of dims `dims`: `shape` has dims.size() entries,
// each 1 or dims[i]; `values` is row-major over `shape`.
struct BroadcastParam {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

// The same row-major bytes under fewer axes: consecutive axes are merged while every parameter either spans
// all of them or broadcasts over all of them (axes of size 1 go with either). oneDNN 2.6's binary primitive
// has jit kernels for the per-channel forms this gives, e.g. (N*H*W, C) with (1, C), where the original
// (N, H, W, C) with (1, 1, 1, C) runs its reference kernel (10-700x slower). `params` (each as long as dims) are
// rewritten in place; dims holding a 0 are left as they are.
std::vector<int64_t> collapse_broadcast(const std::vector<int64_t>& dims, std::vector<std::vector<int64_t>*> params);

// (v first p1) second p2 over v's plain bytes: one oneDNN binary primitive with a binary post-op (the two
// roundings Keras's two ops make).
ValueId broadcast_affine(PlanBuilder& b, ValueId v, dnnl::algorithm first, const BroadcastParam& p1,
                         dnnl::algorithm second, const BroadcastParam& p2, const std::string& layer);

// numpy broadcasting of a parameter of shape `param_shape` (values row-major) against the trailing axes of
// `dims`: the BroadcastParam over all of dims. False when it does not broadcast without growing
// the input (the caller reports it).
bool broadcast_against(const std::vector<int64_t>& param_shape, const std::vector<float>& values,
                       const std::vector<int64_t>& dims, BroadcastParam& out);

}  // namespace inlay::runtime
