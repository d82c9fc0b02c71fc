#!/usr/bin/env bash
# bindings/r/run_check.sh: R CMD build and R CMD check of the R package (bindings/r), tests included.
#
# Installs what it needs from Debian if missing (r-base-dev, r-cran-testthat, r-cran-jsonlite; as root or
# with sudo, as .ci/run does): no CRAN mirror is needed. Which libinlay it links (configure):
#   INLAY_LIB_DIR=DIR   a build tree (libinlay.so in DIR; headers from INLAY_INCLUDE_DIR or DIR/../include);
#   otherwise           `pkg-config inlay` (the libinlay-dev package, as in CI after the .deb install).
# INLAY_FIXTURES overrides the fixtures directory (default: the tree's tests/fixtures); R CMD check runs
# the tests from a copy of the package, so it is passed on as an absolute path.
# Fails on any ERROR or WARNING of R CMD check, and on any NOTE but the one it allows (see below).
set -euo pipefail
start=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ -n "${INLAY_LIB_DIR:-}" ]]; then export INLAY_LIB_DIR="$(cd "$INLAY_LIB_DIR" && pwd)"; fi
export INLAY_FIXTURES="$(cd "${INLAY_FIXTURES:-$root/tests/fixtures}" && pwd)"

need=()
command -v R >/dev/null 2>&1 && [[ -x "$(R RHOME 2>/dev/null)/bin/R" ]] || need+=(r-base-dev)
for pkg in testthat jsonlite; do
  if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e "quit(status = !requireNamespace('$pkg', quietly = TRUE))" >/dev/null 2>&1; then
    need+=("r-cran-$pkg")
  fi
done
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ((${#need[@]})); then
  echo "==> apt-get install ${need[*]}"
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    r-base-dev "${need[@]}" >/dev/null
fi
echo "==> $(R --version | head -1)"
if [[ -n "${INLAY_LIB_DIR:-}" ]]; then
  echo "==> libinlay from the build tree $INLAY_LIB_DIR"
else
  echo "==> libinlay from pkg-config inlay $(pkg-config --modversion inlay 2>/dev/null || echo '(not found: -linlay)')"
fi

echo "==> generated layer functions (tools/gen_layers.R --check)"
Rscript "$here/tools/gen_layers.R" --check

work="$(mktemp -d "${TMPDIR:-/tmp}/inlay-r-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "==> R CMD build bindings/r"
R CMD build --no-manual --no-build-vignettes "$here" >build.log 2>&1 || { cat build.log; exit 1; }
tarball="$(ls inlay_*.tar.gz)"

echo "==> R CMD check --no-manual $tarball (INLAY_FIXTURES=$INLAY_FIXTURES)"
# _R_CHECK_SYSTEM_CLOCK_=0: the check would ask a time server (CI may be offline); a NOTE otherwise.
status=0
_R_CHECK_SYSTEM_CLOCK_=0 _R_CHECK_FORCE_SUGGESTS_=true R CMD check --no-manual "$tarball" >check.log 2>&1 || status=$?
cat check.log
if [[ -f inlay.Rcheck/tests/testthat.Rout ]]; then
  grep -E '^\[ FAIL|^══ (Failed|Warnings|Skipped)' inlay.Rcheck/tests/testthat.Rout || true
fi
problems="$(grep -E '\.\.\. (ERROR|WARNING|NOTE)$' check.log || true)"
if [[ $status -ne 0 || -n "$problems" ]]; then
  [[ -f inlay.Rcheck/tests/testthat.Rout.fail ]] && tail -60 inlay.Rcheck/tests/testthat.Rout.fail
  echo "error: R CMD check: exit status $status; ${problems:-no ERROR/WARNING/NOTE lines}" >&2
  exit 1
fi
echo "==> R CMD check: $(grep -E '^Status:' check.log) ($((SECONDS - start)) s wall)"
