"""Loading the library, the declaration table against inlay.h, versions, runtime info, error classes."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import inlay
from inlay import _lib, errors
from conftest import header_path

_BINDING_DIR = Path(inlay.__file__).resolve().parents[1]


def _header_functions() -> dict:
    """name -> parameter count of every INLAY_API function in inlay.h."""
    path = header_path()
    if not path.exists():
        pytest.skip(f"{path} not available (set INLAY_HEADER)")
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    functions = {}
    for m in re.finditer(r"INLAY_API\s+[^;(]*?\b(inlay_\w+)\s*\(([^)]*)\)\s*;", text):
        params = m.group(2).strip()
        functions[m.group(1)] = 0 if params in ("", "void") else params.count(",") + 1
    return functions


def test_table_declares_every_header_function_with_its_arity():
    header = _header_functions()
    table = {name: len(argtypes) for name, _, argtypes in _lib.signatures()}
    assert len(header) > 70
    assert sorted(table) == sorted(header)
    assert {n: a for n, a in table.items() if header[n] != a} == {}


def test_status_functions_raise_and_others_do_not():
    """Every function returning inlay_status in the header has the raising errcheck, and only those."""
    path = header_path()
    if not path.exists():
        pytest.skip("inlay.h not available")
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    status_functions = set(re.findall(r"INLAY_API\s+inlay_status\s+(inlay_\w+)\s*\(", text))
    for name, restype, _ in _lib.signatures():
        assert (restype is _lib.STATUS) == (name in status_functions), name


def test_version_is_the_library_version_and_major_matches():
    assert inlay.__version__ == _lib.lib.inlay_version().decode()
    major, minor, patch = (int(p) for p in inlay.__version__.split("."))
    assert major == _lib.EXPECTED_MAJOR
    assert minor >= _lib.MINIMUM_MINOR


def test_loaded_library_is_the_requested_one():
    requested = os.environ.get("INLAY_LIBRARY")
    if requested:
        assert inlay.library_path == requested


def _import_with(env_updates: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(env_updates)
    env["PYTHONPATH"] = str(_BINDING_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", "import inlay; print(inlay.library_path)"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_bad_inlay_library_fails_the_import_naming_it():
    result = _import_with({"INLAY_LIBRARY": "/nonexistent/libinlay.so.0"})
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "INLAY_LIBRARY='/nonexistent/libinlay.so.0'" in result.stderr


def test_library_of_another_abi_major_is_refused(tmp_path):
    """A stand-in library reporting version 1.0.0 must be refused before any other call."""
    cc = next((c for c in ("cc", "gcc", "clang") if _which(c)), None)
    if cc is None:
        pytest.skip("no C compiler to build the stand-in library")
    # Every symbol the table needs, as a dummy, plus inlay_version returning "1.0.0".
    names = [n for n, _, _ in _lib.signatures() if n != "inlay_version"]
    source = "".join(f"int {n}(void) {{ return 0; }}\n" for n in names)
    source += 'const char *inlay_version(void) { return "1.0.0"; }\n'
    (tmp_path / "fake.c").write_text(source)
    so = tmp_path / "libfake.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(so), str(tmp_path / "fake.c")], check=True)
    result = _import_with({"INLAY_LIBRARY": str(so)})
    assert result.returncode != 0
    assert "libinlay 1.0.0" in result.stderr and "ABI major 0" in result.stderr


def _which(name: str) -> bool:
    from shutil import which

    return which(name) is not None


def test_runtime_info_describes_the_cpu_engine():
    info = inlay.runtime_info()
    assert info["engine"] == "cpu"
    assert info["hardware_threads"] >= 1
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["onednn_version"])


@pytest.mark.parametrize("cls, builtin", [
    (inlay.InvalidArgumentError, ValueError),
    (inlay.ShapeMismatchError, ValueError),
    (inlay.ParseError, ValueError),
    (inlay.NotFoundError, LookupError),
    (inlay.UnsupportedError, NotImplementedError),
    (inlay.IoError, OSError),
    (inlay.OutOfMemoryError, MemoryError),
    (inlay.InternalError, RuntimeError),
])
def test_error_classes_derive_from_keras_builtins_and_name_the_library_status(cls, builtin):
    assert issubclass(cls, inlay.InlayError) and issubclass(cls, builtin)
    # The class's status name is the library's own name for its code.
    assert _lib.lib.inlay_status_name(cls.code).decode() == cls.status
    e = errors.from_status(cls.code, "the message")
    assert type(e) is cls and str(e) == "the message" and e.message == "the message"


def test_unknown_status_still_raises_an_inlay_error():
    e = errors.from_status(42, "newer status")
    assert type(e) is inlay.InlayError and e.code == 42 and str(e) == "newer status"
    assert _lib.lib.inlay_status_name(42) == b"INLAY_UNKNOWN_STATUS"


def test_null_handles_are_the_library_errors_not_crashes():
    """Raw ABI misuse through the table: NULL pointers give INLAY_INVALID_ARGUMENT, never a crash."""
    with pytest.raises(inlay.InvalidArgumentError):
        _lib.lib.inlay_model_predict(None, None, 0, None, 0)
    with pytest.raises(inlay.InvalidArgumentError):
        _lib.lib.inlay_graph_create(None)
    # The NULL-safe accessors answer their documented defaults.
    assert _lib.lib.inlay_model_name(None) is None
    assert _lib.lib.inlay_tensor_rank(None) == -1
    assert _lib.lib.inlay_array_data(None) is None
    _lib.lib.inlay_graph_free(None)
    _lib.lib.inlay_model_free(None)
    _lib.lib.inlay_array_free(None)
    _lib.lib.inlay_free(None)


def test_ctypes_rejects_a_handle_of_the_wrong_type():
    g = inlay.get_graph()
    with pytest.raises(ctypes.ArgumentError):
        _lib.lib.inlay_model_name(g._handle)


def test_standardize_dtype_follows_keras():
    assert inlay.standardize_dtype("float32") == "float32"
    assert inlay.standardize_dtype("int") == "int64"
    import numpy as np

    assert inlay.standardize_dtype(np.float16) == "float16"
    with pytest.raises(ValueError, match="^Invalid dtype: floot$"):
        inlay.standardize_dtype("floot")
