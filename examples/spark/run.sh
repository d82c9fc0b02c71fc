#!/usr/bin/env bash
# Runs examples/spark/score.py: inlay inside Spark's predict_batch_udf (local mode), every row checked against a
# single-process predict and Keras's recorded outputs. What it needs, it installs when missing:
#   - Java 17 (Debian's openjdk-17-jre-headless, apt-get as root or through sudo, as .ci/run does). If no Java
#     17+ is present and it cannot be installed, the example is SKIPPED with a message and exit status 0
#     (INLAY_SPARK_REQUIRE=1 makes that a failure); likewise if the PyPI packages below cannot be installed;
#   - pyspark, pandas and pyarrow from PyPI, pinned below, into a virtualenv (INLAY_SPARK_VENV, default
#     build/spark-venv, git-ignored); it is reused when it already imports them.
# inlay itself: the installed library (the .deb, or a wheel installed into the venv) - or INLAY_LIBRARY=path;
# the Python package from the venv if a wheel is installed there, else bindings/python of this tree.
# INLAY_SPARK_WHEEL=path installs that wheel (bindings/python/wheel/ci.sh's) into the venv first, --no-index:
# the executors then run the wheel's own libinlay, as a cluster whose nodes `pip install inlay` would.
# Exits non-zero if any Spark prediction mismatches (or on any other failure). Prints its wall time.
#
#   bash examples/spark/run.sh                                            # CI: after the .deb is installed
#   INLAY_LIBRARY=build/release/libinlay.so bash examples/spark/run.sh    # a build tree
#   bash examples/spark/run.sh --rows 20000 --master 'local[4]'           # arguments go to score.py
set -euo pipefail

start=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${INLAY_SPARK_VENV:-$repo/build/spark-venv}"
# The versions this example was tested with (predict_batch_udf needs pyspark 3.4+; pyspark 4.3 warns on pandas 3).
pip_packages=(pyspark==4.3.0 "pandas==2.3.3" pyarrow==26.0.1)

log() { printf '==> %s\n' "$*"; }
finish() { log "spark example: $1 (wall time $((SECONDS - start)) s)"; }
skip() {
  if [[ "${INLAY_SPARK_REQUIRE:-0}" == 1 ]]; then
    log "spark example FAILED: $* (INLAY_SPARK_REQUIRE=1)"
    exit 1
  fi
  finish "SKIPPED: $*"
  exit 0
}

# Root for apt-get: as is, or through sudo (empty array: none available).
apt_get() {
  if [[ "$(id -u)" -eq 0 ]]; then
    env DEBIAN_FRONTEND=noninteractive apt-get "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    echo "no root and no sudo: cannot run apt-get $*" >&2
    return 1
  fi
}

can_make_venv() { /usr/bin/python3 -c "import venv, ensurepip" 2>/dev/null; } # Debian: python3-venv

java_major() { # the major version of `java` on PATH, or nothing
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

# ---- Java 17+ ----------------------------------------------------------------------------------------------
install_start=$SECONDS
major="$(java_major || true)"
if [[ -z "$major" || "$major" -lt 17 ]]; then
  log "no Java 17+ found (java: ${major:-absent}); installing openjdk-17-jre-headless"
  if ! { apt_get update && apt_get install -y --no-install-recommends openjdk-17-jre-headless; }; then
    skip "Java 17 is absent and could not be installed (openjdk-17-jre-headless)"
  fi
  major="$(java_major || true)"
  [[ -n "$major" && "$major" -ge 17 ]] || skip "Java 17 was installed but \`java -version\` does not report 17+"
fi
log "java: $(java -version 2>&1 | head -n 1)"

# ---- the virtualenv with pyspark ---------------------------------------------------------------------------
python="$venv/bin/python"
if [[ -x "$python" ]] && "$python" -c "import pyspark, pandas, pyarrow" 2>/dev/null; then
  log "reusing $venv ($("$python" -c 'import pyspark; print("pyspark", pyspark.__version__)'))"
else
  if ! can_make_venv; then
    log "installing python3-venv (Debian's python3 has no venv module)"
    { apt_get update && apt_get install -y --no-install-recommends python3-venv; } || true
    can_make_venv || skip "Debian's python3 has no venv module and python3-venv could not be installed"
  fi
  log "creating $venv and installing ${pip_packages[*]} from PyPI"
  # (A half-made venv is never taken for a good one: the check above imports the packages.)
  if ! { /usr/bin/python3 -m venv "$venv" &&
    "$python" -m pip install --disable-pip-version-check --quiet "${pip_packages[@]}"; }; then
    skip "could not install ${pip_packages[*]} from PyPI into $venv"
  fi
fi
log "install steps took $((SECONDS - install_start)) s"

# ---- inlay in the venv -------------------------------------------------------------------------------------
if [[ -n "${INLAY_SPARK_WHEEL:-}" ]]; then
  log "pip install --no-index $INLAY_SPARK_WHEEL into $venv"
  "$python" -m pip install --disable-pip-version-check --quiet --no-index --no-deps --force-reinstall \
    "$INLAY_SPARK_WHEEL"
fi
if ! "$python" -c "import inlay" 2>/dev/null; then
  # No wheel installed in the venv: the in-tree pure-ctypes package, over the installed libinlay.
  export PYTHONPATH="$repo/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
fi
if ! "$python" -c "import inlay" >/dev/null; then
  log "spark example FAILED: \`import inlay\` fails in $venv (install the .deb or set INLAY_LIBRARY)"
  exit 1
fi

# ---- run ---------------------------------------------------------------------------------------------------
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" # no network lookups of the host name in containers
log "inlay in the executors: $("$python" -c 'import inlay; print(inlay.library_path, "(" + inlay.library_source + ")")')"
log "$python examples/spark/score.py $*"
run_start=$SECONDS
"$python" "$here/score.py" --fixtures "${INLAY_FIXTURES:-$repo/tests/fixtures}" "$@"
log "score.py took $((SECONDS - run_start)) s"
finish "passed"
