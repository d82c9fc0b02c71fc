#!/usr/bin/env bash
# One command: inlay and raw oneDNN (bench/overhead.cpp), ONNX Runtime and PyTorch (bench/peers.py) on the same
# Keras models (bench/models.py), shapes and thread counts; writes JSON and a Markdown report (bench/report.py).
#
#   bench/run.sh [--quick] [--strict] [--threads T] [--out DIR] [--build DIR] [--time S] [--no-build] [--venv DIR]
#                [--cases ID,...]
# The sequence cases (lstm_text, transformer) run through bench/seq.py instead (inlay's `inlay bench`, ONNX
# Runtime via tf2onnx, PyTorch): --cases lstm_text,transformer.
# The real-model benchmark (issue 19: keras.applications models, the MNIST convnet, LSTM and Transformer against
# ONNX Runtime, OpenVINO, LiteRT, TensorFlow, PyTorch; contention case) runs through bench/real_models.py:
# --cases apps (alone or with others).
#
# See bench/README.md, "The peer comparison".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=0
STRICT=0
THREADS=2
OUT=build/bench-report
BUILD=build/release
VENV=${INLAY_BENCH_VENV:-.venv-bench}
TIME=
DO_BUILD=1
THREADS_GIVEN=0
CASES=logreg,cnn,dense4096,conv56,conv7x7s2
SEQ_KNOWN=lstm_text,transformer
# bench/real_models.py needs Keras 3 + TensorFlow + tf2onnx + onnxruntime + openvino (the project's .venv-keras).
APPS_PY=${INLAY_APPS_PYTHON:-.venv-keras/bin/python}
# bench/seq.py needs Keras with TensorFlow, tf2onnx and onnxruntime (the fixture venv has them) and a Python with
# torch (Debian's python3-torch).
SEQ_PY=${INLAY_SEQ_PYTHON:-/tmp/kvenv/bin/python}
TORCH_PY=${INLAY_TORCH_PYTHON:-/usr/bin/python3}

usage() {
  cat <<EOF
usage: bench/run.sh [--quick] [--strict] [--threads T] [--out DIR] [--build DIR] [--time S] [--no-build] [--venv DIR]
  --quick      short measurements (a smoke run; numbers are rough)
  --strict     inlay in INLAY_PRECISION_FLOAT32_STRICT (every convolution direct) and raw oneDNN likewise;
               default: both use Winograd's algorithm where inlay's float32 does
  --threads T  threads of every implementation (default 2): OMP_NUM_THREADS=T for inlay / raw oneDNN,
               intra_op_num_threads=T for ONNX Runtime, torch.set_num_threads(T) for PyTorch
  --out DIR    where the models, JSON and report go (default build/bench-report)
  --build DIR  CMake build directory with the inlay_bench_overhead target (default build/release)
  --time S     seconds of timed calls per implementation and measurement (default 0.5; --quick: the
               C++ side's 0.02 and peers.py's 0.05)
  --no-build   do not run 'cmake --build' (use the binary as it is)
  --venv DIR   the Python venv (default .venv-bench, or \$INLAY_BENCH_VENV)
  --cases IDS  comma-separated cases (default: $CASES); the sequence cases $SEQ_KNOWN run through
               bench/seq.py (batches 1 and 32, cold and warm, inlay vs ONNX Runtime vs PyTorch) with
               \$INLAY_SEQ_PYTHON (default /tmp/kvenv/bin/python: keras, tensorflow, tf2onnx, onnxruntime) and
               \$INLAY_TORCH_PYTHON (default /usr/bin/python3, with torch); the case "apps" runs the
               real-model benchmark (bench/real_models.py: ResNet50, InceptionV3, DenseNet121, MobileNetV2,
               EfficientNetB0, VGG16, the MNIST convnet, LSTM, Transformer; batches 1 and 16, threads 1 and 2
               (with --threads T: T only), inlay vs ONNX Runtime, OpenVINO, LiteRT, TensorFlow, PyTorch, plus
               the contention case) with \$INLAY_APPS_PYTHON (default .venv-keras/bin/python); output in
               OUT/real; --quick: batch 1, 2 threads, short timings
Paths are relative to the repository root.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --strict) STRICT=1 ;;
    --threads) THREADS=${2:?--threads needs a value}; THREADS_GIVEN=1; shift ;;
    --out) OUT=${2:?--out needs a value}; shift ;;
    --build) BUILD=${2:?--build needs a value}; shift ;;
    --time) TIME=${2:?--time needs a value}; shift ;;
    --venv) VENV=${2:?--venv needs a value}; shift ;;
    --no-build) DO_BUILD=0 ;;
    --cases) CASES=${2:?--cases needs a value}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$THREADS" in ''|*[!0-9]*|0) echo "run.sh: --threads must be a positive integer" >&2; exit 2 ;; esac

cd "$ROOT"
PY=$VENV/bin/python
say() { printf '\n== %s\n' "$*"; }

# --- Sequence cases: bench/seq.py; real models: bench/real_models.py; then the other cases (if any) as below.
seq=() rest=() apps=0
for c in ${CASES//,/ }; do
  if [[ ",$SEQ_KNOWN," == *",$c,"* ]]; then seq+=("$c");
  elif [ "$c" = apps ]; then apps=1;
  else rest+=("$c"); fi
done
CASES=$(IFS=,; echo "${rest[*]}")
if [ "$apps" = 1 ]; then
  TOOL=$BUILD/tools/inlay/inlay
  if [ "$DO_BUILD" = 1 ]; then
    [ -f "$BUILD/CMakeCache.txt" ] || { [ "$BUILD" = build/release ] && cmake --preset release; }
    say "building the inlay tool and library in $BUILD"
    cmake --build "$BUILD" --target inlay_tool
  fi
  [ -x "$TOOL" ] || { echo "run.sh: $TOOL not found (build it: cmake --build $BUILD --target inlay_tool)" >&2; exit 1; }
  [ -x "$APPS_PY" ] || { echo "run.sh: no Python at $APPS_PY (set INLAY_APPS_PYTHON: keras 3, tensorflow," \
                                 "tf2onnx, onnxruntime, openvino)" >&2; exit 1; }
  say "real models (bench/real_models.py: inlay, ONNX Runtime, OpenVINO, LiteRT, TensorFlow, PyTorch)"
  rargs=(--inlay "$TOOL" --lib "$BUILD/libinlay.so" --out "$OUT/real" --torch-python "$TORCH_PY")
  [ "$QUICK" = 1 ] && rargs+=(--quick)
  [ "$THREADS_GIVEN" = 1 ] && rargs+=(--threads "$THREADS")
  KERAS_BACKEND=tensorflow "$APPS_PY" bench/real_models.py "${rargs[@]}"
  [ -n "$CASES" ] || [ ${#seq[@]} -gt 0 ] || exit 0
fi
if [ ${#seq[@]} -gt 0 ]; then
  TOOL=$BUILD/tools/inlay/inlay
  if [ "$DO_BUILD" = 1 ]; then
    [ -f "$BUILD/CMakeCache.txt" ] || { [ "$BUILD" = build/release ] && cmake --preset release; }
    say "building the inlay tool in $BUILD"
    cmake --build "$BUILD" --target inlay_tool
  fi
  [ -x "$TOOL" ] || { echo "run.sh: $TOOL not found (build it: cmake --build $BUILD --target inlay_tool)" >&2; exit 1; }
  say "sequence models (bench/seq.py: inlay, ONNX Runtime, PyTorch; $THREADS threads)"
  sargs=(--inlay "$TOOL" --out "$OUT/seq" --threads "$THREADS" --cases "$(IFS=,; echo "${seq[*]}")"
         --torch-python "$TORCH_PY")
  [ "$QUICK" = 1 ] && sargs+=(--quick)
  OMP_NUM_THREADS=$THREADS KERAS_BACKEND=tensorflow "$SEQ_PY" bench/seq.py "${sargs[@]}"
  [ -n "$CASES" ] || exit 0
fi

# --- Python side: the venv (Keras, ONNX, ONNX Runtime) and Debian's PyTorch through system site packages.
if [ ! -x "$PY" ]; then
  cat >&2 <<EOF
run.sh: no Python venv at $VENV. Create it (Debian 12) with:

  python3 -m venv --system-site-packages $VENV && $VENV/bin/pip install -r bench/requirements.txt
  sudo apt-get install -y --no-install-recommends python3-torch

(and, for PyTorch's nn.Linear to run on an optimized BLAS rather than the reference one:
  sudo apt-get install -y --no-install-recommends libopenblas0-openmp)
EOF
  exit 1
fi
if ! missing=$("$PY" - <<'EOF'
import importlib.util
mods = {"keras": "pip install -r bench/requirements.txt", "jax": "pip install -r bench/requirements.txt",
        "onnx": "pip install -r bench/requirements.txt", "onnxruntime": "pip install -r bench/requirements.txt",
        "torch": "apt-get install -y --no-install-recommends python3-torch"}
bad = [f"{m} ({how})" for m, how in mods.items() if importlib.util.find_spec(m) is None]
print("; ".join(bad))
raise SystemExit(1 if bad else 0)
EOF
); then
  echo "run.sh: missing in $VENV: $missing" >&2
  exit 1
fi

# --- C++ side.
BIN=$BUILD/bench/inlay_bench_overhead
if [ "$DO_BUILD" = 1 ]; then
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    if [ "$BUILD" = build/release ]; then
      say "configuring $BUILD (cmake --preset release)"
      cmake --preset release
    else
      echo "run.sh: $BUILD is not a configured CMake build directory" >&2
      exit 1
    fi
  fi
  say "building inlay_bench_overhead in $BUILD"
  cmake --build "$BUILD" --target inlay_bench_overhead
fi
if [ ! -x "$BIN" ]; then
  echo "run.sh: $BIN not found (build it: cmake --build $BUILD --target inlay_bench_overhead)" >&2
  exit 1
fi

mkdir -p "$OUT"
export KERAS_BACKEND=numpy JAX_PLATFORMS=cpu TF_CPP_MIN_LOG_LEVEL=3
# One thread count for everyone: OpenMP (inlay, raw oneDNN, PyTorch, OpenBLAS), MKL if present.
export OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS

say "models (bench/models.py -> $OUT/models)"
"$PY" bench/models.py --out "$OUT/models" --cases "$CASES" --threads "$THREADS"

say "inlay and raw oneDNN ($BIN, OMP_NUM_THREADS=$THREADS)"
help=$("$BIN" --help 2>&1 || true)
args=(--json "$OUT/inlay.json")
[ "$QUICK" = 1 ] && args+=(--quick)
[ "$STRICT" = 1 ] && args+=(--strict)
[ -n "$TIME" ] && args+=(--time "$TIME")
if grep -q -- '--models' <<<"$help"; then
  args+=(--models "$OUT/models")
else
  echo "run.sh: note: $BIN has no --models option; it runs its own built-in copies of the models" \
       "(same shapes, its own weights and inputs), so inlay is not checked against Keras here" >&2
fi
# The cases the peers run, where the binary knows them (its other workloads would only add time).
only=()
for c in ${CASES//,/ }; do
  grep -qw -- "$c" <<<"$help" && only+=("$c")
done
if [ ${#only[@]} -gt 0 ]; then
  args+=(--only "$(IFS=,; echo "${only[*]}")")
fi
"$BIN" "${args[@]}"

say "ONNX Runtime and PyTorch (bench/peers.py, $THREADS threads)"
pargs=(--models "$OUT/models" --json "$OUT/peers.json" --threads "$THREADS")
[ "$QUICK" = 1 ] && pargs+=(--quick)
[ -n "$TIME" ] && pargs+=(--time "$TIME")
"$PY" bench/peers.py "${pargs[@]}"

say "report (bench/report.py)"
"$PY" bench/report.py "$OUT/inlay.json" "$OUT/peers.json" --cases "$OUT/models/cases.json" \
  --md "$OUT/report.md" --json "$OUT/report.json"
echo
cat "$OUT/report.md"
echo
echo "run.sh: wrote $OUT/report.md, $OUT/report.json ($OUT/inlay.json, $OUT/peers.json, models in $OUT/models)"
