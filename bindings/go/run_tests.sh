#!/usr/bin/env bash
# bindings/go/run_tests.sh: go vet and go test of the Go binding, offline (standard library only).
#
# Which libinlay it links (README.md, "Building"):
#   INLAY_LIB_DIR=DIR   a build tree: -L DIR, with DIR as the test binary's rpath (libinlay.so in DIR);
#   otherwise           `pkg-config inlay` when it knows the package (the Debian package, cmake --install);
#   otherwise           the linker's default search path.
# INLAY_FIXTURES overrides the fixtures directory (default: the tree's tests/fixtures).
# Extra arguments go to `go test` (e.g. -run Predict -v). The concurrency tests then run again under Go's
# race detector (amd64 / arm64; INLAY_GO_RACE=0 skips that run): it checks the binding's own locking, not
# the C library's.
# Exits 0 with "skipped: ..." when go is not installed; otherwise with go test's status. The Go caches
# live under ${INLAY_GO_CACHE:-/tmp/inlay-go-$UID}, outside the source tree.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# INLAY_LIB_DIR may be relative to where the script was started (e.g. build/release from the repository root).
if [[ -n "${INLAY_LIB_DIR:-}" ]]; then INLAY_LIB_DIR="$(cd "$INLAY_LIB_DIR" && pwd)"; fi
cd "$here"

if ! command -v go >/dev/null 2>&1; then
  echo "skipped: go not installed (Debian: apt-get install golang-go)"
  exit 0
fi

cache="${INLAY_GO_CACHE:-${TMPDIR:-/tmp}/inlay-go-$(id -u)}"
export GOPATH="$cache/path" GOCACHE="$cache/build" GOMODCACHE="$cache/path/pkg/mod"
export GOPROXY=off GOFLAGS=-mod=readonly GOTOOLCHAIN=local GO111MODULE=on CGO_ENABLED=1
export GOMAXPROCS="${GOMAXPROCS:-2}"

tags=()
if [[ -n "${INLAY_LIB_DIR:-}" ]]; then
  lib_dir="$(cd "$INLAY_LIB_DIR" && pwd)"
  export CGO_LDFLAGS="-L$lib_dir -Wl,-rpath,$lib_dir ${CGO_LDFLAGS:-}"
  how="the build tree $lib_dir"
elif command -v pkg-config >/dev/null 2>&1 && pkg-config --exists inlay; then
  tags=(-tags inlay_pkgconfig)
  how="pkg-config inlay $(pkg-config --modversion inlay) ($(pkg-config --libs inlay))"
elif /sbin/ldconfig -p 2>/dev/null | grep -q 'libinlay\.so '; then
  how="the linker's default search path (-linlay)"
else
  echo "error: no libinlay to link: set INLAY_LIB_DIR to a build tree (the directory of libinlay.so)," \
    "or install the library (the libinlay-dev package, or cmake --install)" >&2
  exit 1
fi

echo "==> $(go version); libinlay from $how"
echo "==> go vet"
timeout 60 go vet "${tags[@]}" ./...
echo "==> go test"
timeout 100 go test "${tags[@]}" -count=1 -timeout 90s "$@" ./...
if [[ "${INLAY_GO_RACE:-1}" != 0 && "$(go env GOARCH)" =~ ^(amd64|arm64)$ ]]; then
  echo "==> go test -race (the concurrency tests)"
  timeout 100 go test "${tags[@]}" -race -count=1 -timeout 90s -run 'Concurrent|Close|Finalizer|PerOSThread' ./...
fi
