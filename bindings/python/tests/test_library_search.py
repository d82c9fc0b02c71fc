"""Which libinlay the binding loads: INLAY_LIBRARY, then the copy inside the package (the wheel), then the
system's; ``inlay.library_source`` names the step. Each case imports the binding in a fresh interpreter and
reads /proc/self/maps there, so the assertions are about the files the process really mapped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

import inlay
from inlay import _lib

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")

# Libraries only libinlay brings into a Python process (the wheel's copies are renamed libdnnl-<hash>.so.2 and
# so on). libgomp, libbz2 and libcrypto are left out: Python's own modules or NumPy's BLAS may load the system's.
_INLAY_ONLY = ("libinlay", "libdnnl", "libspdlog", "libfmt", "libzip")

_REPORT = """
import json, inlay
maps = {line.split()[-1] for line in open("/proc/self/maps") if "/" in line}
print(json.dumps({"path": inlay.library_path, "source": inlay.library_source, "maps": sorted(maps)}))
"""


def _mapped(paths: List[str], prefix: str) -> List[str]:
    return [p for p in paths if os.path.basename(p).startswith(prefix)]


def _loaded_library_file() -> Path:
    """The file of the libinlay this process mapped, whichever way it was found."""
    with open("/proc/self/maps") as f:
        files = {line.split()[-1] for line in f if "/" in line}
    found = _mapped(sorted(files), "libinlay")
    assert len(found) == 1, found
    return Path(found[0])


def _import_in(site: Path, extra_env: Dict[str, str]) -> subprocess.CompletedProcess:
    """`import inlay` from `site` in a fresh interpreter, INLAY_LIBRARY unset unless given."""
    env = {k: v for k, v in os.environ.items() if k != "INLAY_LIBRARY"}
    env.update(extra_env)
    env["PYTHONPATH"] = str(site)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-c", _REPORT], env=env, capture_output=True, text=True, timeout=120,
                          cwd=str(site))


def _package_copy(tmp_path: Path) -> Path:
    """A copy of the binding's Python files as an installed package, with no library inside."""
    site = tmp_path / "site"
    shutil.copytree(Path(inlay.__file__).parent, site / "inlay",
                    ignore=shutil.ignore_patterns("__pycache__", "libinlay.so*"))
    return site


def _with_packaged_library(tmp_path: Path) -> Path:
    """The package copy with this process's libinlay inside it, as a wheel lays it out. A wheel's library
    finds what it links in ../inlay.libs (its RUNPATH): that directory comes along when there is one."""
    site = _package_copy(tmp_path)
    library = _loaded_library_file()
    shutil.copy2(library, site / "inlay" / "libinlay.so.0")
    vendored = library.parent.parent / "inlay.libs"
    if vendored.is_dir():
        (site / "inlay.libs").symlink_to(vendored)
    return site


def test_library_source_names_the_step_that_found_it():
    assert inlay.library_source in ("INLAY_LIBRARY", "package", "system")
    assert inlay.library_source == _lib.library_source and inlay.library_path == _lib.path
    if os.environ.get("INLAY_LIBRARY"):
        assert (inlay.library_source, inlay.library_path) == ("INLAY_LIBRARY", os.environ["INLAY_LIBRARY"])
    elif _lib.packaged_library():
        assert (inlay.library_source, inlay.library_path) == ("package", _lib.packaged_library())
    else:
        assert inlay.library_source == "system"


def test_library_inside_the_package_comes_before_the_system(tmp_path):
    site = _with_packaged_library(tmp_path)
    result = _import_in(site, {})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    packaged = str(site / "inlay" / "libinlay.so.0")
    assert (report["source"], report["path"]) == ("package", packaged)
    # The one libinlay mapped is the package's: no system copy came along beside it.
    assert _mapped(report["maps"], "libinlay") == [packaged]


def test_inlay_library_comes_before_the_package(tmp_path):
    site = _with_packaged_library(tmp_path)
    chosen = str(_loaded_library_file())
    result = _import_in(site, {"INLAY_LIBRARY": chosen})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["source"], report["path"]) == ("INLAY_LIBRARY", chosen)
    assert _mapped(report["maps"], "libinlay") == [chosen]


def test_unloadable_library_inside_the_package_fails_the_import_naming_it(tmp_path):
    """Present means meant: a broken wheel is an error, not a quiet fall-back to a system copy."""
    site = _package_copy(tmp_path)
    broken = site / "inlay" / "libinlay.so.0"
    broken.write_bytes(b"not an ELF file")
    result = _import_in(site, {})
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert f"cannot load the library inside the package, {str(broken)!r}" in result.stderr


def test_expected_library_source():
    """CI of the wheel (bindings/python/wheel/ci.sh) sets INLAY_EXPECT_LIBRARY_SOURCE=package: the suite must
    run on the wheel's own libinlay, and every library libinlay links must be the wheel's copy (inlay.libs),
    never one of /usr/lib."""
    expected = os.environ.get("INLAY_EXPECT_LIBRARY_SOURCE")
    if not expected:
        pytest.skip("INLAY_EXPECT_LIBRARY_SOURCE not set")
    assert inlay.library_source == expected
    if expected != "package":
        return
    package_dir = Path(inlay.__file__).resolve().parent
    assert Path(inlay.library_path).resolve() == package_dir / "libinlay.so.0"
    with open("/proc/self/maps") as f:
        mapped = sorted({os.path.realpath(line.split()[-1]) for line in f if "/" in line})
    # Every library the wheel vendors was loaded from the wheel ...
    vendored = sorted(str(p.resolve()) for p in (package_dir.parent / "inlay.libs").iterdir())
    assert _mapped(vendored, "libdnnl"), vendored
    assert [p for p in vendored if p not in mapped] == []
    # ... and no copy from elsewhere (/usr/lib) of what only libinlay needs sits beside them.
    inside = (str(package_dir) + os.sep, str(package_dir.parent / "inlay.libs") + os.sep)
    ours = [p for prefix in _INLAY_ONLY for p in _mapped(mapped, prefix)]
    assert [p for p in ours if not p.startswith(inside)] == []
