#!/usr/bin/env bash
# Builds and runs every example against an INSTALLED inlay, never the source tree: each example is copied
# to a fresh temporary directory and built there, finding inlay through pkg-config (C, Rust) or
# find_package (C++) only. Exits non-zero if any example fails to build or run.
#
#   bash examples/run.sh                                   # inlay installed in /usr (the .deb packages)
#   INLAY_PREFIX=/tmp/stage/usr bash examples/run.sh       # a staged install (cmake --install / DESTDIR)
#
# Environment:
#   INLAY_PREFIX                    install prefix to use instead of the system's (its pkgconfig directory is
#                                   found by searching under it)
#   INLAY_EXAMPLES_REQUIRE_RUST=1   fail, rather than skip, when no rustc is found
#   INLAY_EXAMPLES_STATIC=0|1       skip / require the static-library variants (default: run them when
#                                   libinlay.a is installed)
#   INLAY_EXAMPLES_KEEP=1           keep the temporary build directory
#   CC, CXX, RUSTC, CMAKE_GENERATOR the tools (defaults: cc, c++, rustc on PATH, Ninja when available)
set -euo pipefail

examples="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_tree="$(cd "$examples/.." && pwd)" # only to check that nothing resolves into it
work="$(mktemp -d "${TMPDIR:-/tmp}/inlay-examples.XXXXXX")"
if [[ "${INLAY_EXAMPLES_KEEP:-0}" == 1 ]]; then
  echo "build directory (kept): $work"
else
  trap 'rm -rf "$work"' EXIT
fi

die() {
  echo "run.sh: $*" >&2
  exit 1
}
section() { printf '\n==== %s\n' "$*"; }

# ---- Where inlay is installed ---------------------------------------------------------------------------

prefix=""
pc=(pkg-config)
if [[ -n "${INLAY_PREFIX:-}" ]]; then
  [[ -d "$INLAY_PREFIX" ]] || die "INLAY_PREFIX=$INLAY_PREFIX is not a directory"
  prefix="$(cd "$INLAY_PREFIX" && pwd)"
  pc_file="$(find "$prefix" -path '*/pkgconfig/inlay.pc' -print -quit)"
  [[ -n "$pc_file" ]] || die "no pkgconfig/inlay.pc under INLAY_PREFIX=$prefix"
  PKG_CONFIG_PATH="$(dirname "$pc_file")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export PKG_CONFIG_PATH
  # A build for /usr staged with DESTDIR has a literal prefix=/usr in its inlay.pc: point that variable at
  # the staging directory (the Makefile runs $PKG_CONFIG too).
  if [[ "$(pkg-config --variable=prefix "$pc_file")" != "$prefix" ]]; then
    pc+=(--define-variable=prefix="$prefix")
  fi
  export CMAKE_PREFIX_PATH="$prefix${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
fi
command -v pkg-config >/dev/null || die "pkg-config is not installed"
export PKG_CONFIG="${pc[*]}"
"${pc[@]}" --exists inlay || die "pkg-config cannot find inlay (install libinlay-dev, or set INLAY_PREFIX)"
libdir="$(cd "$("${pc[@]}" --variable=libdir inlay)" && pwd)"
if [[ -n "$prefix" ]]; then
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# Fails if TEXT names a path in the source tree (paths inside INLAY_PREFIX are fine, should it be there).
check_no_source_paths() { # LABEL TEXT
  local text="$2"
  [[ -n "$prefix" ]] && text="${text//"$prefix"/}"
  if [[ "$text" == *"$source_tree"* ]]; then
    echo "$1 refers to the source tree ($source_tree):" >&2
    printf '%s\n' "$2" | grep -F "$source_tree" >&2 || true
    return 1
  fi
}

# Fails if BINARY loads libinlay.so from the source tree (or from outside INLAY_PREFIX when it is set), or
# loads it at all when linked statically.
check_linkage() { # BINARY shared|static
  local line path
  line="$(ldd "$1" | grep 'libinlay\.so' || true)"
  if [[ "$2" == static ]]; then
    [[ -z "$line" ]] || { echo "$1 is linked statically but loads: $line" >&2; return 1; }
    return 0
  fi
  path="$(sed -n 's/.*=> \(.*\) (0x.*/\1/p' <<<"$line")"
  [[ -n "$path" && -f "$path" ]] || { echo "$1 does not resolve libinlay.so: $line" >&2; return 1; }
  path="$(realpath "$path")"
  if [[ -n "$prefix" && "$path" != "$prefix"/* ]]; then
    echo "$1 loads $path, not the library under INLAY_PREFIX=$prefix" >&2
    return 1
  fi
  check_no_source_paths "$1's libinlay.so" "$path"
  echo "$(basename "$1") loads $path"
}

echo "inlay $("${pc[@]}" --modversion inlay) from $(realpath "$("${pc[@]}" --variable=pcfiledir inlay)")/inlay.pc"
echo "  cflags: $("${pc[@]}" --cflags inlay)"
echo "  libs:   $("${pc[@]}" --libs inlay)"
check_no_source_paths "pkg-config" \
  "$(realpath "$("${pc[@]}" --variable=pcfiledir inlay)") $("${pc[@]}" --cflags --libs inlay) $libdir"

static_wanted="${INLAY_EXAMPLES_STATIC:-auto}"
if [[ "$static_wanted" == auto ]]; then
  if [[ -f "$libdir/libinlay.a" ]]; then static_wanted=1; else static_wanted=0; fi
fi

# ---- Running the steps ----------------------------------------------------------------------------------

results=()
failed=0
# step NAME FUNCTION: runs FUNCTION in a subshell that stops at its first failing command (not inside an
# `if`, where bash would ignore set -e), records PASS / FAIL, and carries on with the next step.
step() {
  local name="$1" rc
  section "$name"
  set +e
  (
    set -e
    "$2"
  )
  rc=$?
  set -e
  if [[ $rc == 0 ]]; then
    results+=("PASS  $name")
  else
    results+=("FAIL  $name (exit status $rc)")
    failed=1
  fi
}
skip() { # NAME WHY
  section "$1"
  echo "SKIPPED: $2"
  results+=("SKIP  $1 ($2)")
}

# -- C: logistic regression, pkg-config, shared and static library --
c_shared() {
  cp -r "$examples/c" "$work/c"
  make -C "$work/c" logistic_regression
  check_linkage "$work/c/logistic_regression" shared
  "$work/c/logistic_regression"
}
c_static() {
  cp -r "$examples/c" "$work/c-static"
  make -C "$work/c-static" static
  check_linkage "$work/c-static/logistic_regression_static" static
  "$work/c-static/logistic_regression_static"
}

# -- C++: the MNIST convnet, find_package --
generator=()
if [[ -z "${CMAKE_GENERATOR:-}" ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
cpp_build() { # DIR [CMAKE ARGS...]
  local dir="$1"
  shift
  cp -r "$examples/cpp" "$dir"
  cmake -S "$dir" -B "$dir/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-Werror \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@"
  local inlay_dir
  inlay_dir="$(sed -n 's/^inlay_DIR:PATH=//p' "$dir/build/CMakeCache.txt")"
  echo "find_package(inlay) used $inlay_dir"
  if [[ -n "$prefix" && "$inlay_dir" != "$prefix"/* ]]; then
    echo "inlay_DIR is not under INLAY_PREFIX=$prefix" >&2
    return 1
  fi
  check_no_source_paths "find_package(inlay)" "$inlay_dir"
  check_no_source_paths "the compile commands" "$(cat "$dir/build/compile_commands.json")"
  cmake --build "$dir/build"
}
cpp_shared() {
  cpp_build "$work/cpp"
  check_linkage "$work/cpp/build/cnn" shared
  "$work/cpp/build/cnn"
}
cpp_static() {
  cpp_build "$work/cpp-static" -DINLAY_EXAMPLE_STATIC=ON
  check_linkage "$work/cpp-static/build/cnn" static
  "$work/cpp-static/build/cnn"
}

# -- Rust: a hand-written extern "C" block, plain rustc, link flags from pkg-config --
rustc_bin="${RUSTC:-rustc}"
rust() {
  mkdir -p "$work/rust"
  cp "$examples/rust/main.rs" "$work/rust/"
  "$rustc_bin" --version
  local flags=() f
  for f in $("${pc[@]}" --libs inlay); do # -L<dir> -linlay, translated for rustc
    case "$f" in
      -L*) flags+=(-L "native=${f#-L}") ;;
      -l*) flags+=(-l "dylib=${f#-l}") ;;
      *) echo "note: ignoring link flag $f" ;;
    esac
  done
  echo "$rustc_bin --edition 2021 -O -D warnings main.rs -o logistic_regression ${flags[*]}"
  (cd "$work/rust" && "$rustc_bin" --edition 2021 -O -D warnings main.rs -o logistic_regression "${flags[@]}")
  check_linkage "$work/rust/logistic_regression" shared
  "$work/rust/logistic_regression"
}

step "C: logistic regression (pkg-config, libinlay.so)" c_shared
if [[ "$static_wanted" == 1 ]]; then
  step "C: logistic regression (pkg-config --static, libinlay.a)" c_static
else
  skip "C: logistic regression (libinlay.a)" "INLAY_EXAMPLES_STATIC=0 or no $libdir/libinlay.a"
fi
step "C++: MNIST convnet (find_package, inlay::inlay)" cpp_shared
if [[ "$static_wanted" == 1 ]]; then
  step "C++: MNIST convnet (find_package COMPONENTS static, inlay::inlay_static)" cpp_static
else
  skip "C++: MNIST convnet (inlay::inlay_static)" "INLAY_EXAMPLES_STATIC=0 or no $libdir/libinlay.a"
fi
if command -v "$rustc_bin" >/dev/null; then
  step "Rust: logistic regression (extern \"C\", rustc)" rust
elif [[ "${INLAY_EXAMPLES_REQUIRE_RUST:-0}" == 1 ]]; then
  section "Rust: logistic regression"
  echo "no '$rustc_bin' found, and INLAY_EXAMPLES_REQUIRE_RUST=1" >&2
  results+=("FAIL  Rust: logistic regression (no $rustc_bin)")
  failed=1
else
  skip "Rust: logistic regression" "no '$rustc_bin' on PATH (install rustc; INLAY_EXAMPLES_REQUIRE_RUST=1 makes this an error)"
fi

section "Summary"
printf '%s\n' "${results[@]}"
if [[ "$failed" != 0 ]]; then
  echo "run.sh: some examples FAILED" >&2
  exit 1
fi
echo "all examples passed"
