"""The Keras 3 model recipes of tests/fixtures/model_cases.json, replayed through the Python API: layer order,
weights, outputs, to_json() (byte for byte, as Keras's json.dumps writes it), summary() and errors."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest

import inlay
from conftest import fixture_json_or_empty

_CASES = (fixture_json_or_empty("model_cases.json") or {}).get("cases", [])


def replay(recipe: List[Dict[str, Any]]) -> Optional[inlay.Model]:
    """Runs a recipe as the generator ran it in Keras; returns the last model made."""
    tensors: Dict[str, inlay.KerasTensor] = {}
    layers: Dict[str, inlay.Layer] = {}
    model = None
    for step in recipe:
        op = step["op"]
        if op == "input":
            tensors[step["id"]] = inlay.Input(**step["kwargs"])
        elif op == "layer":
            layers[step["id"]] = inlay.layers.get(step["class_name"])(**step["config"])
        elif op == "call":
            ins = [tensors[i] for i in step["inputs"]]
            out = layers[step["layer"]](ins[0] if len(ins) == 1 else ins)
            outs = out if isinstance(out, list) else [out]
            tensors.update(zip(step["outputs"], outs))
        elif op == "sequential":
            stack = [tensors[i] if i in tensors else layers[i] for i in step["layers"]]
            model = inlay.Sequential(stack, name=step["name"])
        elif op == "model":
            ins = [tensors[i] for i in step["inputs"]]
            outs = [tensors[i] for i in step["outputs"]]
            model = inlay.Model(ins[0] if len(ins) == 1 else ins, outs[0] if len(outs) == 1 else outs,
                                name=step["name"])
        else:
            raise AssertionError(f"unknown recipe op {op}")
    return model


@pytest.mark.parametrize("case", _CASES, ids=[c["id"] for c in _CASES])
def test_recipe_builds_the_model_keras_built(case):
    expected = case["result"]
    if not expected["ok"]:
        with pytest.raises(inlay.InvalidArgumentError) as info:
            replay(case["recipe"])
        assert str(info.value) == expected["message"]
        assert isinstance(info.value, ValueError) and expected["error_type"] == "ValueError"
        return
    model = replay(case["recipe"])
    assert model is not None
    assert model.name == expected["name"]
    assert [(l.name, l.class_name) for l in model.layers] == [(l["name"], l["class_name"]) for l in expected["layers"]]
    assert [(w.path, list(w.shape)) for w in model.weights] == [(w["path"], w["shape"]) for w in expected["weights"]]
    assert [([None if d is None else d for d in t.shape], t.dtype) for t in model.outputs] == [
        (o["shape"], o["dtype"]) for o in expected["outputs"]]
    # Keras's to_json() is json.dumps(config): same keys, same order, same formatting.
    assert model.to_json() == json.dumps(expected["to_json"])
    # The generator's print_fn wrote the text it was given and a newline.
    assert model.summary_text() + "\n" == expected["summary"]


@pytest.mark.parametrize("case", [c for c in _CASES if c["result"]["ok"]],
                         ids=[c["id"] for c in _CASES if c["result"]["ok"]])
def test_keras_json_reads_back_to_the_same_model(case):
    expected = case["result"]
    model = inlay.model_from_json(json.dumps(expected["to_json"]))
    assert isinstance(model, inlay.Sequential) == (expected["to_json"]["class_name"] == "Sequential")
    assert model.to_json() == json.dumps(expected["to_json"])
    assert model.summary_text() + "\n" == expected["summary"]
    # A Sequential read from JSON builds its layers itself, so (as in Keras) their weights sit under the
    # model's name even where the original layer had been built before it joined the model.
    scope = model.name + "/"

    def unscoped(path: str) -> str:
        return path[len(scope):] if path.startswith(scope) else path

    assert [unscoped(w.path) for w in model.weights] == [unscoped(w["path"]) for w in expected["weights"]]
    assert all(not w.numpy().any() for w in model.weights)  # model_from_json: zero weights


def test_to_json_passes_keyword_arguments_to_json_dumps():
    x = inlay.Input(shape=(3,))
    model = inlay.Model(x, inlay.layers.Dense(2)(x))
    assert model.to_json(indent=2) == json.dumps(json.loads(model.to_json()), indent=2)
    assert model.get_config() == json.loads(model.to_json())["config"]
    again = inlay.Model.from_config(model.get_config())
    assert again.to_json() == model.to_json()
