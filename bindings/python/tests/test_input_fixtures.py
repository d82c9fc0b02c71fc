"""Every recorded Keras Input() / InputLayer() case (tests/fixtures/input_cases.json, from the real Keras 3
and tf.keras), replayed through the Python API: shapes, dtypes, names, configs, specs, and the exact error
messages and exception classes."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest

import inlay
from conftest import fixture_json_or_empty, load_fixture

_CASES = (fixture_json_or_empty("input_cases.json") or {}).get("cases", [])


def _expected(reference: Dict[str, Any]) -> Dict[str, Any]:
    """Where Keras has no check of its own, TensorFlow's verdict on the spec (spec_error) is the reference."""
    if reference.get("ok") and reference.get("spec_error"):
        return {"ok": False, **reference["spec_error"]}
    return reference


def _run_step(step: Dict[str, Any], tensor: Optional[inlay.KerasTensor]) -> inlay.KerasTensor:
    kwargs = dict(step["kwargs"])
    if step["call"] == "InputLayer":
        if "type_spec" in step:
            kwargs["type_spec"] = inlay.TypeSpec.from_json(step["type_spec"])  # travels in the config JSON
        if tensor is not None:
            kwargs["input_tensor"] = tensor
        return inlay.layers.InputLayer(**kwargs).output
    if "type_spec" in step:
        kwargs["type_spec"] = inlay.TypeSpec.from_json(step["type_spec"])  # passed as the spec handle
    if tensor is not None:
        kwargs["tensor"] = tensor
    return inlay.Input(**kwargs)


def _check_error(where: str, expected: Dict[str, Any], error: Exception) -> List[str]:
    problems = []
    if str(error) != expected["message"]:
        problems.append(f"{where} message: expected {expected['message']!r}, got {str(error)!r}")
    if isinstance(error, inlay.InlayError):
        # The library has one status for Keras's ValueError and TypeError alike (see inlay.errors).
        if error.status != "INLAY_INVALID_ARGUMENT":
            problems.append(f"{where} status: {error.status}")
        if expected["error_type"] == "ValueError" and not isinstance(error, ValueError):
            problems.append(f"{where}: {type(error).__name__} is not a ValueError")
    elif expected["error_type"] != type(error).__name__:
        problems.append(f"{where}: expected {expected['error_type']}, got {type(error).__name__}: {error}")
    return problems


def _check_tensor(where: str, expected: Dict[str, Any], t: inlay.KerasTensor, compare_names: bool) -> List[str]:
    shape = None if t.shape is None else list(t.shape)
    actual = {"shape": shape, "dtype": t.dtype, "sparse": t.sparse, "ragged": t.ragged,
              "layer_class": t.layer.class_name}
    spec = json.loads(t.spec.to_json())
    if compare_names:
        actual.update(tensor_name=t.name, layer_name=t.layer.name, history_layer=t.layer.name,
                      config=t.layer.get_config(), spec=spec)
    else:  # tf.keras names things its own way ("input_1"): everything but names and configs
        spec.pop("name", None)
        actual["spec"] = spec
    problems = []
    for key, value in actual.items():
        want = expected[key]
        if key == "spec" and not compare_names:
            want = {k: v for k, v in want.items() if k != "name"}
        if value != want:
            problems.append(f"{where} {key}: expected {want!r}, got {value!r}")
    return problems


@pytest.mark.parametrize("case", _CASES, ids=[c["id"] for c in _CASES])
def test_input_case_matches_keras(case):
    follow = case["follow"]
    problems: List[str] = []
    tensors: List[Optional[inlay.KerasTensor]] = []
    for i, (step, reference) in enumerate(zip(case["steps"], case[follow])):
        where = f"{case['id']} step {i} ({follow})"
        expected = _expected(reference)
        source = None
        if "tensor_from" in step:
            source = tensors[step["tensor_from"]]
            if source is None:  # Keras skipped the step because its source failed: so do we
                assert expected.get("error_type") == "Skipped", where
                tensors.append(None)
                continue
        try:
            t = _run_step(step, source)
        except (inlay.InlayError, TypeError, ValueError) as e:
            if expected["ok"]:
                problems.append(f"{where} failed: {type(e).__name__}: {e}")
            else:
                problems += _check_error(where, expected, e)
            tensors.append(None)
            continue
        if not expected["ok"]:
            problems.append(f"{where}: expected {expected['error_type']}: {expected['message']!r}, got {t!r}")
        else:
            problems += _check_tensor(where, expected, t, follow == "keras3")
        tensors.append(t)
    assert problems == []


def test_fixture_has_cases_of_each_kind():
    data = load_fixture("input_cases.json")
    outcomes = [r["ok"] for c in data["cases"] for r in c[c["follow"]]]
    assert len(data["cases"]) >= 80 and outcomes.count(True) >= 40 and outcomes.count(False) >= 30


def test_unknown_keyword_is_pythons_typeerror_with_keras_text():
    with pytest.raises(TypeError, match=r"^Input\(\) got an unexpected keyword argument 'foo'$"):
        inlay.Input(shape=(3,), foo=1)


def test_failed_inputs_consume_auto_names_as_keras_does():
    """Keras names the InputLayer before validating (fixture fail_shape_and_batch_shape_then_auto), while an
    unknown keyword fails before any layer exists (fail_unknown_kwarg_then_auto)."""
    with pytest.raises(ValueError, match="^You cannot pass both `shape` and `batch_shape` at the same time.$"):
        inlay.Input(shape=(32,), batch_shape=(None, 32))
    assert inlay.Input(shape=(3,)).layer.name == "input_layer_1"
    inlay.clear_session()
    with pytest.raises(TypeError):
        inlay.Input(shape=(3,), foo=1)
    assert inlay.Input(shape=(3,)).layer.name == "input_layer"
