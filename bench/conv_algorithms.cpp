// inlay_bench_conv_algorithms: oneDNN's direct against its Winograd convolution on 'same' 3x3 stride-1
// Conv2Ds of C channels in and out, over batch sizes, channel counts and image sizes, on the threads
// OpenMP gives it. This is the measurement behind src/runtime/conv.cpp's prefer_winograd(): run it on a new
// kind of machine (or oneDNN version) before changing that rule.
//
//   OMP_NUM_THREADS=2 build/release/bench/inlay_bench_conv_algorithms
//
// Each row: the median of individually timed executions (enough of them for ~2e9 multiply-adds, 5 at
// least), both algorithms with a ReLU post-op as inlay fuses it, layouts left to oneDNN (format any).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <dnnl.hpp>

namespace {

using dnnl::memory;

// Median microseconds of one execution; 0 when oneDNN has no implementation of `algo` here.
double median_us(const dnnl::engine& eng, dnnl::stream& s, dnnl::algorithm algo, int64_t n, int64_t c, int64_t h,
                 std::string& impl) {
  const auto any = [](memory::dims d) { return memory::desc(d, memory::data_type::f32, memory::format_tag::any); };
  const memory::desc bias_md({c}, memory::data_type::f32, memory::format_tag::x);
  const dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, algo, any({n, c, h, h}),
                                          any({c, c, 3, 3}), bias_md, any({n, c, h, h}), {1, 1}, {1, 1}, {1, 1});
  dnnl::post_ops ops;
  ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  dnnl::convolution_forward::primitive_desc pd;
  try {
    pd = dnnl::convolution_forward::primitive_desc(d, attr, eng);
  } catch (const dnnl::error&) {
    impl = "-";
    return 0;
  }
  impl = pd.impl_info_str();
  memory src(pd.src_desc(), eng), weights(pd.weights_desc(), eng), bias(bias_md, eng), dst(pd.dst_desc(), eng);
  for (memory* m : {&src, &weights, &bias}) {
    float* p = static_cast<float*>(m->get_data_handle());
    std::fill(p, p + m->get_desc().get_size() / sizeof(float), 0.01f);
  }
  const dnnl::convolution_forward conv(pd);
  const double macs = static_cast<double>(n * h * h * c * c * 9);
  const int runs = std::max(5, std::min(200, static_cast<int>(2e9 / macs)));
  std::vector<double> us;
  for (int i = 0; i <= runs; ++i) {  // the first is a warm-up
    const auto t0 = std::chrono::steady_clock::now();
    conv.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
    s.wait();
    if (i > 0) us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

}  // namespace

int main() {
  const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  std::printf("%5s %5s %5s %12s %12s %8s  %s\n", "batch", "C", "HxW", "direct us", "winograd us", "speedup",
              "winograd implementation");
  for (int64_t n : {1, 4, 32}) {
    for (int64_t c : {16, 32, 64, 128, 256}) {
      for (int64_t h : {7, 14, 28, 56}) {
        if (static_cast<double>(n * c * c * h * h) > 32.0 * 64 * 64 * 56 * 56) continue;  // keep it to minutes
        std::string direct_impl, wino_impl;
        const double direct = median_us(eng, s, dnnl::algorithm::convolution_direct, n, c, h, direct_impl);
        const double wino = median_us(eng, s, dnnl::algorithm::convolution_winograd, n, c, h, wino_impl);
        std::printf("%5lld %5lld %2lldx%-2lld %12.1f %12.1f %8.2f  %s\n", static_cast<long long>(n),
                    static_cast<long long>(c), static_cast<long long>(h), static_cast<long long>(h), direct, wino,
                    wino > 0 ? direct / wino : 0.0, wino_impl.c_str());
      }
    }
  }
  return 0;
}
