"""Keras keyword arguments to the JSON objects the C ABI takes."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import numpy as np


def _default(value: Any) -> Any:
    """json.dumps fallback: the Python values Keras accepts that JSON has no form for."""
    to_dict = getattr(value, "_to_json_dict", None)  # inlay.TypeSpec (tf.keras's type_spec= argument)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return np.dtype(value).name  # dtype=np.float32 -> "float32"
    raise TypeError(f"cannot pass {value!r} (of type {type(value).__name__}) to inlay as a Keras argument")


def dumps(kwargs: Optional[Dict[str, Any]]) -> bytes:
    """UTF-8 JSON of a dict of Keras arguments (tuples become lists, NumPy scalars plain numbers)."""
    return json.dumps(kwargs or {}, default=_default, allow_nan=False).encode("utf-8")


def loads(text: str) -> Any:
    return json.loads(text)
