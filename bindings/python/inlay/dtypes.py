"""Keras dtype names, the library's ``inlay_dtype`` codes and NumPy dtypes."""

from __future__ import annotations

import ctypes
from typing import Any, Optional

import numpy as np

from . import _lib

# inlay_dtype values (inlay.h).
FLOAT32, FLOAT64, FLOAT16, BFLOAT16 = 1, 2, 3, 4
INT8, INT16, INT32, INT64 = 5, 6, 7, 8
UINT8, UINT16, UINT32, UINT64 = 9, 10, 11, 12
BOOL, STRING, FLOAT8_E4M3FN, FLOAT8_E5M2, COMPLEX64, COMPLEX128 = 13, 14, 15, 16, 17, 18

# inlay dtypes NumPy has a native type for (bfloat16, float8 and string have none).
_NUMPY_OF = {
    FLOAT32: np.dtype(np.float32), FLOAT64: np.dtype(np.float64), FLOAT16: np.dtype(np.float16),
    INT8: np.dtype(np.int8), INT16: np.dtype(np.int16), INT32: np.dtype(np.int32), INT64: np.dtype(np.int64),
    UINT8: np.dtype(np.uint8), UINT16: np.dtype(np.uint16), UINT32: np.dtype(np.uint32),
    UINT64: np.dtype(np.uint64), BOOL: np.dtype(np.bool_), COMPLEX64: np.dtype(np.complex64),
    COMPLEX128: np.dtype(np.complex128),
}
_CODE_OF = {dt: code for code, dt in _NUMPY_OF.items()}


def parse(name: str) -> int:
    """The inlay_dtype code of a Keras dtype name or alias; InvalidArgumentError("Invalid dtype: ...")."""
    out = ctypes.c_int()
    _lib.lib.inlay_dtype_parse(name.encode("utf-8"), ctypes.byref(out))
    return out.value


def name(code: int) -> str:
    """The canonical Keras name of an inlay_dtype code ("unknown" outside the enum)."""
    return _lib.lib.inlay_dtype_name(code).decode("ascii")


def standardize_dtype(dtype: Any) -> str:
    """``keras.backend.standardize_dtype``: the canonical name of a dtype name, NumPy dtype or type."""
    if isinstance(dtype, str):
        return name(parse(dtype))
    return name(parse(np.dtype(dtype).name))


def to_numpy(code: int) -> np.dtype:
    """The NumPy dtype of an inlay_dtype code; TypeError for those NumPy lacks (bfloat16, ...)."""
    dt = _NUMPY_OF.get(code)
    if dt is None:
        raise TypeError(f"inlay dtype {name(code)} has no NumPy equivalent")
    return dt


def from_numpy(dtype: np.dtype) -> Optional[int]:
    """The inlay_dtype code of a native-byte-order NumPy dtype, or None when inlay has no such dtype."""
    return _CODE_OF.get(np.dtype(dtype).newbyteorder("="))
