"""Error paths: each raises the exception class Keras code expects, carrying the library's (Keras's) message."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

import inlay
from inlay import _lib, layers


def _model() -> inlay.Model:
    x = inlay.Input(shape=(32,))
    return inlay.Model(x, layers.Dense(16, activation="softmax")(x))


def test_wrong_input_shape_is_keras_message():
    with pytest.raises(ValueError) as info:
        _model().predict(np.zeros((2, 5), np.float32))
    assert type(info.value) is inlay.ShapeMismatchError and info.value.status == "INLAY_SHAPE_MISMATCH"
    assert str(info.value) == ("Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: expected "
                               "shape=(None, 32), found shape=(2, 5)")


def test_wrong_input_count_is_keras_message():
    with pytest.raises(ValueError, match=r'^Layer "functional" expects 1 input\(s\), but it received 2 input '
                                         r"tensors.$"):
        _model().predict([np.zeros((1, 32), np.float32)] * 2)


def test_keras_rank_adjustment_is_applied():
    """Keras squeezes a trailing axis of size 1 (Functional._adjust_input_rank)."""
    model = _model()
    x = np.random.default_rng(0).normal(size=(2, 32)).astype(np.float32)
    np.testing.assert_array_equal(model.predict(x[..., None]), model.predict(x))


def test_missing_file_is_an_oserror_naming_it(tmp_path):
    missing = tmp_path / "nope.keras"
    with pytest.raises(OSError) as info:
        inlay.load_model(missing)
    assert type(info.value) is inlay.IoError
    assert str(info.value) == f"'{missing}': cannot open the model file: No such file or directory"


def test_file_of_another_kind_is_a_parse_error(tmp_path):
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"\x00not a zip")
    with pytest.raises(ValueError) as info:
        inlay.load_model(junk)
    assert type(info.value) is inlay.ParseError and str(junk) in str(info.value)


@pytest.mark.parametrize("text, pattern", [
    ("{not json", r"^inlay_model_from_json: invalid JSON: .*parse error"),
    ("[]", r"^Not a Keras model config: expected a JSON object, got array$"),
    ("{}", r'^Not a Keras model config: the model has no "class_name"$'),
])
def test_bad_json_is_a_valueerror(text, pattern):
    with pytest.raises(ValueError, match=pattern) as info:
        inlay.model_from_json(text)
    assert type(info.value) is inlay.ParseError


def test_set_weights_checks_shapes_and_count_like_keras():
    model = _model()
    kernel, bias = np.ones((32, 16), np.float32), np.zeros(16, np.float32)
    with pytest.raises(ValueError, match=r"^Layer functional weight shape \(32, 16\) is not compatible with provided "
                                         r"weight shape \(16, 32\).$"):
        model.set_weights([kernel.T, bias])  # same element count: the library alone would accept it
    with pytest.raises(ValueError, match=r"^You called `set_weights\(weights\)` on layer 'functional' with a weight "
                                         r"list of length 1, but the layer was expecting 2 weights.$"):
        model.set_weights([kernel])
    assert not model.get_weights()[0].any()  # nothing written by the failed calls
    with pytest.raises(ValueError, match="is not compatible"):
        model.weights[1].assign(np.zeros(15))


def test_library_checks_behind_set_weights():
    """The library's own checks, reached through the table: element count and index."""
    model = _model()
    data = (ctypes.c_float * 5)()
    with pytest.raises(inlay.ShapeMismatchError, match=r"^inlay_model_set_weight: weight 'dense/kernel' has shape "
                                                       r"\(32, 16\) \(512 elements\), got 5 elements$"):
        _lib.lib.inlay_model_set_weight(model._handle, 0, data, 5)
    with pytest.raises(LookupError) as info:
        _lib.lib.inlay_model_get_weight(model._handle, 7, data, 5)
    assert type(info.value) is inlay.NotFoundError


def test_layer_config_errors_are_keras_messages():
    with pytest.raises(ValueError, match=r"^Received an invalid value for `units`, expected a positive integer. "
                                         r"Received: units=-1$"):
        layers.Dense(-1)
    with pytest.raises(ValueError, match=r"^Unrecognized keyword arguments passed to Dense: \{'foo': 1\}$"):
        layers.Dense(3, foo=1)
    with pytest.raises(NotImplementedError, match=r"^Unsupported layer class 'ConvLSTM2D'. Supported: Activation, .*\bDense\b"):
        layers.deserialize({"class_name": "ConvLSTM2D", "config": {"filters": 4, "kernel_size": 3}})


def test_symbolic_misuse_is_refused_in_python():
    x = inlay.Input(shape=(3,))
    with pytest.raises(TypeError, match="cannot be used as a boolean"):
        bool(x)
    with pytest.raises(TypeError, match="no values"):
        np.asarray(x)
    with pytest.raises(TypeError, match="called on symbolic tensors"):
        layers.Dense(2)(np.zeros((1, 3), np.float32))
    with pytest.raises(ValueError, match="All `outputs` values must be KerasTensors"):
        inlay.Model(x, np.zeros(3))
    with pytest.raises(TypeError, match="Input\\(\\) got an unexpected keyword argument 'foo'"):
        inlay.Input(shape=(3,), foo=1)
    with pytest.raises(ValueError, match="Argument `input_tensor` must be a KerasTensor"):
        inlay.Input(tensor=np.zeros(3))


def test_model_errors_are_keras_messages():
    a, b = inlay.Input(shape=(3,)), inlay.Input(shape=(3,))
    with pytest.raises(ValueError, match="^Output with path `` is not connected to `inputs`$"):
        inlay.Model(a, layers.Dense(2)(b))


def test_inference_settings_errors():
    model = _model()
    with pytest.raises(ValueError, match="^inlay_model_set_num_threads: the thread count must be in 0..4096, got -1$"):
        model.set_num_threads(-1)
    model.set_num_threads(1)
    assert model.num_threads == 1
    with pytest.raises(ValueError, match="precision must be one of"):
        model.set_precision("float16")


def _model_with_random_weights(seed):
    """The test model with normal random weights, a batch of 4 inputs and its float32 outputs."""
    model = _model()
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in model.weights])
    x = rng.normal(size=(4, 32)).astype(np.float32)
    return model, x, model.predict(x).copy()


def test_bfloat16_runs_close_to_float32_or_says_unsupported():
    model, x, reference = _model_with_random_weights(0)
    try:
        model.set_precision("bfloat16")
    except NotImplementedError as e:  # a CPU without bfloat16 instructions
        assert type(e) is inlay.UnsupportedError and e.message
        return
    np.testing.assert_allclose(model.predict(x), reference, atol=5e-2)
    model.set_precision("float32")
    np.testing.assert_allclose(model.predict(x), reference, rtol=1e-6, atol=1e-7)


def test_float32_strict_gives_float32_results_on_dense():
    model, x, reference = _model_with_random_weights(1)
    model.set_precision("float32_strict")  # only convolutions change algorithm: a Dense model is the same
    np.testing.assert_array_equal(model.predict(x), reference)


def test_predict_rejects_steps_and_callbacks():
    with pytest.raises(NotImplementedError):
        _model().predict(np.zeros((1, 32), np.float32), steps=1)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        _model().predict(np.zeros((1, 32), np.float32), batch_size=0)
