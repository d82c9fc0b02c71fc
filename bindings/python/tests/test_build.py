"""Models built in Python: Keras's JSON for them, predict against NumPy references computed from the weights,
layer semantics (positional arguments, sharing, graphs), Sequential, and the Python object model."""

from __future__ import annotations

import gc
import json
import weakref

import numpy as np
import pytest

import inlay
from inlay import layers
from conftest import load_fixture


def _keras_case(case_id: str) -> dict:
    for c in load_fixture("model_cases.json")["cases"]:
        if c["id"] == case_id:
            return c["result"]
    raise AssertionError(case_id)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _logistic_regression() -> inlay.Model:
    x = inlay.Input(shape=(32,))
    y = layers.Dense(16, activation="softmax")(x)
    return inlay.Model(x, y)


def test_logistic_regression_is_the_keras_docs_model():
    model = _logistic_regression()
    assert model.to_json() == json.dumps(_keras_case("logistic_regression")["to_json"])
    assert model.summary_text() + "\n" == _keras_case("logistic_regression")["summary"]


def test_logistic_regression_predicts_softmax_of_x_w_plus_b():
    model = _logistic_regression()
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(32, 16)).astype(np.float32)
    bias = rng.normal(size=(16,)).astype(np.float32)
    model.set_weights([kernel, bias])
    got_kernel, got_bias = model.get_weights()
    np.testing.assert_array_equal(got_kernel, kernel)
    np.testing.assert_array_equal(got_bias, bias)
    x = rng.normal(size=(5, 32)).astype(np.float32)
    reference = _softmax(x.astype(np.float64) @ kernel.astype(np.float64) + bias)
    np.testing.assert_allclose(model.predict(x), reference, rtol=1e-5, atol=1e-5)
    assert model.predict(x).dtype == np.float32


def test_fresh_models_have_zero_weights_and_weight_metadata():
    model = _logistic_regression()
    assert [(w.path, w.shape, w.name, w.dtype) for w in model.weights] == [
        ("dense/kernel", (32, 16), "kernel", "float32"), ("dense/bias", (16,), "bias", "float32")]
    assert model.count_params() == 32 * 16 + 16
    assert not np.asarray(model.weights[0]).any()
    model.weights[1].assign(np.arange(16))  # any numbers, cast to float32 as Keras casts
    np.testing.assert_array_equal(model.weights[1].numpy(), np.arange(16, dtype=np.float32))


def test_mlp_with_relu_matches_numpy():
    rng = np.random.default_rng(1)
    x = inlay.Input(shape=(8,), name="features")
    h = layers.Dense(6, activation="relu", name="hidden")(x)
    y = layers.Dense(3, name="logits")(h)
    model = inlay.Model(inputs=x, outputs=y, name="mlp")
    weights = [rng.normal(size=w.shape).astype(np.float32) for w in model.weights]
    model.set_weights(weights)
    data = rng.normal(size=(4, 8)).astype(np.float32)
    reference = np.maximum(data @ weights[0] + weights[1], 0) @ weights[2] + weights[3]
    np.testing.assert_allclose(model.predict(data), reference, rtol=1e-5, atol=1e-5)
    assert [l.name for l in model.layers] == ["features", "hidden", "logits"]
    assert model.name == "mlp"


def test_positional_arguments_follow_keras_order():
    positional = layers.Conv2D(8, 3, 2, "same", activation="relu")
    keywords = layers.Conv2D(filters=8, kernel_size=3, strides=2, padding="same", activation="relu")
    a, b = positional.get_config(), keywords.get_config()
    a.pop("name"), b.pop("name")
    assert a == b and a["kernel_size"] == [3, 3] and a["strides"] == [2, 2]
    assert layers.Reshape((4, 2)).get_config()["target_shape"] == [4, 2]
    assert layers.Dropout(0.25).get_config()["rate"] == 0.25
    assert layers.Activation("relu").get_config()["activation"] == "relu"
    assert layers.Dense(4, "tanh").get_config()["activation"] == "tanh"
    with pytest.raises(TypeError, match="at most 1 positional"):
        layers.Reshape((4, 2), "extra")
    with pytest.raises(TypeError, match="multiple values for argument 'units'"):
        layers.Dense(4, units=5)


def test_layer_names_are_given_when_layers_are_made_as_in_keras():
    a, b = layers.Dense(3), layers.Dense(3)
    x = inlay.Input(shape=(3,))
    b(x)  # called first, still named second
    assert (a.name, b.name) == ("dense", "dense_1")


def test_layer_objects_are_the_models_layers_and_tensors():
    x = inlay.Input(shape=(4,))
    dense = layers.Dense(2)
    y = dense(x)
    model = inlay.Model(x, y)
    assert model.layers[1] is dense and model.inputs[0] is x and model.outputs[0] is y
    assert model.input is x and model.output is y and y.layer is dense and x.layer is model.layers[0]
    assert dense.output is y
    assert model.get_layer("dense") is dense and model.get_layer(index=0) is x.layer
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_shared_layer_applies_the_same_weights_to_both_inputs():
    a, b = inlay.Input(shape=(4,)), inlay.Input(shape=(4,))
    shared = layers.Dense(3)
    model = inlay.Model([a, b], [shared(a), shared(b)])
    assert [l.name for l in model.layers].count("dense") == 1
    rng = np.random.default_rng(2)
    kernel, bias = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    model.set_weights([kernel, bias])
    xa, xb = rng.normal(size=(2, 4)).astype(np.float32), rng.normal(size=(2, 4)).astype(np.float32)
    ya, yb = model.predict([xa, xb])
    np.testing.assert_allclose(ya, xa @ kernel + bias, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(yb, xb @ kernel + bias, rtol=1e-5, atol=1e-5)


def test_add_and_concatenate_take_lists():
    a, b = inlay.Input(shape=(3,)), inlay.Input(shape=(3,))
    model = inlay.Model([a, b], [layers.Add()([a, b]), layers.Concatenate()([a, b])])
    xa, xb = np.ones((2, 3), np.float32), np.full((2, 3), 2.0, np.float32)
    total, joined = model.predict([xa, xb])
    np.testing.assert_array_equal(total, xa + xb)
    np.testing.assert_array_equal(joined, np.concatenate([xa, xb], axis=-1))


def test_cnn_layers_build_keras_shapes():
    x = inlay.Input(shape=(28, 28, 1))
    h = layers.Conv2D(32, 3, activation="relu")(x)
    h = layers.MaxPooling2D()(h)
    h = layers.BatchNormalization()(h)
    h = layers.ZeroPadding2D()(h)
    h = layers.AveragePooling2D(2)(h)
    g = layers.GlobalAveragePooling2D()(h)
    m = layers.GlobalMaxPooling2D()(h)
    f = layers.Flatten()(h)
    y = layers.Dense(10, activation="softmax")(layers.Dropout(0.5)(f))
    assert h.shape == (None, 7, 7, 32) and g.shape == m.shape == (None, 32) and f.shape == (None, 7 * 7 * 32)
    model = inlay.Model(x, [y, g, m])
    outputs = model.predict(np.zeros((2, 28, 28, 1), np.float32))
    assert [o.shape for o in outputs] == [(2, 10), (2, 32), (2, 32)]
    s = inlay.Input(shape=(20, 4))
    t = layers.Conv1D(6, 3, padding="causal")(s)
    t = layers.MaxPooling1D()(t)
    t = layers.AveragePooling1D(2)(t)
    assert layers.GlobalAveragePooling1D()(t).shape == (None, 6)
    v = inlay.Input(shape=(4, 4, 4, 1))
    assert layers.Conv3D(2, 2)(v).shape == (None, 3, 3, 3, 2)
    assert layers.Reshape((16, 4))(v).shape == (None, 16, 4)


def test_sequential_from_a_list_matches_keras():
    x = inlay.Input(shape=(32,))
    model = inlay.Sequential([x, layers.Dense(16, activation="softmax")])
    assert isinstance(model, inlay.Model)
    assert model.to_json() == json.dumps(_keras_case("sequential_input")["to_json"])
    assert repr(model) == "<Sequential name=sequential, built=True>"


def test_sequential_with_add_builds_on_first_use():
    model = inlay.Sequential()
    model.add(inlay.Input(shape=(32,)))
    model.add(layers.Dense(16, activation="softmax"))
    assert model.to_json() == json.dumps(_keras_case("sequential_input")["to_json"])
    model.add(layers.Dense(4))  # after building: re-made, same name
    assert model.name == "sequential" and model.output_shape == (None, 4)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 32"):
        model.add(model.layers[0])  # the first Dense (32 inputs) after a 4-wide output
    assert model.output_shape == (None, 4) and len(model.layers) == 2


def test_sequential_with_input_shape():
    model = inlay.Sequential([layers.Dense(16, activation="softmax", input_shape=(32,))])
    assert model.input_shape == (None, 32)
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")


def test_clear_session_does_not_invalidate_what_was_built():
    model = _logistic_regression()
    x = model.inputs[0]
    graph = weakref.ref(x.graph)
    inlay.clear_session()
    gc.collect()
    assert graph() is not None  # the tensor keeps its graph alive
    assert x.shape == (None, 32)
    assert model.predict(np.zeros((1, 32), np.float32)).shape == (1, 16)


def test_model_keeps_working_after_its_python_graph_is_gone():
    model = _logistic_regression()
    model._graph = None  # drop the model's only link to the Python graph; the C model shares the C graph
    inlay.clear_session()
    gc.collect()
    assert model.predict(np.ones((1, 32), np.float32)).shape == (1, 16)
    assert model.layers[1].name == "dense"


def test_uncalled_layer_moves_to_the_new_graph_called_layer_does_not():
    dense = layers.Dense(2)
    inlay.clear_session()
    x = inlay.Input(shape=(3,))
    y = dense(x)  # never called before: re-made in x's graph
    assert y.shape == (None, 2) and y.layer is dense and dense.name == "dense"
    inlay.clear_session()
    z = inlay.Input(shape=(3,))
    with pytest.raises(ValueError, match="already called on tensors of another graph"):
        dense(z)


def test_tensors_of_two_graphs_cannot_meet():
    a = inlay.Input(shape=(3,))
    inlay.clear_session()
    b = inlay.Input(shape=(3,))
    with pytest.raises(ValueError, match="different graphs"):
        layers.Add()([a, b])
    with pytest.raises(ValueError, match="different graphs"):
        inlay.Model([a, b], [a, b])


def test_loaded_models_tensors_cannot_build_new_layers(fixtures):
    model = inlay.load_model(fixtures / "models" / "logistic_regression" / "model.keras")
    with pytest.raises(ValueError, match="loaded from a file"):
        layers.Dense(2)(model.outputs[0])
    assert model.layers[1].built and isinstance(model.layers[1], layers.Dense)


def test_keras_reprs():
    x = inlay.Input(shape=(32,))
    assert repr(x) == "<KerasTensor shape=(None, 32), dtype=float32, sparse=False, ragged=False, name=keras_tensor>"
    d = layers.Dense(4)
    assert repr(d) == "<Dense name=dense, built=False>"
    d(x)
    assert repr(d) == "<Dense name=dense, built=True>"
    assert repr(inlay.Model(x, x)) == "<Functional name=functional, built=True>"
    with pytest.raises(AttributeError, match="has never been called"):
        layers.Dense(4).output


def test_generic_layers_by_class_name():
    x = inlay.Input(shape=(4,))
    layer = layers.deserialize({"class_name": "Dense", "config": {"units": 2, "name": "d"}})
    assert isinstance(layer, layers.Dense) and layer(x).shape == (None, 2)
    again = layers.Dense.from_config(layer.get_config() | {"name": "d2"})
    assert again.get_config()["units"] == 2
    with pytest.raises(inlay.UnsupportedError, match="Unsupported layer class 'ConvLSTM2D'") as info:
        layers.deserialize({"class_name": "ConvLSTM2D", "config": {"filters": 3, "kernel_size": 3}})
    assert isinstance(info.value, NotImplementedError)


def test_input_layer_class_and_tensor_argument():
    layer = layers.InputLayer(shape=(5,), name="inp")
    assert layer.built and layer.output.shape == (None, 5) and layer.name == "inp"
    wrapped = inlay.Input(tensor=layer.output)  # Keras 3: a new InputLayer producing the same tensor
    assert wrapped is layer.output and wrapped.layer.name == "input_layer"
