"""TensorSpec / SparseTensorSpec / RaggedTensorSpec against TensorFlow's recorded behaviour
(tests/fixtures/spec_cases.json): construction and its errors, repr, compatibility, most specific type."""

from __future__ import annotations

import json

import pytest

import inlay
from conftest import fixture_json_or_empty

_DATA = fixture_json_or_empty("spec_cases.json") or {}
_CLASSES = {"tensor": inlay.TensorSpec, "sparse": inlay.SparseTensorSpec, "ragged": inlay.RaggedTensorSpec}


def _construct(args: dict) -> inlay.TypeSpec:
    """The TensorFlow constructor call the fixture recorded, through the Python class."""
    kwargs = dict(args)
    cls = _CLASSES[kwargs.pop("kind")]
    if isinstance(kwargs.get("flat_values_spec"), dict):
        kwargs["flat_values_spec"] = inlay.TypeSpec.from_json(kwargs["flat_values_spec"])
    return cls(**kwargs)


def _as_dict(spec: inlay.TypeSpec) -> dict:
    return json.loads(spec.to_json())


def _keep_fixture_keys(actual: dict, expected: dict) -> dict:
    """inlay's JSON has every field; the fixture records TensorFlow's (e.g. no flat_values_spec)."""
    return {k: actual.get(k) for k in expected}


_CONSTRUCT = _DATA.get("construct", [])


# Deliberate deviations listed in the repository README ("Deviations from Keras"): TensorFlow keeps a bool
# dim / a non-string name as given; inlay's dims are integers and names strings.
_DEVIATIONS = {
    "tensor_dim_bool": ("ok", "TensorSpec(shape=(1,), dtype=tf.float32, name=None)"),
    "tensor_name_non_string": ("error", "TensorSpec name must be a string or None, got 5"),
}


@pytest.mark.parametrize("case", _CONSTRUCT, ids=[c["id"] for c in _CONSTRUCT])
def test_construct_matches_tensorflow(case):
    if case["id"] in _DEVIATIONS:
        outcome, text = _DEVIATIONS[case["id"]]
        if outcome == "ok":
            assert repr(_construct(case["args"])) == text
        else:
            with pytest.raises(ValueError, match=f"^{text}$"):
                _construct(case["args"])
        return
    result = case["result"]
    if not result["ok"]:
        with pytest.raises(inlay.InvalidArgumentError) as info:
            _construct(case["args"])
        # TensorFlow's message; its TypeErrors are ValueErrors here (one library status for both).
        assert str(info.value) == result["message"]
        return
    spec = _construct(case["args"])
    assert _keep_fixture_keys(_as_dict(spec), result["spec"]) == result["spec"]
    assert repr(spec) == result["repr"]
    assert isinstance(spec, _CLASSES[result["spec"]["kind"]])


_PAIRS = _DATA.get("pairs", [])


@pytest.mark.parametrize("pair", _PAIRS, ids=[p["id"] for p in _PAIRS])
def test_pair_compatibility_matches_tensorflow(pair):
    a, b = inlay.TypeSpec.from_json(pair["a"]), inlay.TypeSpec.from_json(pair["b"])
    assert repr(a) == pair["a_repr"] and repr(b) == pair["b_repr"]
    assert a.is_compatible_with(b) == pair["compatible"]
    expected = pair["most_specific"]
    if expected["ok"]:
        merged = a.most_specific_compatible_type(b)
        assert repr(merged) == expected["repr"]
        assert _keep_fixture_keys(_as_dict(merged), expected["spec"]) == expected["spec"]
    else:
        with pytest.raises(ValueError) as info:
            a.most_specific_compatible_type(b)
        assert str(info.value) == expected["message"]


_SERIALIZED = _DATA.get("keras_serialized", [])


@pytest.mark.parametrize("case", _SERIALIZED, ids=[c["id"] for c in _SERIALIZED])
def test_tf_keras_serialized_spec_reads_back(case):
    if case["tf_keras_json"] is None:
        pytest.skip("tf.keras cannot serialize this spec: " + case["tf_keras_json_error"]["message"])
    spec = inlay.TypeSpec.from_json(case["tf_keras_json"])
    assert repr(spec) == case["repr"]
    assert spec == inlay.TypeSpec.from_json(case["spec"])


_MERGES = _DATA.get("shape_merge", [])


@pytest.mark.parametrize("case", _MERGES, ids=[f"{c['a']}~{c['b']}" for c in _MERGES])
def test_shape_compatibility_matches_tensorshape(case):
    a, b = inlay.TensorSpec(case["a"]), inlay.TensorSpec(case["b"])
    assert a.is_compatible_with(b) == case["is_compatible_with"]
    merged = a.most_specific_compatible_type(b).shape
    expected = case["most_specific_compatible_shape"]
    assert (None if merged is None else list(merged)) == expected


def test_spec_accessors_and_value_semantics():
    s = inlay.TensorSpec((None, 32), "float32", name="x")
    assert (s.shape, s.dtype, s.name, s.kind) == ((None, 32), "float32", "x", "tensor")
    assert s == inlay.TensorSpec([None, 32], "float32", "x") and hash(s) == hash(inlay.TensorSpec((None, 32), name="x"))
    assert s != inlay.TensorSpec((None, 32))
    assert inlay.TensorSpec(None).shape is None
    r = inlay.RaggedTensorSpec((None, None, 8))
    assert (r.ragged_rank, r.row_splits_dtype) == (2, "int64")  # TensorFlow: rank - 1
    import numpy as np

    assert inlay.TensorSpec((2,), np.int32).dtype == "int32"


def test_input_from_a_type_spec_and_its_tensor_spec():
    x = inlay.Input(type_spec=inlay.RaggedTensorSpec((None, None, 8)))
    assert x.ragged and x.shape == (None, None, 8)
    assert isinstance(x.spec, inlay.RaggedTensorSpec)
    y = inlay.Input(shape=(1000,), sparse=True)
    assert repr(y.spec) == "SparseTensorSpec(TensorShape([None, 1000]), tf.float32)"
