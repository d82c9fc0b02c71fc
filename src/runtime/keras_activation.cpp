// Each function follows the TensorFlow op Keras 3 calls (keras/src/backend/tensorflow/nn.py), in float32,
// so that NaN, infinities and overflow come out where TensorFlow's do: tf.nn.relu(NaN) is NaN,
// hard_shrink's tf.where(|x| > 0.5, x, 0) gives 0 for NaN, silu(-inf) = -inf * sigmoid(-inf) is NaN,
// squareplus(-1e30) overflows x * x to inf. The expected values are recorded from Keras in
// tests/fixtures/nan_inf_cases.json (tools/fixtures/gen_nan_fixtures.py).
#include "runtime/keras_activation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace inlay::runtime {

using core::Activation;

namespace {

constexpr float kFloatMax = std::numeric_limits<float>::max();
constexpr float kInf = std::numeric_limits<float>::infinity();
// keras.activations.selu's constants.
constexpr float kSeluAlpha = 1.67326324235437728481f;
constexpr float kSeluScale = 1.05070098735548049342f;

// tf.maximum / tf.minimum / tf.clip_by_value propagate NaN.
float nan_max(float x, float lo) { return std::isnan(x) ? x : (x > lo ? x : lo); }
float nan_min(float x, float hi) { return std::isnan(x) ? x : (x < hi ? x : hi); }

float relu(float x) { return nan_max(x, 0.f); }
float relu6(float x) { return nan_min(nan_max(x, 0.f), 6.f); }
float leaky_relu(float x) { return x > 0.f ? x : x * 0.2f; }                // tf.nn.leaky_relu, alpha 0.2
float elu(float x) { return x > 0.f ? x : std::expm1(x); }                  // tf.nn.elu
float selu(float x) { return kSeluScale * (x > 0.f ? x : kSeluAlpha * std::expm1(x)); }
float celu(float x) { return nan_max(x, 0.f) + std::expm1(nan_min(x, 0.f)); }  // alpha 1
float gelu(float x) { return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752440f)); }  // approximate=False
float sigmoid(float x) { return keras_sigmoid(x); }
float hard_sigmoid(float x) { return relu6(x + 3.f) / 6.f; }
float hard_silu(float x) { return x * hard_sigmoid(x); }
// tf.keras 2's backend.hard_sigmoid and TensorFlow.js's K.hardSigmoid: x * 0.2 + 0.5, clipped.
float hard_sigmoid_legacy(float x) { return nan_min(nan_max(x * 0.2f + 0.5f, 0.f), 1.f); }
// TensorFlow.js's gelu_new (tfjs-layers activations.ts GeluNew), in its order of operations.
float gelu_new(float x) {
  return 0.5f * (x * (1.f + std::tanh(0.79788456080286535588f * (x + 0.044715f * (x * x * x)))));
}
float hard_tanh(float x) { return nan_min(nan_max(x, -1.f), 1.f); }
float tanh_(float x) { return std::tanh(x); }
// tf.math.softplus: x itself once log1p(exp(x)) rounds to it, which also keeps exp from overflowing.
float softplus(float x) { return x > 20.f ? x : std::log1p(std::exp(x)); }
float softsign(float x) { return x / (1.f + std::fabs(x)); }
float silu(float x) { return x * sigmoid(x); }
float exponential(float x) { return std::exp(x); }
float mish(float x) { return x * std::tanh(softplus(x)); }
float log_sigmoid(float x) { return -softplus(-x); }
float hard_shrink(float x) { return std::fabs(x) > 0.5f ? x : 0.f; }
float soft_shrink(float x) { return x > 0.5f ? x - 0.5f : (x < -0.5f ? x + 0.5f : 0.f); }
float sparse_plus(float x) { return x <= -1.f ? 0.f : (x < 1.f ? 0.25f * (x + 1.f) * (x + 1.f) : x); }
float sparse_sigmoid(float x) { return x <= -1.f ? 0.f : (x >= 1.f ? 1.f : 0.5f * (x + 1.f)); }
float squareplus(float x) { return (x + std::sqrt(x * x + 4.f)) / 2.f; }  // b = 4
float tanh_shrink(float x) { return x - std::tanh(x); }
float linear(float x) { return x; }

}  // namespace

float keras_sigmoid(float x) {
  const float y = 1.f / (1.f + std::exp(-x));
  // TensorFlow computes with denormals flushed to zero: sigmoid(-88.5) is 0, not 3.7e-39 (which glu would
  // then multiply by up to 3e38).
  return y < std::numeric_limits<float>::min() ? 0.f : y;
}

ScalarActivation keras_scalar_activation(Activation a) {
  switch (a) {
    case Activation::Linear: return linear;
    case Activation::Relu: return relu;
    case Activation::Relu6: return relu6;
    case Activation::LeakyRelu: return leaky_relu;
    case Activation::Elu: return elu;
    case Activation::Selu: return selu;
    case Activation::Celu: return celu;
    case Activation::Gelu: return gelu;
    case Activation::Sigmoid: return sigmoid;
    case Activation::HardSigmoid: return hard_sigmoid;
    case Activation::HardSilu: return hard_silu;
    case Activation::HardSigmoidLegacy: return hard_sigmoid_legacy;
    case Activation::GeluNew: return gelu_new;
    case Activation::HardTanh: return hard_tanh;
    case Activation::Tanh: return tanh_;
    case Activation::Softplus: return softplus;
    case Activation::Softsign: return softsign;
    case Activation::Silu: return silu;
    case Activation::Exponential: return exponential;
    case Activation::Mish: return mish;
    case Activation::LogSigmoid: return log_sigmoid;
    case Activation::HardShrink: return hard_shrink;
    case Activation::SoftShrink: return soft_shrink;
    case Activation::SparsePlus: return sparse_plus;
    case Activation::SparseSigmoid: return sparse_sigmoid;
    case Activation::Squareplus: return squareplus;
    case Activation::TanhShrink: return tanh_shrink;
    default: return nullptr;
  }
}

float onednn_exact_bound(Activation a) {
  switch (a) {
    case Activation::Linear:
    case Activation::LeakyRelu:
      return kInf;
    // soft_relu (softplus, and log_sigmoid = -softplus(-x)) computes log(1 + e^x) with an absolute error
    // that grows past 5e-7 from |x| = 7.97 (2e-6 at 20, where the result is 2e-9); mish builds on it and
    // passes 5e-7 from |x| = 6.0. Measured over x in [-120, 120] step 0.001 and +-10^[-40, 38.5] against
    // keras_scalar_activation, oneDNN 2.6, AVX-512 and AVX2 alike.
    case Activation::Softplus:
    case Activation::LogSigmoid:
      return 7.5f;
    case Activation::Mish: return 5.5f;
    // gelu_new: oneDNN's gelu_tanh evaluates the cube and tanh its own way; from |x| = 8 on the result is x
    // or 0 to float precision, where recomputing costs nothing and rules out overflow differences.
    case Activation::GeluNew: return 8.f;
    // Every other kernel is within 5e-7 (absolute + relative) of Keras on every finite input of that sweep,
    // exp's overflow to inf included (on SSE4.1-only CPUs exp's relative error reaches 1e-6 from x = 17);
    // only NaN and the infinities need recomputing.
    default: return kFloatMax;
  }
}

double activation_growth(Activation a, double p) {
  switch (a) {
    case Activation::Relu6: return std::min(p, 6.0);
    case Activation::Sigmoid:
    case Activation::HardSigmoid:
    case Activation::HardSigmoidLegacy:
    case Activation::HardTanh:
    case Activation::Tanh:
    case Activation::Softsign:
    case Activation::SparseSigmoid:
      return 1.0;
    case Activation::Elu:
    case Activation::Celu:
    case Activation::SparsePlus:
      return std::max(p, 1.0);
    case Activation::Selu: return kSeluScale * std::max(p, static_cast<double>(kSeluAlpha));
    case Activation::Softplus:
    case Activation::LogSigmoid:
      return p + 0.6931471805599453;  // ln 2: |softplus(x)| <= |x| + ln 2
    case Activation::Squareplus:
    case Activation::TanhShrink:
      return p + 1.0;
    case Activation::Exponential: return std::exp(p);
    // linear, relu, leaky_relu, gelu, gelu_new, silu, hard_silu, mish, hard/soft shrink: |a(x)| <= |x|
    default: return p;
  }
}

}  // namespace inlay::runtime
