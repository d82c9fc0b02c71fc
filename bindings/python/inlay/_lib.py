"""Finds and loads libinlay, and declares the C signature of every function of ``include/inlay/inlay.h``.

Everything that touches ctypes declarations lives here, in one table (``_SIGNATURES``), so a change to the
header is a change to one line. Functions that return an ``inlay_status`` get an ``errcheck`` that turns a
failure into the matching :mod:`inlay.errors` exception, reading ``inlay_last_error()`` right after the
failing call on the same thread (the message is thread-local in the library, and ctypes runs ``errcheck``
on the calling thread before any other call can happen there).

Which library is loaded (``library_source`` says which step found it, ``path`` what was loaded):

1. ``INLAY_LIBRARY`` (a path), when set. It is authoritative: if it cannot be loaded the import fails
   rather than silently falling back to some other installed copy (tests and CI rely on this to be sure
   which build they exercise). Source ``"INLAY_LIBRARY"``.
2. The library inside this package, ``inlay/libinlay.so.0``: the wheel carries it (with what it links in
   ``inlay.libs/``, found through its RUNPATH). Present means meant: if it cannot be loaded the import fails
   too, rather than picking up a system copy of another version. Source ``"package"``.
3. The system's (the ``.deb`` packages, ``cmake --install``), for the pure-Python install of
   bindings/python: ``ctypes.util.find_library("inlay")`` (the system's linker paths, ``ldconfig``), then the
   SONAME, ``libinlay.so.0`` (``LD_LIBRARY_PATH`` and the default search path), or the platform's
   equivalent. Source ``"system"``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, c_char_p, c_float, c_int, c_int64, c_size_t, c_void_p
from typing import Any, Callable, List, Optional, Sequence, Tuple

from . import errors

#: The ABI major version this binding was written against (the SONAME's number). A library with another
#: major may have changed any signature in the table below, so it is refused at import.
EXPECTED_MAJOR = 0
#: The oldest minor version that has every function of the table.
MINIMUM_MINOR = 1


# --- opaque handle types. Distinct pointer types let ctypes reject a model where a graph is expected.
class inlay_spec(ctypes.Structure):
    """Opaque ``inlay_spec``."""


class inlay_graph(ctypes.Structure):
    """Opaque ``inlay_graph``."""


class inlay_tensor(ctypes.Structure):
    """Opaque ``inlay_tensor`` (borrowed from its graph)."""


class inlay_layer(ctypes.Structure):
    """Opaque ``inlay_layer`` (borrowed from its graph)."""


class inlay_model(ctypes.Structure):
    """Opaque ``inlay_model``."""


class inlay_array(ctypes.Structure):
    """Opaque ``inlay_array``."""


SpecP = POINTER(inlay_spec)
GraphP = POINTER(inlay_graph)
TensorP = POINTER(inlay_tensor)
LayerP = POINTER(inlay_layer)
ModelP = POINTER(inlay_model)
ArrayP = POINTER(inlay_array)
Int64P = POINTER(c_int64)

#: Marks a function returning ``inlay_status``: restype c_int plus the raising errcheck.
STATUS = object()

# inlay_dtype, inlay_spec_kind, inlay_array_kind and inlay_precision are C enums: int-sized.
ENUM = c_int
# Out-parameter for strings the library makes for the caller (char **): read, then inlay_free.
OUT_STRING = POINTER(c_void_p)

# (name, restype, argtypes), in the header's order. tests/test_library.py checks this table against
# inlay.h (every function, the argument counts) and against the loaded library.
_SIGNATURES: List[Tuple[str, Any, List[Any]]] = [
    # status, errors, version, memory
    ("inlay_last_error", c_char_p, []),
    ("inlay_status_name", c_char_p, [c_int]),
    ("inlay_version", c_char_p, []),
    ("inlay_free", None, [c_void_p]),
    ("inlay_runtime_info", STATUS, [OUT_STRING]),
    # data types
    ("inlay_dtype_parse", STATUS, [c_char_p, POINTER(ENUM)]),
    ("inlay_dtype_name", c_char_p, [ENUM]),
    ("inlay_dtype_size", c_size_t, [ENUM]),
    # type specs
    ("inlay_spec_from_json", STATUS, [c_char_p, POINTER(SpecP)]),
    ("inlay_spec_to_json", STATUS, [SpecP, OUT_STRING]),
    ("inlay_spec_free", None, [SpecP]),
    ("inlay_spec_kind_of", ENUM, [SpecP]),
    ("inlay_spec_rank", c_int, [SpecP]),
    ("inlay_spec_dims", Int64P, [SpecP]),
    ("inlay_spec_dtype", ENUM, [SpecP]),
    ("inlay_spec_name", c_char_p, [SpecP]),
    ("inlay_spec_ragged_rank", c_int, [SpecP]),
    ("inlay_spec_is_compatible_with", c_int, [SpecP, SpecP]),
    ("inlay_spec_most_specific_compatible", STATUS, [SpecP, SpecP, POINTER(SpecP)]),
    # the placeholder graph
    ("inlay_graph_create", STATUS, [POINTER(GraphP)]),
    ("inlay_graph_free", None, [GraphP]),
    ("inlay_input", STATUS, [GraphP, c_char_p, SpecP, TensorP, POINTER(TensorP)]),
    ("inlay_tensor_rank", c_int, [TensorP]),
    ("inlay_tensor_dims", Int64P, [TensorP]),
    ("inlay_tensor_dtype", ENUM, [TensorP]),
    ("inlay_tensor_name", c_char_p, [TensorP]),
    ("inlay_tensor_spec", SpecP, [TensorP]),
    ("inlay_tensor_layer", LayerP, [TensorP]),
    ("inlay_layer_create", STATUS, [GraphP, c_char_p, c_char_p, POINTER(LayerP)]),
    ("inlay_layer_call", STATUS, [LayerP, POINTER(TensorP), c_size_t, POINTER(TensorP), c_size_t,
                                  POINTER(c_size_t)]),
    ("inlay_layer_name", c_char_p, [LayerP]),
    ("inlay_layer_class_name", c_char_p, [LayerP]),
    ("inlay_layer_get_config", STATUS, [LayerP, OUT_STRING]),
    ("inlay_layer_output_count", c_size_t, [LayerP]),
    ("inlay_layer_output", TensorP, [LayerP, c_size_t]),
    # models
    ("inlay_model_create", STATUS, [GraphP, POINTER(TensorP), c_size_t, POINTER(TensorP), c_size_t, c_char_p,
                                    POINTER(ModelP)]),
    ("inlay_sequential_create", STATUS, [GraphP, POINTER(LayerP), c_size_t, c_char_p, POINTER(ModelP)]),
    ("inlay_model_from_json", STATUS, [c_char_p, POINTER(ModelP)]),
    ("inlay_model_load", STATUS, [c_char_p, POINTER(ModelP)]),
    ("inlay_model_load_with_options", STATUS, [c_char_p, c_char_p, POINTER(ModelP)]),
    ("inlay_model_free", None, [ModelP]),
    ("inlay_model_name", c_char_p, [ModelP]),
    ("inlay_model_input_count", c_size_t, [ModelP]),
    ("inlay_model_output_count", c_size_t, [ModelP]),
    ("inlay_model_input", TensorP, [ModelP, c_size_t]),
    ("inlay_model_output", TensorP, [ModelP, c_size_t]),
    ("inlay_model_layer_count", c_size_t, [ModelP]),
    ("inlay_model_layer", LayerP, [ModelP, c_size_t]),
    ("inlay_model_weight_count", c_size_t, [ModelP]),
    ("inlay_model_weight_info", STATUS, [ModelP, c_size_t, POINTER(c_char_p), POINTER(c_int), POINTER(Int64P)]),
    ("inlay_model_set_weight", STATUS, [ModelP, c_size_t, POINTER(c_float), c_size_t]),
    ("inlay_model_get_weight", STATUS, [ModelP, c_size_t, POINTER(c_float), c_size_t]),
    ("inlay_model_load_weights", STATUS, [ModelP, c_char_p]),
    ("inlay_model_to_json", STATUS, [ModelP, OUT_STRING]),
    ("inlay_model_summary", STATUS, [ModelP, OUT_STRING]),
    # concrete arrays and inference
    ("inlay_array_create", STATUS, [ENUM, Int64P, c_int, POINTER(ArrayP)]),
    ("inlay_array_wrap", STATUS, [ENUM, Int64P, c_int, c_void_p, POINTER(ArrayP)]),
    ("inlay_array_wrap_sparse", STATUS, [ENUM, Int64P, c_int, Int64P, c_void_p, c_size_t, POINTER(ArrayP)]),
    ("inlay_array_wrap_ragged", STATUS, [ENUM, c_void_p, Int64P, c_int, Int64P, c_size_t, POINTER(ArrayP)]),
    ("inlay_array_load_npy", STATUS, [c_char_p, POINTER(ArrayP)]),
    ("inlay_array_save_npy", STATUS, [ArrayP, c_char_p]),
    ("inlay_array_free", None, [ArrayP]),
    ("inlay_array_data", c_void_p, [ArrayP]),
    ("inlay_array_kind_of", ENUM, [ArrayP]),
    ("inlay_array_rank", c_int, [ArrayP]),
    ("inlay_array_dims", Int64P, [ArrayP]),
    ("inlay_array_dtype", ENUM, [ArrayP]),
    ("inlay_array_element_count", c_size_t, [ArrayP]),
    ("inlay_array_row_splits", Int64P, [ArrayP, POINTER(c_size_t)]),
    ("inlay_array_flat_dims", Int64P, [ArrayP, POINTER(c_int)]),
    ("inlay_array_sparse_indices", Int64P, [ArrayP, POINTER(c_size_t)]),
    ("inlay_model_predict", STATUS, [ModelP, POINTER(ArrayP), c_size_t, POINTER(ArrayP), c_size_t]),
    ("inlay_model_prepare", STATUS, [ModelP, POINTER(ArrayP), c_size_t]),
    ("inlay_model_set_num_threads", STATUS, [ModelP, c_int]),
    ("inlay_model_num_threads", c_int, [ModelP]),
    ("inlay_model_set_precision", STATUS, [ModelP, ENUM]),
]

# Constants of inlay.h the binding uses.
DIM_NONE = -1
MAX_RANK = 8
SPEC_TENSOR, SPEC_SPARSE, SPEC_RAGGED = 1, 2, 3
ARRAY_DENSE, ARRAY_SPARSE, ARRAY_RAGGED = 1, 2, 3
PRECISION_FLOAT32, PRECISION_BFLOAT16, PRECISION_FLOAT32_STRICT = 0, 1, 2


def _platform_names() -> List[str]:
    """The library's file name as the platform's loader spells it, SONAME first."""
    if sys.platform == "darwin":
        return ["libinlay.0.dylib", "libinlay.dylib"]
    if sys.platform == "win32":
        return ["inlay.dll", "libinlay.dll"]
    return ["libinlay.so.0"]


# OpenMP's wait policy, as the `inlay` tool sets it (tools/inlay/wait_policy.cpp, README "Threads"): libgomp
# spins ~300,000 rounds (milliseconds) at every barrier by default, which on cores shared with other busy
# processes keeps a core spinning while the thread it waits for is descheduled: ResNet50 ran 5x slower with 2
# threads than with 1. A short spin gives the core back. libgomp reads this once, when it is loaded: it takes
# effect only if nothing in this process loaded libgomp before inlay (numpy does not; torch does). Either
# variable set by the user wins.
OPENMP_SPIN_COUNT = "1000"


def _prefer_short_openmp_spin() -> None:
    if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
        os.environ["GOMP_SPINCOUNT"] = OPENMP_SPIN_COUNT


#: Where the wheel puts the library: beside this file (cmake/InlayPythonWheel.cmake installs it there).
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def packaged_library() -> Optional[str]:
    """The library inside the installed package (a wheel), or None (a pure-Python install or a checkout)."""
    for name in _platform_names():
        candidate = os.path.join(PACKAGE_DIR, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def _load() -> Tuple[ctypes.CDLL, str, str]:
    """Loads the library as described in the module docstring: (library, path, source); ImportError naming
    every attempt."""
    _prefer_short_openmp_spin()
    explicit = os.environ.get("INLAY_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit), explicit, "INLAY_LIBRARY"
        except OSError as e:
            raise ImportError(
                f"inlay: cannot load the library named by INLAY_LIBRARY={explicit!r}: {e}. Unset INLAY_LIBRARY "
                "to use the library inside the package or the system's instead."
            ) from e
    packaged = packaged_library()
    if packaged:
        try:
            return ctypes.CDLL(packaged), packaged, "package"
        except OSError as e:
            raise ImportError(
                f"inlay: cannot load the library inside the package, {packaged!r}: {e}. The installed wheel is "
                "incomplete or for another platform: reinstall it, or set INLAY_LIBRARY to a libinlay to use."
            ) from e
    candidates: List[str] = []
    found = ctypes.util.find_library("inlay")
    if found:
        candidates.append(found)
    candidates += [n for n in _platform_names() if n not in candidates]
    failures = []
    for name in candidates:
        try:
            return ctypes.CDLL(name), name, "system"
        except OSError as e:
            failures.append(f"{name!r} ({e})")
    if not found:
        failures.insert(0, "ctypes.util.find_library('inlay') (not found)")
    raise ImportError(
        f"inlay: cannot find the inlay C library (libinlay). Tried INLAY_LIBRARY (not set), the package "
        f"directory {PACKAGE_DIR!r} (no {_platform_names()[0]}: not a wheel), "
        + ", ".join(failures)
        + ". Install the inlay wheel (it carries the library), or install libinlay (the .deb packages) and add "
        "its directory to LD_LIBRARY_PATH if it is not on the system's paths, or set INLAY_LIBRARY to its path."
    )


def _check_status(status: int, func: Callable[..., Any], args: Tuple[Any, ...]) -> int:
    """errcheck of every inlay_status function: raises the library's error, message read right away."""
    if status != 0:
        message = lib.inlay_last_error()
        raise errors.from_status(status, message.decode("utf-8", "replace") if message else "")
    return status


def _declare(library: ctypes.CDLL, path: str) -> None:
    missing = [name for name, _, _ in _SIGNATURES if not hasattr(library, name)]
    if missing:
        raise ImportError(f"inlay: {path} lacks {', '.join(missing)}: it is older than this binding expects")
    for name, restype, argtypes in _SIGNATURES:
        fn = getattr(library, name)
        fn.argtypes = argtypes
        if restype is STATUS:
            fn.restype = c_int
            fn.errcheck = _check_status
        else:
            fn.restype = restype


def _parse_version(text: str) -> Tuple[int, int, int]:
    parts = text.split(".")
    try:
        major, minor, patch = (int(p) for p in parts[:3])
    except ValueError:
        raise ImportError(f"inlay: the library reports an unreadable version {text!r}") from None
    return major, minor, patch


def _check_version(path: str) -> str:
    version = lib.inlay_version().decode("ascii", "replace")
    major, minor, _ = _parse_version(version)
    if major != EXPECTED_MAJOR or minor < MINIMUM_MINOR:
        raise ImportError(
            f"inlay: {path} is libinlay {version}, but this binding needs ABI major {EXPECTED_MAJOR} "
            f"(version {EXPECTED_MAJOR}.{MINIMUM_MINOR} or a later {EXPECTED_MAJOR}.x)"
        )
    return version


lib, path, library_source = _load()
_declare(lib, path)
version = _check_version(path)


# --- small helpers shared by the other modules


def take_string(fill: Callable[[Any], Any]) -> str:
    """Calls ``fill(out)`` with a ``char **`` out-parameter and returns the string, freed with inlay_free."""
    out = c_void_p()
    fill(ctypes.byref(out))
    try:
        return ctypes.string_at(out.value).decode("utf-8") if out.value else ""
    finally:
        lib.inlay_free(out)


def text(value: Optional[bytes]) -> Optional[str]:
    """A borrowed ``const char *`` as str (None stays None)."""
    return value.decode("utf-8") if value is not None else None


def dims_tuple(rank: int, dims: Any) -> Optional[Tuple[Optional[int], ...]]:
    """Keras's shape tuple from a rank and an ``int64_t *`` (INLAY_DIM_NONE -> None; rank -1 -> None)."""
    if rank < 0:
        return None
    return tuple(None if dims[i] == DIM_NONE else int(dims[i]) for i in range(rank))


def address(pointer: Any) -> int:
    """The address a ctypes pointer holds (0 for NULL), used to key wrapper caches."""
    return ctypes.cast(pointer, c_void_p).value or 0


def detached(pointer: Any, pointer_type: Any) -> Any:
    """A new pointer object holding the same address. Items of ctypes arrays of pointers are views into the
    array's memory, so one kept past a later write to the array would change under the caller."""
    return ctypes.cast(c_void_p(address(pointer)), pointer_type)


def int64_array(values: Sequence[int]) -> Any:
    return (c_int64 * max(len(values), 1))(*values)


def signatures() -> List[Tuple[str, Any, List[Any]]]:
    """The declaration table (for tests and introspection)."""
    return list(_SIGNATURES)
