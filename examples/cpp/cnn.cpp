// The Keras docs' MNIST convnet, through inlay's C++ wrapper (inlay.hpp: RAII handles, errors thrown as
// inlay::error):
//
//     inputs = keras.Input(shape=(28, 28, 1))
//     x = layers.Conv2D(32, kernel_size=(3, 3), activation="relu")(inputs)
//     x = layers.MaxPooling2D(pool_size=(2, 2))(x)
//     x = layers.Conv2D(64, kernel_size=(3, 3), activation="relu")(x)
//     x = layers.Flatten()(x)
//     outputs = layers.Dense(10, activation="softmax")(x)
//     model = keras.Model(inputs, outputs)
//
// Usage:
//   cnn                                   build the model, give it known weights, predict a batch and check
//                                         it against a naive convolution written below
//   cnn MODEL [INPUT.npy [EXPECTED.npy]]  load a model file (.keras, TensorFlow.js model.json, ...); predict
//                                         INPUT.npy (default: the built-in batch); compare with EXPECTED.npy
//                                         as numpy.allclose(atol=1e-5, rtol=1e-5); run the naive reference
//                                         too when the model has this convnet's weights
// Exit status: 0 when every check passed, 1 on a mismatch, 2 on an inlay error.
#include <inlay/inlay.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int64_t kBatch = 3;

// Builds the convnet above: layers made by Keras class name and config (JSON), called on symbolic tensors.
inlay::model build_cnn() {
  inlay::graph g;
  const inlay::tensor image = g.input(R"({"shape":[28,28,1],"name":"image"})");
  inlay::tensor x = g.create_layer("Conv2D", R"({"filters":32,"kernel_size":[3,3],"activation":"relu"})")(image);
  x = g.create_layer("MaxPooling2D", R"({"pool_size":[2,2]})")(x);
  x = g.create_layer("Conv2D", R"({"filters":64,"kernel_size":[3,3],"activation":"relu"})")(x);
  x = g.create_layer("Flatten", "{}")(x);
  const inlay::tensor y = g.create_layer("Dense", R"({"units":10,"activation":"softmax"})")(x);
  return inlay::model::functional(g, {image}, {y}, "mnist_cnn");  // the model keeps the graph alive
}

// Known weights from a fixed seed: kernels uniform in 4x glorot_uniform's range +-sqrt(6 / (fan_in + fan_out))
// (wider, so the softmax is far from uniform and errors show), biases in +-0.1.
void set_known_weights(inlay::model& model) {
  std::mt19937 rng(2024);
  for (size_t i = 0; i < model.weight_count(); ++i) {
    const inlay::model::weight_info w = model.weight(i);  // "conv2d/kernel" (3, 3, 1, 32), ...
    size_t n = 1;
    for (int64_t d : w.shape) n *= static_cast<size_t>(d);
    double fan_in = 1, fan_out = 1;
    if (w.shape.size() >= 2) {
      fan_in = static_cast<double>(n / static_cast<size_t>(w.shape.back()));
      fan_out = static_cast<double>(n / static_cast<size_t>(w.shape[w.shape.size() - 2]));
    }
    const double limit = w.shape.size() >= 2 ? 4.0 * std::sqrt(6.0 / (fan_in + fan_out)) : 0.1;
    std::vector<float> values(n);
    for (float& v : values) v = static_cast<float>((2.0 * (rng() / 4294967296.0) - 1.0) * limit);
    model.set_weight(i, values);
  }
}

// A batch of "images": smooth blobs in [0, 1], different per sample.
inlay::array make_batch() {
  inlay::array x = inlay::array::create(INLAY_FLOAT32, {kBatch, 28, 28, 1});
  float* p = x.data<float>();
  for (int64_t n = 0; n < kBatch; ++n)
    for (int64_t h = 0; h < 28; ++h)
      for (int64_t w = 0; w < 28; ++w)
        p[(n * 28 + h) * 28 + w] = static_cast<float>(0.5 + 0.5 * std::sin(0.3 * h * (n + 1) + 0.2 * w));
  return x;
}

// ---- The naive reference, in double precision, straight from the model's weights (NHWC, Keras layouts) ----

struct Tensor {  // one sample, H x W x C
  int64_t h, w, c;
  std::vector<double> v;
  double& at(int64_t i, int64_t j, int64_t k) { return v[static_cast<size_t>((i * w + j) * c + k)]; }
};

// Conv2D, padding "valid", strides 1, kernel (kh, kw, in, out), then relu.
Tensor conv_relu(Tensor& in, const std::vector<float>& kernel, const std::vector<float>& bias, int64_t k,
                 int64_t out_c) {
  Tensor out{in.h - k + 1, in.w - k + 1, out_c, {}};
  out.v.assign(static_cast<size_t>(out.h * out.w * out_c), 0.0);
  for (int64_t i = 0; i < out.h; ++i)
    for (int64_t j = 0; j < out.w; ++j)
      for (int64_t o = 0; o < out_c; ++o) {
        double acc = bias[static_cast<size_t>(o)];
        for (int64_t di = 0; di < k; ++di)
          for (int64_t dj = 0; dj < k; ++dj)
            for (int64_t c = 0; c < in.c; ++c)
              acc += in.at(i + di, j + dj, c) * kernel[static_cast<size_t>(((di * k + dj) * in.c + c) * out_c + o)];
        out.at(i, j, o) = std::max(acc, 0.0);
      }
  return out;
}

// MaxPooling2D(2): 2x2 windows, strides 2, padding "valid".
Tensor max_pool2(Tensor& in) {
  Tensor out{in.h / 2, in.w / 2, in.c, {}};
  out.v.assign(static_cast<size_t>(out.h * out.w * out.c), 0.0);
  for (int64_t i = 0; i < out.h; ++i)
    for (int64_t j = 0; j < out.w; ++j)
      for (int64_t c = 0; c < in.c; ++c)
        out.at(i, j, c) = std::max(std::max(in.at(2 * i, 2 * j, c), in.at(2 * i, 2 * j + 1, c)),
                                   std::max(in.at(2 * i + 1, 2 * j, c), in.at(2 * i + 1, 2 * j + 1, c)));
  return out;
}

// Whether the model has exactly this convnet's weights (the built one does; a loaded file may not).
bool has_cnn_weights(const inlay::model& model) {
  const std::vector<std::vector<int64_t>> shapes = {{3, 3, 1, 32}, {32}, {3, 3, 32, 64}, {64}, {7744, 10}, {10}};
  if (model.weight_count() != shapes.size()) return false;
  for (size_t i = 0; i < shapes.size(); ++i)
    if (model.weight(i).shape != shapes[i]) return false;
  return true;
}

// softmax(flatten(conv(pool(conv(x)))) @ W + b) per sample: kBatch x 10 probabilities.
std::vector<double> reference_cnn(const inlay::model& model, const inlay::array& x) {
  // model.weights in Keras's order: conv2d kernel, bias; conv2d_1 kernel, bias; dense kernel, bias.
  const std::vector<float> k1 = model.get_weight(0), b1 = model.get_weight(1);
  const std::vector<float> k2 = model.get_weight(2), b2 = model.get_weight(3);
  const std::vector<float> wd = model.get_weight(4), bd = model.get_weight(5);
  const int64_t batch = x.dims()[0];
  const float* px = x.data<float>();
  std::vector<double> probs;
  for (int64_t n = 0; n < batch; ++n) {
    Tensor img{28, 28, 1, std::vector<double>(px + n * 784, px + (n + 1) * 784)};
    Tensor a = conv_relu(img, k1, b1, 3, 32);  // 26 x 26 x 32
    Tensor p = max_pool2(a);                   // 13 x 13 x 32
    Tensor c = conv_relu(p, k2, b2, 3, 64);    // 11 x 11 x 64, flattened in this (h, w, c) order: 7744
    std::vector<double> logits(bd.begin(), bd.end());
    for (size_t i = 0; i < c.v.size(); ++i)
      for (size_t j = 0; j < 10; ++j) logits[j] += c.v[i] * wd[i * 10 + j];
    const double top = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (double& l : logits) sum += (l = std::exp(l - top));
    for (double l : logits) probs.push_back(l / sum);
  }
  return probs;
}

// numpy.allclose-style comparison; prints the largest difference. `want` may be float or double.
template <typename T>
bool close(const char* what, const float* got, const T* want, size_t n, double atol, double rtol) {
  double worst = 0;
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - static_cast<double>(want[i]));
    worst = std::max(worst, d);
    if (!(d <= atol + rtol * std::fabs(static_cast<double>(want[i])))) ++bad;  // NaN counts as bad
  }
  std::printf("%s: max |inlay - expected| = %.3g over %zu values, %zu outside atol=%g rtol=%g\n", what, worst, n,
              bad, atol, rtol);
  return bad == 0;
}

int run(int argc, char** argv) {
  std::cout << "inlay " << inlay::version() << "\n";
  const bool from_file = argc > 1;
  inlay::model model = from_file ? inlay::model::load(argv[1]) : build_cnn();
  if (!from_file) set_known_weights(model);
  std::cout << model.summary();

  const inlay::array x = argc > 2 ? inlay::array::load_npy(argv[2]) : make_batch();
  const std::vector<inlay::array> y = model.predict({&x});  // one owned array per model output
  const std::vector<int64_t> dims = y[0].dims();
  std::cout << "predict: input (";
  for (size_t i = 0; i < x.dims().size(); ++i) std::cout << (i ? ", " : "") << x.dims()[i];
  std::cout << ") -> output (";
  for (size_t i = 0; i < dims.size(); ++i) std::cout << (i ? ", " : "") << dims[i];
  std::cout << ")\n";

  const float* p = y[0].data<float>();
  const size_t classes = static_cast<size_t>(dims.back()), rows = y[0].element_count() / classes;
  for (size_t r = 0; r < rows && r < 4; ++r) {
    std::printf("  sample %zu:", r);
    for (size_t c = 0; c < classes && c < 10; ++c) std::printf(" %.4f", p[r * classes + c]);
    std::printf("\n");
  }

  bool ok = true;
  int checks = 0;
  if (has_cnn_weights(model) && dims == std::vector<int64_t>{x.dims()[0], 10}) {
    // Softmax rows sum to 1, and every probability matches the naive convolution.
    double worst_sum = 0;
    for (size_t r = 0; r < rows; ++r) {
      double sum = 0;
      for (size_t c = 0; c < classes; ++c) sum += p[r * classes + c];
      worst_sum = std::max(worst_sum, std::fabs(sum - 1.0));
    }
    std::printf("rows sum to 1 within %.3g\n", worst_sum);
    ++checks;
    ok = ok && worst_sum <= 1e-5;
    const std::vector<double> want = reference_cnn(model, x);
    ok = close("naive reference", p, want.data(), want.size(), 1e-5, 0.0) && ok;
  } else {
    std::cout << "(not the Keras docs' convnet: naive reference skipped)\n";
  }
  if (argc > 3) {
    const inlay::array expected = inlay::array::load_npy(argv[3]);
    if (expected.dims() != dims) {
      std::cerr << argv[3] << " does not have the output's shape\n";
      return 1;
    }
    ++checks;
    ok = close(argv[3], p, expected.data<float>(), expected.element_count(), 1e-5, 1e-5) && ok;
  }

  // Errors are exceptions carrying the status and Keras's message; e.g. 32 x 32 images for a 28 x 28 input:
  if (!from_file) {
    try {
      const inlay::array wrong = inlay::array::create(INLAY_FLOAT32, {1, 32, 32, 1});
      model.predict({&wrong});
      std::cout << "predict on a (1, 32, 32, 1) batch unexpectedly succeeded\n";
      ok = false;
    } catch (const inlay::error& e) {
      std::cout << "deliberate error: " << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    }
  }
  if (!ok) std::cout << "MISMATCH\n";
  else std::cout << (checks > 0 ? "OK: every check passed" : "OK (nothing to compare with: give EXPECTED.npy)") << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const inlay::error& e) {  // every failing inlay call throws this: the status and Keras's message
    std::cerr << "inlay error: " << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}
