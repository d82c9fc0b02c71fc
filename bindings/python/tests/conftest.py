"""Shared test setup.

Environment:
  INLAY_LIBRARY   the libinlay to test (CTest passes the build tree's); else the system's.
  INLAY_FIXTURES  tests/fixtures of the repository (recorded from the real Keras); default: found relative
                  to this file. Tests that need fixtures are skipped when they are absent (installed package).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

_BINDING_DIR = Path(__file__).resolve().parents[1]
_REPO_ROOT = Path(__file__).resolve().parents[3]

if importlib.util.find_spec("inlay") is None:  # running from a checkout without PYTHONPATH
    sys.path.insert(0, str(_BINDING_DIR))

import inlay  # noqa: E402


def fixtures_dir() -> Path:
    return Path(os.environ.get("INLAY_FIXTURES", _REPO_ROOT / "tests" / "fixtures"))


def header_path() -> Path:
    return Path(os.environ.get("INLAY_HEADER", _REPO_ROOT / "include" / "inlay" / "inlay.h"))


_cache: Dict[str, Any] = {}


def load_fixture(name: str) -> Any:
    """A fixture JSON file (cached: some are large), or a skip when fixtures are not available."""
    path = fixtures_dir() / name
    if not path.exists():
        pytest.skip(f"fixture {path} not available (set INLAY_FIXTURES)")
    if name not in _cache:
        with open(path, encoding="utf-8") as f:
            _cache[name] = json.load(f)
    return _cache[name]


def fixture_json_or_empty(name: str) -> Any:
    """For parametrizing at collection time: the fixture, or None when absent."""
    path = fixtures_dir() / name
    if not path.exists():
        return None
    return load_fixture(name)


@pytest.fixture(autouse=True)
def fresh_session() -> None:
    """Every test starts like a fresh Python session: auto-names from scratch, as after clear_session()."""
    inlay.clear_session()


@pytest.fixture
def fixtures() -> Path:
    d = fixtures_dir()
    if not d.exists():
        pytest.skip(f"fixtures directory {d} not available (set INLAY_FIXTURES)")
    return d
