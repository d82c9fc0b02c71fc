"""predict() against the real Keras: every fixture model from its .keras file, its TensorFlow.js files and its
tf.keras JSON (outputs recorded by Keras in models/<case>/predict/*.npy, read with numpy.load), list and dict
inputs for multi-input models, and the 309 small models of predict_cases.json (dense, sparse and ragged)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest

import inlay
from conftest import fixture_json_or_empty, load_fixture

_PREDICT = fixture_json_or_empty("predict_cases.json") or {}
_MODELS = [m for m in _PREDICT.get("models", []) if "skipped" not in m]
_TOL = dict(rtol=1e-5, atol=1e-5)


def _load_io(fixtures: Path, entry: Dict[str, Any]):
    inputs = [np.load(fixtures / p) for p in entry["inputs"]]
    outputs = [np.load(fixtures / p) for p in entry["outputs"]]
    return inputs, outputs


def _as_list(result: Any) -> List[np.ndarray]:
    return result if isinstance(result, list) else [result]


def _check(got: Any, want: List[np.ndarray]) -> None:
    got = _as_list(got)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, **_TOL)


def _single_or_list(inputs: List[np.ndarray]) -> Any:
    """Keras's forms: the array itself for a one-input model, else the list in model.inputs order."""
    return inputs[0] if len(inputs) == 1 else inputs


@pytest.mark.parametrize("entry", _MODELS, ids=[m["case"] for m in _MODELS])
def test_keras_file_predicts_what_keras_predicted(fixtures, entry):
    model = inlay.load_model(fixtures / "models" / entry["case"] / "model.keras")
    inputs, outputs = _load_io(fixtures, entry)
    _check(model.predict(_single_or_list(inputs)), outputs)
    # Again, on the cached plan, into the arrays of the first call.
    first = _as_list(model.predict(_single_or_list(inputs)))
    again = model.predict(_single_or_list(inputs), out=first)
    assert all(a is b for a, b in zip(_as_list(again), first))
    _check(again, outputs)


def _same_function_in_tf_keras(entry: Dict[str, Any]) -> bool:
    """Only where the generator recorded that tf.keras / TensorFlow.js compute the same function."""
    return entry.get("same_weights_in_tf_keras_and_tfjs", False) and entry.get("tf_keras_max_abs_diff", 1.0) <= 1e-6


_TFJS = [m for m in _MODELS if _same_function_in_tf_keras(m)]


@pytest.mark.parametrize("entry", _TFJS, ids=[m["case"] for m in _TFJS])
def test_tensorflowjs_model_predicts_what_keras_predicted(fixtures, entry):
    path = fixtures / "models" / entry["case"] / "tfjs" / "model.json"
    if not path.exists():
        pytest.skip("no TensorFlow.js variant")
    model = inlay.load_model(str(path))
    inputs, outputs = _load_io(fixtures, entry)
    _check(model.predict(_single_or_list(inputs)), outputs)


@pytest.mark.parametrize("entry", _TFJS, ids=[m["case"] for m in _TFJS])
def test_tf_keras_json_with_copied_weights_predicts_what_keras_predicted(fixtures, entry):
    directory = fixtures / "models" / entry["case"]
    if not (directory / "tf_keras.json").exists():
        pytest.skip("no tf.keras variant")
    source = inlay.load_model(directory / "model.keras")
    model = inlay.model_from_json((directory / "tf_keras.json").read_text())
    model.set_weights(source.get_weights())
    inputs, outputs = _load_io(fixtures, entry)
    _check(model.predict(_single_or_list(inputs)), outputs)


def _input_names_keras_used(case: str) -> List[str]:
    """The Input names in Keras's own to_json() (model_cases.json), independent of what inlay reports."""
    for c in load_fixture("model_cases.json")["cases"]:
        if c["id"] == case:
            return [layer[0] for layer in c["result"]["to_json"]["config"]["input_layers"]]
    raise AssertionError(f"no model case {case}")


_MULTI_INPUT = [m for m in _MODELS if len(m["inputs"]) > 1]


@pytest.mark.parametrize("entry", _MULTI_INPUT, ids=[m["case"] for m in _MULTI_INPUT])
def test_multi_input_models_take_lists_tuples_and_dicts(fixtures, entry):
    model = inlay.load_model(fixtures / "models" / entry["case"] / "model.keras")
    inputs, outputs = _load_io(fixtures, entry)
    _check(model.predict(inputs), outputs)
    _check(model.predict(tuple(inputs)), outputs)
    names = _input_names_keras_used(entry["case"])
    keyed = list(zip(names, inputs))
    random.Random(0).shuffle(keyed)  # a dict is matched by name, not by order
    _check(model.predict(dict(keyed)), outputs)


def test_named_cases_are_covered():
    covered = {m["case"] for m in _MODELS}
    if not covered:
        pytest.skip("fixtures not available")
    for case in ("logistic_regression", "mnist_cnn_functional", "multi_input_multi_output", "two_inputs_two_outputs"):
        assert case in covered
    assert {m["case"] for m in _TFJS} >= {"logistic_regression", "mnist_cnn_functional"}


def test_dict_with_a_missing_input_is_keras_structure_error(fixtures):
    model = inlay.load_model(fixtures / "models" / "two_inputs_two_outputs" / "model.keras")
    with pytest.raises(ValueError, match="The structure of `inputs` doesn't match the expected structure."):
        model.predict({"a": np.zeros((1, 4), np.float32)})


def test_batch_size_chunks_give_the_same_outputs(fixtures):
    entry = next(m for m in _MODELS if m["case"] == "mnist_cnn_functional")
    model = inlay.load_model(fixtures / "models" / "mnist_cnn_functional" / "model.keras")
    (x,), (y,) = _load_io(fixtures, entry)
    big_x = np.ascontiguousarray(np.concatenate([x] * 5))
    _check(model.predict(big_x, batch_size=3), [np.concatenate([y] * 5)])
    out = np.empty((len(big_x),) + y.shape[1:], np.float32)
    assert model.predict(big_x, batch_size=4, out=out) is out
    np.testing.assert_allclose(out, np.concatenate([y] * 5), **_TOL)


# --- predict_cases.json: one small model per layer option, weights and Keras's outputs recorded


def _case_input(spec: Dict[str, Any]) -> Any:
    if spec["kind"] == "dense":
        return np.asarray(spec["values"], np.float32).reshape(spec["shape"])
    if spec["kind"] == "sparse":
        return inlay.SparseArray(spec["indices"], np.asarray(spec["values"], np.float32), spec["dense_shape"])
    flat = np.asarray(spec["flat_values"], np.float32).reshape(spec["flat_shape"])
    return inlay.RaggedArray(flat, spec["row_splits"])


def _check_case_output(got: Any, want: Dict[str, Any], tol: Dict[str, float]) -> None:
    if want["kind"] == "ragged":
        assert isinstance(got, inlay.RaggedArray)
        assert list(got.flat_values.shape) == want["flat_shape"]
        assert got.row_splits.tolist() == want["row_splits"]
        np.testing.assert_allclose(got.flat_values.ravel(), np.asarray(want["flat_values"], np.float32), **tol)
    else:
        assert list(got.shape) == want["shape"]
        np.testing.assert_allclose(got.ravel(), np.asarray(want["values"], np.float32), **tol)


_SMALL = _PREDICT.get("cases", [])


@pytest.mark.parametrize("case", _SMALL, ids=[c["name"] for c in _SMALL])
def test_small_model_predicts_what_keras_predicted(case):
    tol = {"atol": _PREDICT["tolerance"]["atol"], "rtol": _PREDICT["tolerance"]["rtol"]}
    model = inlay.model_from_json(case["model"])
    assert [w.path for w in model.weights] == case["weight_paths"]
    model.set_weights([np.asarray(w, np.float32).reshape(s) for w, s in zip(case["weights"], case["weight_shapes"])])
    inputs = [_case_input(spec) for spec in case["inputs"]]
    got = _as_list(model.predict(inputs[0] if len(inputs) == 1 else inputs))
    assert len(got) == len(case["outputs"])
    for g, want in zip(got, case["outputs"]):
        _check_case_output(g, want, tol)


def test_sparse_and_ragged_cases_are_covered():
    kinds = {spec["kind"] for c in _SMALL for spec in c["inputs"]}
    if _SMALL:
        assert kinds == {"dense", "sparse", "ragged"}
