"""Exceptions raised for the library's failures.

Every failing ``inlay_*`` call raises a subclass of :class:`InlayError` whose message is the library's
``inlay_last_error()`` text — Keras's own message where Keras raises one. Each subclass also derives from
the Python built-in Keras would raise (or the closest one), so code written for Keras keeps working::

    try:
        inlay.Input(shape=(32,), batch_shape=(None, 32))
    except ValueError as e:           # an inlay.InvalidArgumentError
        print(e)                      # You cannot pass both `shape` and `batch_shape` at the same time.
        print(e.status)               # INLAY_INVALID_ARGUMENT

The library does not tell TensorFlow's ``TypeError``s from its ``ValueError``s (both are
``INLAY_INVALID_ARGUMENT``), so an invalid argument is always a ``ValueError`` here.
"""

from __future__ import annotations

from typing import Dict, Type


class InlayError(Exception):
    """Base class of the library's errors.

    Attributes:
        message: the library's message (``str(error)`` is the same text).
        status: the ``inlay_status`` name, e.g. ``"INLAY_SHAPE_MISMATCH"``.
        code: the ``inlay_status`` value.
    """

    code: int = -1
    status: str = "INLAY_UNKNOWN_STATUS"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class InvalidArgumentError(InlayError, ValueError):
    """``INLAY_INVALID_ARGUMENT``: Keras's ValueError/TypeError for a bad argument."""

    code, status = 1, "INLAY_INVALID_ARGUMENT"


class ShapeMismatchError(InlayError, ValueError):
    """``INLAY_SHAPE_MISMATCH``: an array or weight of the wrong shape (Keras's ValueError)."""

    code, status = 2, "INLAY_SHAPE_MISMATCH"


class NotFoundError(InlayError, LookupError):
    """``INLAY_NOT_FOUND``: an index or name that does not exist."""

    code, status = 3, "INLAY_NOT_FOUND"


class UnsupportedError(InlayError, NotImplementedError):
    """``INLAY_UNSUPPORTED``: a layer class, option or format inlay does not implement."""

    code, status = 4, "INLAY_UNSUPPORTED"


class ParseError(InlayError, ValueError):
    """``INLAY_PARSE_ERROR``: malformed JSON, .npy, .keras or TensorFlow.js contents."""

    code, status = 5, "INLAY_PARSE_ERROR"


class IoError(InlayError, OSError):
    """``INLAY_IO_ERROR``: a file that cannot be opened, read or written."""

    code, status = 6, "INLAY_IO_ERROR"


class OutOfMemoryError(InlayError, MemoryError):
    """``INLAY_OUT_OF_MEMORY``: an allocation failed."""

    code, status = 7, "INLAY_OUT_OF_MEMORY"


class InternalError(InlayError, RuntimeError):
    """``INLAY_INTERNAL_ERROR``: a bug in inlay or its dependencies."""

    code, status = 8, "INLAY_INTERNAL_ERROR"


_BY_CODE: Dict[int, Type[InlayError]] = {
    cls.code: cls
    for cls in (InvalidArgumentError, ShapeMismatchError, NotFoundError, UnsupportedError, ParseError, IoError,
                OutOfMemoryError, InternalError)
}


def from_status(code: int, message: str) -> InlayError:
    """The exception for a failed call's status and message."""
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls(message)
    error = InlayError(message)
    error.code = code  # a status newer than this binding: keep the number
    return error
