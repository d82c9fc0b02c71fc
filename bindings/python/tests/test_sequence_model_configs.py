"""The whole sequence models of tests/fixtures/sequence_models (written by the real Keras 3 with
tools/realmodels/make_seq_models.py): load_model(model.keras).to_json() gives back the file's config.json,
layer by layer (configs, build_config incl. the shapes_dict of RNN calls with initial states, inbound nodes with
their call keywords), but for what only Keras's saving adds: shared_object_id and the `"mask": None` keyword."""

from __future__ import annotations

import json
import zipfile
from typing import Any, List

import pytest

import inlay
from conftest import fixtures_dir


def _model_files() -> List[str]:
    folder = fixtures_dir() / "sequence_models"
    return sorted(p.parent.name for p in folder.glob("*/model.keras")) if folder.exists() else []


def _saving_artifacts_removed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _saving_artifacts_removed(v) for k, v in value.items()
                if k != "shared_object_id" and not (k == "mask" and v is None)}
    if isinstance(value, list):
        return [_saving_artifacts_removed(v) for v in value]
    return value


@pytest.mark.parametrize("name", _model_files())
def test_to_json_gives_back_the_keras_config(name: str) -> None:
    path = fixtures_dir() / "sequence_models" / name / "model.keras"
    with zipfile.ZipFile(path) as archive:
        keras_config = _saving_artifacts_removed(json.loads(archive.read("config.json")))
    ours = _saving_artifacts_removed(json.loads(inlay.load_model(str(path)).to_json()))
    theirs = {layer["name"]: layer for layer in keras_config["config"]["layers"]}
    mine = {layer["name"]: layer for layer in ours["config"]["layers"]}
    assert list(mine) == list(theirs)
    for layer_name, layer in theirs.items():
        for key, value in layer.items():
            assert mine[layer_name].get(key) == value, f"{layer_name}: {key}"
