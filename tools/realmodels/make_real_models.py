"""Writes real keras.applications models (random fixed-seed weights) with the real Keras into a folder, in every
file format inlay loads, plus an input and Keras's output for each, to check inlay end to end:

  <out>/<name>.keras            Keras 3 model.save()
  <out>/<name>.h5               tf.keras 2 model.save(..., save_format="h5") of the same architecture and weights
  <out>/<name>.input.npy        a seeded float32 input batch (batch 2)
  <out>/<name>.keras.expect.npy Keras 3's model.predict on it
  <out>/<name>.h5.expect.npy    tf.keras 2's model.predict on it

Run (the fixture venv: keras 3, tf_keras, tensorflow-cpu):
  KERAS_BACKEND=tensorflow /tmp/kvenv/bin/python tools/realmodels/make_real_models.py OUT_DIR [NAME ...]
Then: tools/realmodels/check_real_models.sh OUT_DIR (runs `inlay predict --expect` on every file).
Files are large (ResNet50 ~100 MB); nothing here is committed.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tf_keras  # noqa: E402

MODELS = {
    # name: (keras 3 constructor, tf_keras constructor, input shape)
    "resnet50": (keras.applications.ResNet50, tf_keras.applications.ResNet50, (224, 224, 3)),
    "resnet50v2": (keras.applications.ResNet50V2, tf_keras.applications.ResNet50V2, (224, 224, 3)),
    "vgg16": (keras.applications.VGG16, tf_keras.applications.VGG16, (224, 224, 3)),
    "inceptionv3": (keras.applications.InceptionV3, tf_keras.applications.InceptionV3, (299, 299, 3)),
    "densenet121": (keras.applications.DenseNet121, tf_keras.applications.DenseNet121, (224, 224, 3)),
}


def seeded_weights(model, seed):
    rng = np.random.RandomState(seed)
    values = []
    for w in model.weights:
        v = rng.standard_normal(w.shape).astype(np.float32)
        name = w.path if hasattr(w, "path") else w.name
        if "moving_variance" in name:
            v = np.abs(v) * 0.1 + 0.5
        elif "moving_mean" in name or "beta" in name:
            v = v * 0.1
        elif "gamma" in name:
            v = 1.0 + 0.1 * v
        else:
            fan_in = int(np.prod(w.shape[:-1])) if len(w.shape) > 1 else 1
            v = v * np.sqrt(2.0 / max(fan_in, 1))  # He scaling keeps activations finite through 50+ layers
        values.append(v)
    return values


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(MODELS)
    os.makedirs(out, exist_ok=True)
    for name in names:
        make3, make2, shape = MODELS[name]
        m3 = make3(weights=None, input_shape=shape, classifier_activation=None)  # logits: softmax of random weights saturates
        values = seeded_weights(m3, 1234)
        m3.set_weights(values)
        x = np.random.RandomState(7).uniform(-1, 1, (2,) + shape).astype(np.float32)
        np.save(f"{out}/{name}.input.npy", x)
        m3.save(f"{out}/{name}.keras")
        np.save(f"{out}/{name}.keras.expect.npy", m3.predict(x, verbose=0))
        m2 = make2(weights=None, input_shape=shape, classifier_activation=None)
        m2.set_weights(values)  # same architecture, same weight order
        m2.save(f"{out}/{name}.h5", save_format="h5")
        np.save(f"{out}/{name}.h5.expect.npy", m2.predict(x, verbose=0))
        print(name, "written", flush=True)


if __name__ == "__main__":
    main()
