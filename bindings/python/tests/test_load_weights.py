"""Model.load_weights (keras.Model.load_weights) on tests/fixtures/load_weights/
(tools/fixtures/gen_load_weights_fixtures.py): Keras 3's and tf_keras's save_weights files give the outputs Keras
predicted with them; files Keras refuses raise inlay's error of the matching Python type and leave every weight as
it was (all or nothing)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import inlay
from conftest import fixtures_dir, load_fixture

WRITERS = {"keras3": ".weights.h5", "tf_keras": ".h5"}


def _dir() -> Path:
    return fixtures_dir() / "load_weights"


def _model(writer: str) -> inlay.Model:
    load_fixture("load_weights/expected.json")  # skips when the fixtures are absent
    return inlay.model_from_json((_dir() / f"{writer}.json").read_text(encoding="utf-8"))


def _file(writer: str, tag: str) -> Path:
    return _dir() / f"{writer}_{tag}{WRITERS[writer]}"


def _assert_predicts(model: inlay.Model, key: str) -> None:
    expected = load_fixture("load_weights/expected.json")
    x = np.array(expected["inputs"]["values"], dtype=np.float32).reshape(expected["inputs"]["shape"])
    want = expected["outputs"][key]
    got = model.predict(x)
    np.testing.assert_allclose(got, np.array(want["values"]).reshape(want["shape"]), rtol=1e-5, atol=1e-5)


def _assert_refused(model: inlay.Model, path: "os.PathLike[str] | str", error: type, parts: list) -> None:
    before = model.get_weights()
    with pytest.raises(error) as info:
        model.load_weights(path)
    for part in parts:
        assert part in str(info.value)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_each_weight_set_predicts_as_keras(writer):
    model = _model(writer)
    for tag in ("a", "b", "a"):  # the plan of the previous predict is dropped
        model.load_weights(_file(writer, tag))
        _assert_predicts(model, f"{writer}_{tag}")


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_another_models_file_is_a_parse_error_naming_the_layer(writer):
    model = _model(writer)
    model.load_weights(str(_file(writer, "a")))  # a str path too
    _assert_refused(model, _file(writer, "other_model"), inlay.ParseError, ["'bn'"])
    _assert_predicts(model, f"{writer}_a")


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_weight_of_another_shape_is_a_shape_mismatch(writer):
    model = _model(writer)
    model.load_weights(_file(writer, "b"))
    _assert_refused(model, _file(writer, "other_shape"), inlay.ShapeMismatchError, ["'d2/kernel'", "(3, 2)", "(3, 4)"])
    _assert_predicts(model, f"{writer}_b")


@pytest.mark.parametrize("name, error, part", [
    ("truncated.weights.h5", inlay.ParseError, "truncated"),
    ("not_hdf5.weights.h5", inlay.ParseError, "HDF5"),
    ("no_such.weights.h5", inlay.IoError, "no_such.weights.h5"),
    ("", inlay.IoError, "directory"),
])
def test_files_that_are_not_weights_are_refused_unchanged(name, error, part):
    model = _model("keras3")
    model.load_weights(_file("keras3", "a"))
    _assert_refused(model, _dir() / name, error, [part])
    _assert_predicts(model, "keras3_a")


def test_keras3_model_reads_tf_keras_weights():
    model = _model("keras3")
    model.load_weights(_dir() / "tf_keras_a.h5")
    _assert_predicts(model, "keras3_from_tf_keras_a")
