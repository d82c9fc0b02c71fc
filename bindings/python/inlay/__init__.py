"""inlay: Keras's Input / layers / Model API and oneDNN inference, from Python, over libinlay's C ABI.

A pure-ctypes binding (no compile step) of ``include/inlay/inlay.h``::

    import numpy as np
    import inlay

    x = inlay.Input(shape=(32,))
    y = inlay.layers.Dense(16, activation="softmax")(x)
    model = inlay.Model(x, y)
    probabilities = model.predict(np.zeros((2, 32), np.float32))

    model = inlay.load_model("model.keras")      # or a TensorFlow.js model.json

The library is found through ``INLAY_LIBRARY`` (a path), then inside this package (the wheel carries
``inlay/libinlay.so.0``), then the system's library paths (``ctypes.util.find_library("inlay")``,
``libinlay.so.0``); ``library_path`` and ``library_source`` say which was loaded. ``__version__`` is the
loaded library's version; the import fails if its ABI major differs from the one this binding was written for.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from . import _lib, backend, errors, layers, models
from .arrays import Array, RaggedArray, SparseArray, live_library_arrays, load_npy, save_npy
from .dtypes import standardize_dtype
from .errors import (InlayError, InternalError, InvalidArgumentError, IoError, NotFoundError, OutOfMemoryError,
                     ParseError, ShapeMismatchError, UnsupportedError)
from .graph import Graph, KerasTensor, Input, clear_session, get_graph
from .layers import InputLayer, Layer
from .model import Model, Sequential, Weight, load_model, model_from_json
from .specs import RaggedTensorSpec, SparseTensorSpec, TensorSpec, TypeSpec

#: The loaded library's version, ``inlay_version()`` ("MAJOR.MINOR.PATCH").
__version__: str = _lib.version
#: The path or name the library was loaded from.
library_path: str = _lib.path
#: Which step of the search found it: "INLAY_LIBRARY", "package" (the wheel's own copy) or "system".
library_source: str = _lib.library_source


def runtime_info() -> Dict[str, Any]:
    """The execution runtime (``inlay_runtime_info``): oneDNN version, engine, CPU ISA, threads."""
    return json.loads(_lib.take_string(_lib.lib.inlay_runtime_info))


__all__ = [
    "Array", "Graph", "InlayError", "Input", "InputLayer", "InternalError", "InvalidArgumentError", "IoError",
    "KerasTensor", "Layer", "Model", "NotFoundError", "OutOfMemoryError", "ParseError", "RaggedArray",
    "RaggedTensorSpec", "Sequential", "ShapeMismatchError", "SparseArray", "SparseTensorSpec", "TensorSpec",
    "TypeSpec", "UnsupportedError", "Weight", "__version__", "backend", "clear_session", "errors",
    "get_graph", "layers", "library_path", "library_source", "live_library_arrays", "load_model", "load_npy",
    "model_from_json", "models", "runtime_info", "save_npy", "standardize_dtype",
]
