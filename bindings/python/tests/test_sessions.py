"""Keras's implicit session: auto-names count up per session and clear_session() starts over."""

from __future__ import annotations

import inlay
from inlay import layers


def _names():
    x1, x2 = inlay.Input(shape=(3,)), inlay.Input(shape=(3,))
    d1, d2 = layers.Dense(2), layers.Dense(2)
    m1 = inlay.Model(x1, d1(x1))
    m2 = inlay.Model(x2, d2(x2))
    s = inlay.Sequential([inlay.Input(shape=(3,)), layers.Dense(1)])
    return ([x1.layer.name, x2.layer.name], [x1.name, x2.name], [d1.name, d2.name], [m1.name, m2.name, s.name])


def test_auto_names_count_up_as_in_keras():
    inputs, tensors, dense, models = _names()
    assert inputs == ["input_layer", "input_layer_1"]
    assert tensors == ["keras_tensor", "keras_tensor_1"]
    assert dense == ["dense", "dense_1"]
    assert models == ["functional", "functional_1", "sequential"]


def test_clear_session_resets_auto_names():
    first = _names()
    again = _names()
    assert again[0] == ["input_layer_3", "input_layer_4"]  # the Sequential's Input took input_layer_2
    inlay.clear_session()
    assert _names() == first
    inlay.backend.clear_session()  # keras.backend spelling
    assert inlay.Input(shape=(1,)).layer.name == "input_layer"


def test_explicit_names_are_kept():
    x = inlay.Input(shape=(3,), name="pixels")
    assert (x.name, x.layer.name) == ("pixels", "pixels")
    assert layers.Dense(2, name="logits").name == "logits"
