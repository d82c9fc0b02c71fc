"""Writes keras.applications models and typical hand-written models with the real Keras 3 (random fixed-seed
weights), each into a folder of its own, for the CTests of tests/applications/ (check_app_model.sh):

  <dir>/<name>/model.keras                 Keras 3 model.save() (zip rewritten with fixed dates, as
                                           tools/fixtures/gen_model_fixtures.py does)
  <dir>/<name>/input_b1.npy, input_b3.npy  seeded float32 inputs at batch 1 and 3
  <dir>/<name>/expected_b1.npy, ..._b3.npy Keras 3's model.predict of them
  <dir>/<name>/summary.txt                 Keras's model.summary() text (line_length=None, COLUMNS=250: the
                                           default widths `inlay summary` prints)
For the "tf_keras variants" (mobilenetv2_reduced) also:
  model.h5 (tf_keras 2 model.save(..., save_format="h5"), same architecture and weights), tf_keras.json
  (tf_keras model.to_json(); the weights are model.h5's), tfjs/model.json (tensorflowjs_converter of model.h5),
  expected_tf_keras_b1.npy / _b3.npy (tf_keras's predict).

Modes:
  full OUT_DIR [NAME ...]   every keras.applications model of Keras 3.15 at its default input size, 1000 classes
                            (large: ResNet50 ~100 MB, ConvNeXtXLarge ~1.4 GB): into a git-ignored folder, e.g.
                            out/applications; tests/applications runs whatever is there (label "realmodels")
  committed [NAME ...]      the reduced keras.applications set (width / depth / input size reduced, 10 classes)
                            and the hand-written models, into tests/fixtures/applications/ (committed, small)
  list                      the names of both sets

Weights: every weight is drawn from numpy RandomState(crc32(name)) in model.weights order (He-scaled kernels,
gamma 1 + 0.1 n, beta 0.1 n; Normalization's adapted mean/variance near ImageNet's); then every
BatchNormalization's moving mean/variance is set from the statistics of its own input on a calibration batch
(16 images; 4 at full size), running through the graph in order so that each layer sees the calibrated layers
before it, perturbed by a seeded factor: activations stay of order 1 through 100+ layers, outputs are neither
flat nor huge. Inputs: integer pixel values 0..255 for models that include their preprocessing (EfficientNet*,
ConvNeXt*, MobileNetV3*), else uniform [-1, 1) (applications) or standard normal (hand-written); seeded by
crc32(name + "/b<batch>").
The models that reduce width by a factor where the Keras constructor has no width argument (Xception, ResNet*,
Inception*, VGG*, DenseNet*) are built by the Keras constructor itself with its module's `layers.Conv2D` /
`SeparableConv2D` (and VGG's 4096-unit `Dense`) dividing their filter counts: same graph, fewer channels.

Run (the fixture venv; tensorflowjs for the tfjs variant, see gen_model_fixtures.py's TFJS_CONVERTER):
  KERAS_BACKEND=tensorflow /tmp/kvenv/bin/python tools/realmodels/make_app_models.py committed
TensorFlow runs with one thread so that float reductions do not depend on the machine.
"""
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["COLUMNS"] = "250"  # before keras is imported: Keras's default summary widths

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
import keras  # noqa: E402
import tf_keras  # noqa: E402
from keras import layers as L  # noqa: E402
from keras.src.applications import (convnext, densenet, efficientnet, efficientnet_v2, inception_resnet_v2,  # noqa: E402
                                    inception_v3, mobilenet, mobilenet_v2, mobilenet_v3, nasnet, resnet, vgg16, xception)
from tf_keras.src.layers import VersionAwareLayers  # noqa: E402
from gen_model_fixtures import TFJS_CONVERTER, save_keras_file, tfjs_convert  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
COMMITTED = os.path.join(ROOT, "tests", "fixtures", "applications")
A = keras.applications
NO_TOP = dict(weights=None, classifier_activation=None)

# ---------------------------------------------------------------------------------------------------------
# Full keras.applications list (default input sizes): name -> (constructor, input shape, preprocessing inside)
FULL = {}
for _n, _s in [("ConvNeXtTiny", 224), ("ConvNeXtSmall", 224), ("ConvNeXtBase", 224), ("ConvNeXtLarge", 224),
               ("ConvNeXtXLarge", 224)]:
    FULL[_n.lower()] = (getattr(A, _n), (_s, _s, 3), True)
for _n in ["DenseNet121", "DenseNet169", "DenseNet201"]:
    FULL[_n.lower()] = (getattr(A, _n), (224, 224, 3), False)
for _i, _s in enumerate([224, 240, 260, 300, 380, 456, 528, 600]):
    FULL[f"efficientnetb{_i}"] = (getattr(A, f"EfficientNetB{_i}"), (_s, _s, 3), True)
for _n, _s in [("B0", 224), ("B1", 240), ("B2", 260), ("B3", 300), ("S", 384), ("M", 480), ("L", 480)]:
    FULL[f"efficientnetv2{_n.lower()}"] = (getattr(A, f"EfficientNetV2{_n}"), (_s, _s, 3), True)
FULL.update({
    "inceptionv3": (A.InceptionV3, (299, 299, 3), False),
    "inceptionresnetv2": (A.InceptionResNetV2, (299, 299, 3), False),
    "mobilenet": (A.MobileNet, (224, 224, 3), False),
    "mobilenetv2": (A.MobileNetV2, (224, 224, 3), False),
    "mobilenetv3small": (A.MobileNetV3Small, (224, 224, 3), True),
    "mobilenetv3large": (A.MobileNetV3Large, (224, 224, 3), True),
    "nasnetmobile": (A.NASNetMobile, (224, 224, 3), False),
    "nasnetlarge": (A.NASNetLarge, (331, 331, 3), False),
})
for _n in ["ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2", "VGG16", "VGG19",
           "Xception"]:
    FULL[_n.lower()] = (getattr(A, _n), (299, 299, 3) if _n == "Xception" else (224, 224, 3), False)


def build_full(name):
    make, shape, _ = FULL[name]
    return make(input_shape=shape, **NO_TOP)


# ---------------------------------------------------------------------------------------------------------
# Reduced keras.applications set (committed)

class LayersProxy:
    """A layers module with some classes replaced."""

    def __init__(self, real, **replaced):
        self._real = real
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(self._real, name)


class narrower:
    """Within `with narrower(module, div)`, module.layers.Conv2D / SeparableConv2D get filters // div, and
    Dense(4096) gets 4096 // div units (VGG's fc layers). `keep(filters, kwargs)` leaves a conv as it is (e.g.
    InceptionResNetV2's residual-scale conv, whose filters are read from the already-narrowed tensor)."""

    def __init__(self, module, div, keep=lambda filters, kw: False):
        self.module, self.div, self.keep = module, div, keep

    def _scaled(self, cls, key):
        def make(*args, **kw):
            filters = args[0] if args else kw[key]
            if not self.keep(filters, kw):
                if args:
                    args = (max(1, filters // self.div),) + args[1:]
                else:
                    kw[key] = max(1, filters // self.div)
            return cls(*args, **kw)
        return make

    def __enter__(self):
        real = self.module.layers

        def dense(units, *args, **kw):
            return real.Dense(units // self.div if units == 4096 else units, *args, **kw)
        proxy = LayersProxy(real, Conv2D=self._scaled(real.Conv2D, "filters"), Dense=dense,
                            SeparableConv2D=self._scaled(real.SeparableConv2D, "filters"))
        self.real, self.module.layers = real, proxy
        return self

    def __exit__(self, *exc):
        self.module.layers = self.real


def with_narrower(module, div, make, keep=lambda filters, kw: False):
    def build():
        with narrower(module, div, keep):
            return make()
    return build


def with_last_point(ch, make):
    """MobileNetV3Small/Large through the Keras constructor, with the 1x1 conv of the head (last_point_ch: 1024
    or 1280 at any alpha <= 1) at `ch` channels: the head is most of a narrow model's weights."""
    def build():
        real = mobilenet_v3.MobileNetV3

        def patched(stack_fn, last_point_ch, *args, **kw):
            return real(stack_fn, ch, *args, **kw)
        mobilenet_v3.MobileNetV3 = patched
        try:
            return make()
        finally:
            mobilenet_v3.MobileNetV3 = real
    return build


R = dict(NO_TOP, classes=10)
ONLY_1280 = dict(keep=lambda filters, kw: filters != 1280)  # MobileNetV2's head conv (1280 at any alpha <= 1)
# name -> (builder, input shape, preprocessing inside)
REDUCED = {
    "mobilenet_reduced": (with_narrower(mobilenet, 2, lambda: A.MobileNet(input_shape=(64, 64, 3), alpha=0.25, **R),
                                        keep=lambda filters, kw: filters == 10), (64, 64, 3), False),
    "mobilenetv2_reduced": (with_narrower(mobilenet_v2, 8, lambda: A.MobileNetV2(
        input_shape=(64, 64, 3), alpha=0.2, **R), **ONLY_1280), (64, 64, 3), False),
    "mobilenetv3small_reduced": (with_last_point(128, lambda: A.MobileNetV3Small(
        input_shape=(64, 64, 3), alpha=0.35, **R)), (64, 64, 3), True),
    "mobilenetv3large_minimalistic_reduced": (with_last_point(128, lambda: A.MobileNetV3Large(
        input_shape=(64, 64, 3), alpha=0.35, minimalistic=True, **R)), (64, 64, 3), True),
    "efficientnetb0_reduced": (
        lambda: efficientnet.EfficientNet(0.25, 0.25, 64, name="efficientnetb0", input_shape=(64, 64, 3), **R),
        (64, 64, 3), True),
    "efficientnetv2b0_reduced": (
        lambda: efficientnet_v2.EfficientNetV2(0.25, 0.25, 64, name="efficientnetv2-b0", input_shape=(64, 64, 3),
                                               **R), (64, 64, 3), True),
    "convnext_reduced": (
        lambda: convnext.ConvNeXt(depths=[1, 1, 2, 1], projection_dims=[16, 32, 48, 64], default_size=64,
                                  name="convnext_tiny", input_shape=(64, 64, 3), **R), (64, 64, 3), True),
    "nasnetmobile_reduced": (
        lambda: nasnet.NASNet(input_shape=(64, 64, 3), penultimate_filters=96, num_blocks=1, stem_block_filters=8,
                              skip_reduction=False, filter_multiplier=2, default_size=64, name="nasnet_mobile", **R),
        (64, 64, 3), False),
    "nasnetlarge_reduced": (
        lambda: nasnet.NASNet(input_shape=(64, 64, 3), penultimate_filters=96, num_blocks=1, stem_block_filters=8,
                              skip_reduction=True, filter_multiplier=2, default_size=64, name="nasnet_large", **R),
        (64, 64, 3), False),
    "xception_reduced": (with_narrower(xception, 16, lambda: A.Xception(input_shape=(71, 71, 3), **R)),
                         (71, 71, 3), False),
    "densenet_reduced": (with_narrower(densenet, 8, lambda: densenet.DenseNet(
        [1, 2, 2, 1], input_shape=(64, 64, 3), name="densenet121", **R)), (64, 64, 3), False),
    "resnet50_reduced": (with_narrower(resnet, 16, lambda: A.ResNet50(input_shape=(32, 32, 3), **R)),
                         (32, 32, 3), False),
    "resnet50v2_reduced": (with_narrower(resnet, 16, lambda: A.ResNet50V2(input_shape=(32, 32, 3), **R)),
                           (32, 32, 3), False),
    "inceptionv3_reduced": (with_narrower(inception_v3, 16, lambda: A.InceptionV3(input_shape=(75, 75, 3), **R)),
                            (75, 75, 3), False),
    "inceptionresnetv2_reduced": (
        with_narrower(inception_resnet_v2, 16, lambda: A.InceptionResNetV2(input_shape=(75, 75, 3), **R),
                      keep=lambda filters, kw: kw.get("use_bias") is True), (75, 75, 3), False),
    "vgg16_reduced": (with_narrower(vgg16, 16, lambda: A.VGG16(input_shape=(32, 32, 3), **R)), (32, 32, 3), False),
}


def tf_mobilenet_v2_reduced():
    """mobilenetv2_reduced in tf_keras: its MobileNetV2 takes the layers module as a keyword."""
    real = VersionAwareLayers()
    proxy = LayersProxy(real, Conv2D=lambda filters, *a, **kw: real.Conv2D(
        filters // 8 if filters == 1280 else filters, *a, **kw))
    return tf_keras.applications.MobileNetV2(input_shape=(64, 64, 3), alpha=0.2, layers=proxy, **R)


TF_KERAS_VARIANTS = {
    "mobilenetv2_reduced": lambda: tf_mobilenet_v2_reduced(),
}


# ---------------------------------------------------------------------------------------------------------
# Hand-written models (committed). Each builder returns a model; inputs are standard normal.

def conv_autoencoder():
    x = inp = keras.Input((16, 16, 3), name="image")
    x = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(x)
    x = L.UpSampling2D(2)(x)
    x = L.Conv2DTranspose(4, 3, padding="valid")(x)
    x = L.UpSampling2D(2, interpolation="bilinear")(x)
    x = L.Conv2D(3, 5, padding="valid", activation="sigmoid")(x)
    return keras.Model(inp, x, name="conv_autoencoder")


def unet_small():
    inp = keras.Input((20, 20, 2))
    c1 = L.Conv2D(8, 3, activation="relu")(inp)                       # 18
    p1 = L.MaxPooling2D(2)(c1)                                         # 9
    c2 = L.Conv2D(16, 3, activation="relu")(p1)                        # 7
    u1 = L.Conv2DTranspose(8, 2, strides=2)(c2)                       # 14
    crop = L.Cropping2D(((2, 2), (1, 3)))(c1)                          # 14
    m = L.Concatenate()([u1, crop])
    c3 = L.Conv2D(8, 3, padding="same")(m)
    c3 = L.BatchNormalization()(c3)
    c3 = L.ReLU()(c3)
    out = L.Conv2D(1, 1, activation="sigmoid", name="mask")(c3)
    return keras.Model(inp, out, name="unet_small")


def activation_layers():
    inp = keras.Input((6, 6, 4))
    a = L.ELU(alpha=0.5)(L.Conv2D(4, 3, padding="same")(inp))
    b = L.LeakyReLU(negative_slope=0.2)(a)
    c = L.PReLU(shared_axes=[1, 2])(b)
    d = L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5)(c)
    e = L.Softmax(axis=-1)(L.Conv2D(5, 1)(d))
    f = L.Softmax(axis=1)(L.Dense(3)(L.Flatten()(d)))
    return keras.Model(inp, [e, f], name="activation_layers")


def merges():
    a = keras.Input((8,), name="a")
    b = keras.Input((8,), name="b")
    ha = L.Dense(6, activation="tanh")(a)
    hb = L.Dense(6, activation="tanh")(b)
    mul = L.Multiply()([ha, hb])
    sub = L.Subtract()([ha, hb])
    avg = L.Average()([ha, hb, mul])
    mx = L.Maximum()([ha, hb, sub])
    mn = L.Minimum()([ha, hb])
    dot = L.Dot(axes=1)([ha, hb])
    cos = L.Dot(axes=1, normalize=True)([mx, mn])
    out = L.Concatenate()([mul, sub, avg, mx, mn, dot, cos])
    return keras.Model([a, b], out, name="merges")


def dot_sequences():
    a = keras.Input((5, 4))
    b = keras.Input((7, 4))
    scores = L.Dot(axes=(2, 2))([a, b])          # (5, 7)
    attn = L.Softmax()(scores)
    mixed = L.Dot(axes=(2, 1))([attn, b])         # (5, 4)
    return keras.Model([a, b], L.Add()([mixed, a]), name="dot_sequences")


def sequence_reshaping():
    inp = keras.Input((6,))
    x = L.Dense(4, activation="relu")(inp)
    x = L.RepeatVector(5)(x)                       # (5, 4)
    x = L.Permute((2, 1))(x)                       # (4, 5)
    x = L.Dense(3)(x)
    x = L.Permute((2, 1))(x)                       # (3, 4)
    return keras.Model(inp, L.Flatten()(x), name="sequence_reshaping")


def normalizations():
    inp = keras.Input((8, 8, 8))
    x = L.Conv2D(8, 3, padding="same")(inp)
    x = L.GroupNormalization(groups=4)(x)
    x = L.SpatialDropout2D(0.3)(x)
    x = L.GaussianNoise(0.5)(x)
    x = L.Conv2D(6, 3)(x)
    x = L.LayerNormalization()(x)
    x = L.GlobalAveragePooling2D()(x)
    x = L.GaussianDropout(0.2)(x)
    x = L.UnitNormalization()(L.Dense(5)(x))
    return keras.Model(inp, x, name="normalizations")


def nested_sequential():
    block = keras.Sequential([keras.Input((8, 8, 4)), L.Conv2D(4, 3, padding="same"), L.BatchNormalization(),
                              L.Activation("relu")], name="conv_block")
    inp = keras.Input((8, 8, 4))
    x = block(inp)
    x = L.Add()([x, inp])
    x = L.GlobalAveragePooling2D()(x)
    head = keras.Sequential([L.Dense(6, activation="relu"), L.Dense(3)], name="head")
    return keras.Model(inp, head(x), name="nested_sequential")


def add_broadcast():
    inp = keras.Input((8, 8, 4))
    x = L.Conv2D(4, 3, padding="same")(inp)
    g = L.GlobalAveragePooling2D(keepdims=True)(x)  # (1, 1, 4)
    y = L.Add()([x, g])
    z = L.Multiply()([y, L.Dense(4, activation="sigmoid")(g)])
    return keras.Model(inp, z, name="add_broadcast")


def squeeze_excite():
    inp = keras.Input((10, 10, 8))
    x = L.Conv2D(16, 3, padding="same", activation="swish")(inp)
    se = L.GlobalAveragePooling2D()(x)
    se = L.Reshape((1, 1, 16))(se)
    se = L.Conv2D(4, 1, activation="relu")(se)
    se = L.Conv2D(16, 1, activation="hard_sigmoid")(se)
    x = L.Multiply()([x, se])
    x = L.DepthwiseConv2D(3, padding="same", depth_multiplier=1)(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU(6.0)(x)
    x = L.SeparableConv2D(8, 3, padding="same")(x)
    return keras.Model(inp, L.Add()([x, inp]), name="squeeze_excite")


def op_layers():
    inp = keras.Input((4, 4, 3))
    x = L.Rescaling(1.0 / 127.5, offset=-1.0)(inp)
    x = L.Conv2D(6, 3)(x)
    x = x * 2.0 + 1.0
    x = keras.ops.maximum(x, 0.0) - x / 3.0
    return keras.Model(inp, L.Flatten()(x), name="op_layers")


def mnist_convnet():  # keras.io/examples/vision/mnist_convnet
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        L.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)),
        L.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)),
        L.Flatten(),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax"),
    ], name="mnist_convnet")


def simple_mnist_mlp():  # the Keras README's Sequential MLP, 128 units
    return keras.Sequential([
        keras.Input(shape=(784,)),
        L.Dense(128, activation="relu"),
        L.Dropout(0.2),
        L.Dense(128, activation="relu"),
        L.Dropout(0.2),
        L.Dense(10, activation="softmax"),
    ], name="simple_mnist_mlp")


def conv1d_classifier():
    inp = keras.Input((32, 5))
    x = L.Conv1D(16, 5, activation="relu")(inp)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(16, 3, padding="causal", dilation_rate=2, activation="gelu")(x)
    x = L.GlobalMaxPooling1D()(x)
    x = L.Dropout(0.3)(x)
    return keras.Model(inp, L.Dense(4, activation="softmax")(x), name="conv1d_classifier")


def mobile_block_sequential():
    return keras.Sequential([
        keras.Input((24, 24, 3)),
        L.ZeroPadding2D(1),
        L.Conv2D(8, 3, strides=2, use_bias=False),
        L.BatchNormalization(),
        L.ReLU(6.0),
        L.DepthwiseConv2D(3, padding="same", use_bias=False),
        L.BatchNormalization(),
        L.ReLU(6.0),
        L.Conv2D(16, 1, use_bias=False),
        L.BatchNormalization(),
        L.AveragePooling2D(2),
        L.Flatten(),
        L.Dense(5),
    ], name="mobile_block_sequential")


HANDWRITTEN = {f.__name__: f for f in [
    conv_autoencoder, unet_small, activation_layers, merges, dot_sequences, sequence_reshaping, normalizations,
    nested_sequential, add_broadcast, squeeze_excite, op_layers, mnist_convnet, simple_mnist_mlp,
    conv1d_classifier, mobile_block_sequential]}


# ---------------------------------------------------------------------------------------------------------
# Weights, calibration, files

def summary_text(model):
    """Exactly what model.summary() prints to stdout: rich's captured text, which ends with its own newline
    (gen_model_fixtures.py's summary_text adds one more per print_fn call)."""
    buf = io.StringIO()
    model.summary(print_fn=lambda text, **kw: buf.write(text), line_length=None)
    return buf.getvalue()


def seeded_weights(model, seed):
    rs = np.random.RandomState(seed)
    for w in model.weights:
        if not str(w.dtype).startswith("float"):
            continue  # Normalization's count
        shape = tuple(w.shape)
        v = rs.standard_normal(shape)
        leaf = w.path.split("/")[-1]
        if leaf == "moving_variance":
            v = np.abs(v) * 0.1 + 0.5
        elif leaf in ("moving_mean", "beta", "bias"):
            v = v * 0.1
        elif leaf == "gamma":
            v = 1.0 + 0.1 * v
        elif leaf == "mean":      # Normalization adapted on [0, 1] images (ImageNet-like)
            v = 0.45 + 0.02 * v
        elif leaf == "variance":
            v = 0.06 + 0.005 * np.abs(v)
        elif leaf == "alpha":     # PReLU
            v = 0.25 + 0.1 * v
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            if "depthwise" in leaf:
                fan_in = int(np.prod(shape[:2]))
            v = v * np.sqrt(2.0 / max(fan_in, 1))
        w.assign(v.astype(np.float32))
    # An adapted Normalization computes with the mean / variance tensors finalize_state() copied from its weights
    # at build time: assigning the weights alone leaves the in-memory model normalizing by mean 0, variance 1,
    # while the saved file (load_own_variables calls finalize_state) uses the assigned ones, so the expected
    # outputs would not be those of model.keras.
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, L.Normalization):
            layer.finalize_state()


def calibrate_batch_norms(model, x, seed):
    """Sets each BatchNormalization's moving stats from its input on batch x, layer after layer."""
    rs = np.random.RandomState(seed)

    def op_fn(op):
        if not isinstance(op, L.BatchNormalization):
            return lambda *a, **k: op(*a, **k)

        def call(t, **k):
            t = np.asarray(t)
            axes = tuple(i for i in range(t.ndim) if i != op.axis % t.ndim)
            mean, var = t.mean(axis=axes), t.var(axis=axes)
            n = mean.shape
            op.moving_mean.assign((mean + 0.1 * np.sqrt(var) * rs.standard_normal(n)).astype(np.float32))
            # The floor keeps near-dead channels (variance ~0 on this batch) from scaling by 1/sqrt(epsilon):
            # such gains make any model's float32 rounding, Keras's included, far larger than 1e-4.
            floor = 0.05 * float(var.mean()) + 1e-3
            op.moving_variance.assign((var * rs.uniform(0.8, 1.25, n) + floor).astype(np.float32))
            return op(t, training=False)
        return call

    graph = model._functional if isinstance(model, keras.Sequential) else model  # Sequential wraps a Functional
    graph._run_through_graph(x, operation_fn=op_fn)


def make_inputs(model, name, batch, kind):
    rs = np.random.RandomState(zlib.crc32(f"{name}/b{batch}".encode()) & 0x7FFFFFFF)
    out = []
    for t in model.inputs:
        shape = (batch,) + tuple(t.shape[1:])
        if kind == "image255":
            out.append(rs.randint(0, 256, shape).astype(np.float32))  # 8-bit pixels, as images are
        elif kind == "unit":
            out.append(rs.uniform(-1, 1, shape).astype(np.float32))
        else:
            out.append(rs.standard_normal(shape).astype(np.float32))
    return out


def npy_names(model, prefix, batch):
    n = len(model.inputs) if prefix == "input" else len(model.outputs)
    return [f"{prefix}_b{batch}.npy" if n == 1 else f"{prefix}_{i}_b{batch}.npy" for i in range(n)]


def params(model):
    return int(sum(np.prod(w.shape) for w in model.weights))


def record(name, model, folder, kind, tf_keras_make=None, calibration_batch=16):
    seed = zlib.crc32(name.encode()) & 0x7FFFFFFF
    seeded_weights(model, seed)
    # A batch large enough that statistics at 1x1 or 2x2 spatial sizes (reduced inputs) are not of 4 values.
    calib = make_inputs(model, name + "/calibration", calibration_batch, kind)
    calibrate_batch_norms(model, calib if len(calib) > 1 else calib[0], seed + 1)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    save_keras_file(model, os.path.join(folder, "model.keras"))
    with open(os.path.join(folder, "summary.txt"), "w") as f:
        f.write(summary_text(model))
    tf_model = None
    if tf_keras_make is not None:
        tf_model = tf_keras_make()
        tf_model.set_weights([np.asarray(w.numpy()) for w in model.weights])  # same architecture and order
        tf_model.save(os.path.join(folder, "model.h5"), save_format="h5")
        with open(os.path.join(folder, "tf_keras.json"), "w") as f:
            json.dump(json.loads(tf_model.to_json()), f, indent=1)
            f.write("\n")
        tfjs_convert(os.path.join(folder, "model.h5"), os.path.join(folder, "tfjs"))
    report = []
    for batch in (1, 3):
        xs = make_inputs(model, name, batch, kind)
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, (list, tuple)) else [ys]
        for fname, x in zip(npy_names(model, "input", batch), xs):
            np.save(os.path.join(folder, fname), x)
        for fname, y in zip(npy_names(model, "expected", batch), ys):
            np.save(os.path.join(folder, fname), np.asarray(y, dtype=np.float32))
        assert all(np.all(np.isfinite(y)) for y in ys), name
        report.append(max(float(np.abs(y).max()) for y in ys))
        if tf_model is not None:
            ts = tf_model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
            ts = ts if isinstance(ts, (list, tuple)) else [ts]
            for fname, y in zip(npy_names(model, "expected_tf_keras", batch), ts):
                np.save(os.path.join(folder, fname), np.asarray(y, dtype=np.float32))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
    print(f"{name}: {params(model):,} params, {size / 1e6:.2f} MB, max |output| {max(report):.3g}", flush=True)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "list"
    if mode == "list":
        print("full:", " ".join(FULL))
        print("committed:", " ".join(list(REDUCED) + list(HANDWRITTEN)))
        return
    if mode == "full":
        out, names = sys.argv[2], sys.argv[3:] or list(FULL)
        for name in names:
            keras.utils.clear_session()
            record(name, build_full(name), os.path.join(out, name), "image255" if FULL[name][2] else "unit",
                   calibration_batch=4)
        return
    if mode != "committed":
        sys.exit(f"unknown mode {mode!r}: full OUT_DIR [NAME ...] | committed [NAME ...] | list")
    names = sys.argv[2:] or list(REDUCED) + list(HANDWRITTEN)
    if any(n in TF_KERAS_VARIANTS for n in names) and not os.access(TFJS_CONVERTER, os.X_OK):
        sys.exit(f"no tensorflowjs_converter at {TFJS_CONVERTER}: see gen_model_fixtures.py")
    for name in names:
        keras.utils.clear_session()
        folder = os.path.join(COMMITTED, name)
        if name in REDUCED:
            make, _, pre = REDUCED[name]
            record(name, make(), folder, "image255" if pre else "unit", TF_KERAS_VARIANTS.get(name))
        else:
            record(name, HANDWRITTEN[name](), folder, "normal")


if __name__ == "__main__":
    main()
