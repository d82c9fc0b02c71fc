// Keras's elementwise activations one float at a time, exactly as Keras 3's TensorFlow backend computes them
// (keras/src/backend/tensorflow/nn.py with TensorFlow's reference kernels), NaN, infinities and huge values
// included; and how far oneDNN's eltwise kernels can be trusted to give the same.
//
// oneDNN 2.6's jit eltwise code (the same injector runs standalone and as post-ops of Dense / Conv) is not
// Keras on special values: relu is max(x, 0), which turns NaN into 0; clip (relu6, hard_tanh,
// hard_sigmoid) is max then min, NaN -> the lower bound; exp clamps its input to [ln FLT_MIN, ln FLT_MAX]
// first, so exp(NaN) is about FLT_MAX and exp(100) finite; everything built on exp (elu, sigmoid, tanh,
// softplus, gelu, mish, ...) inherits that. Keras propagates NaN, gives inf for exp(100), and some of its
// formulas give NaN where the math has a limit (silu(-inf) = -inf * 0). The runtime therefore lets oneDNN
// compute what it computes as Keras (finite values of moderate size) and recomputes the rest with
// keras_activation (src/runtime/special_values.hpp finds them cheaply).
#pragma once

#include "layers/serialization.hpp"

namespace inlay::runtime {

using ScalarActivation = float (*)(float);

// Keras's activation `a` of one float, or nullptr when `a` is not elementwise (softmax, log_softmax,
// sparsemax, glu work on rows; threshold is not runnable by name).
ScalarActivation keras_scalar_activation(core::Activation a);

// tf.sigmoid of one float, as the other functions use it and glu does.
float keras_sigmoid(float x);

// The magnitude up to which oneDNN's eltwise kernels for `a` (as activation.cpp maps it) give Keras's result
// within float32 rounding, in every implementation oneDNN may pick (jit injector, reference): inputs with
// !(|x| <= bound) -- NaN always among them -- must be recomputed with keras_scalar_activation. +inf when no
// input needs it (linear, and leaky_relu, whose kernel is a compare-and-blend that keeps NaN).
float onednn_exact_bound(core::Activation a);

// An upper bound of |a(x)| over |x| <= p (p >= 0): how large the input of the next activation of a fused
// chain can get.
double activation_growth(core::Activation a, double p);

}  // namespace inlay::runtime
