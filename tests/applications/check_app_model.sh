#!/usr/bin/env bash
# Checks one model folder written by tools/realmodels/make_app_models.py against the real Keras:
#   - `inlay summary model.keras` is summary.txt character for character;
#   - `inlay predict --expect` at batch 1 and 3 is within atol + rtol * |ref| (default 1e-4 + 1e-4 * |ref|) of
#     Keras's outputs (expected*_b<batch>.npy), for model.keras; when the folder holds them, also model.h5 and
#     tfjs/model.json against tf_keras's outputs (expected_tf_keras*_b<batch>.npy).
# usage: check_app_model.sh INLAY_BINARY MODEL_DIR [ATOL RTOL]
# With a folder of folders instead (--all DIR): checks every model folder in it; exits 77 (CTest's skip code)
# when DIR does not exist or holds no model.
# A folder may hold tolerance.txt: "ATOL RTOL" on its first line, then why (measured) - for a model whose
# float32 rounding Keras itself does not reproduce within the default (its float32 vs float64 outputs).
set -u
inlay="$1"

# The --input / --expect arguments of one batch: one file per model input / output, in order.
npy_args() {  # npy_args DIR FLAG PREFIX BATCH
  local dir="$1" flag="$2" prefix="$3" batch="$4" f
  if [[ -f "$dir/${prefix}_b$batch.npy" ]]; then
    printf '%s\n%s\n' "$flag" "$dir/${prefix}_b$batch.npy"
    return
  fi
  for f in $(ls "$dir" | grep -E "^${prefix}_[0-9]+_b$batch\.npy$" | sort -t_ -k2,2n); do
    printf '%s\n%s\n' "$flag" "$dir/$f"
  done
}

check_predict() {  # check_predict DIR MODEL_FILE EXPECT_PREFIX
  local dir="$1" file="$2" prefix="$3" batch out status=0 atol="$atol" rtol="$rtol"
  if [[ -f "$dir/tolerance.txt" ]]; then read -r atol rtol < "$dir/tolerance.txt"; fi
  for batch in 1 3; do
    mapfile -t args < <(npy_args "$dir" --input input "$batch"; npy_args "$dir" --expect "$prefix" "$batch")
    if out=$("$inlay" predict "$file" "${args[@]}" --atol "$atol" --rtol "$rtol" 2>&1); then
      echo "PASS predict $(basename "$dir")/${file#"$dir"/} batch $batch: $(echo "$out" | grep -o 'max |difference| [^,]*' | tr '\n' ' ')"
    else
      echo "FAIL predict $(basename "$dir")/${file#"$dir"/} batch $batch: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
      status=1
    fi
  done
  return $status
}

check_summary() {  # check_summary DIR: byte for byte (a file, so trailing newlines count too)
  local dir="$1" got status=0
  got=$(mktemp)
  if ! "$inlay" summary "$dir/model.keras" > "$got" 2>&1; then
    echo "FAIL summary $(basename "$dir"): $(tail -n 2 "$got" | tr '\n' ' ')"
    status=1
  elif cmp -s "$got" "$dir/summary.txt"; then
    echo "PASS summary $(basename "$dir")"
  else
    echo "FAIL summary $(basename "$dir"): differs from Keras's model.summary() (< Keras, > inlay):"
    diff "$dir/summary.txt" "$got" | head -n 20
    status=1
  fi
  rm -f "$got"
  return $status
}

check_dir() {  # check_dir DIR
  local dir="$1" status=0
  check_summary "$dir" || status=1
  check_predict "$dir" "$dir/model.keras" expected || status=1
  if [[ -f "$dir/model.h5" ]]; then check_predict "$dir" "$dir/model.h5" expected_tf_keras || status=1; fi
  if [[ -f "$dir/tfjs/model.json" ]]; then check_predict "$dir" "$dir/tfjs/model.json" expected_tf_keras || status=1; fi
  return $status
}

if [[ "$2" == "--all" ]]; then
  root="${3:-}"
  atol="${4:-1e-4}"
  rtol="${5:-1e-4}"
  if [[ -z "$root" || ! -d "$root" ]] || ! ls "$root"/*/model.keras > /dev/null 2>&1; then
    echo "no models in '${root}' (make them with tools/realmodels/make_app_models.py full $root): skipped"
    exit 77
  fi
  status=0
  for dir in "$root"/*/; do
    [[ -f "$dir/model.keras" ]] && { check_dir "${dir%/}" || status=1; }
  done
  exit $status
fi
atol="${3:-1e-4}"
rtol="${4:-1e-4}"
check_dir "$2"
