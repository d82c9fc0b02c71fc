"""load_model's max_weight_bytes keyword (inlay_model_load_with_options): the caller's cap on weight memory."""

from __future__ import annotations

import numpy as np
import pytest

import inlay
from conftest import fixtures_dir

# Keras's logistic regression: Dense(16) on 32 features, kernel (32, 16) + bias (16,) = 528 float32 values.
_WEIGHT_BYTES = (32 * 16 + 16) * 4


def _model_path():
    path = fixtures_dir() / "models" / "logistic_regression" / "model.keras"
    if not path.exists():
        pytest.skip(f"fixture {path} not available (set INLAY_FIXTURES)")
    return path


def test_limit_at_the_weights_size_loads_the_same_weights():
    path = _model_path()
    capped = inlay.load_model(path, max_weight_bytes=_WEIGHT_BYTES)
    plain = inlay.load_model(path)
    assert sum(w.nbytes for w in capped.get_weights()) == _WEIGHT_BYTES
    for a, b in zip(capped.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(np.any(w != 0) for w in capped.get_weights())  # the file's values, not zeros


def test_limit_below_the_weights_size_is_a_memoryerror_naming_both():
    with pytest.raises(MemoryError) as info:
        inlay.load_model(_model_path(), max_weight_bytes=_WEIGHT_BYTES - 1)
    assert type(info.value) is inlay.OutOfMemoryError
    message = str(info.value)
    assert f"take {_WEIGHT_BYTES} bytes" in message and f"limit of {_WEIGHT_BYTES - 1} bytes" in message


@pytest.mark.parametrize("value, error", [(True, TypeError), ("1000", TypeError), (1.5, TypeError),
                                          (-1, ValueError), (2 ** 64, ValueError)])
def test_a_limit_that_is_not_a_byte_count_is_refused(value, error):
    with pytest.raises(error):
        inlay.load_model(_model_path(), max_weight_bytes=value)
