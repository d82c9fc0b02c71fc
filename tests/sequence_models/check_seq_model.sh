#!/usr/bin/env bash
# Checks one file format of one model folder written by tools/realmodels/make_seq_models.py against the real
# Keras, with the `inlay` tool:
#   keras: `inlay summary model.keras` is summary.txt character for character, and `inlay predict --expect`
#          of model.keras is within atol + rtol * |ref| of Keras 3's outputs (expected*_b<batch>.npy);
#   h5:    `inlay predict` of model.h5 against tf_keras's outputs (expected_tf_keras*_b<batch>.npy);
#   tfjs:  `inlay predict` of tfjs/model.json against tf_keras's outputs;
# at batch 1 and 8 (the inputs input*_b<batch>.npy: int32 token ids or float32, as the model's inputs take).
# usage: check_seq_model.sh INLAY_BINARY MODEL_DIR keras|h5|tfjs [ATOL RTOL]   (default 1e-4 1e-4)
# Exits 77 (CTest's skip code) when the folder has no file of that format.
set -u
inlay="$1" dir="$2" format="$3" atol="${4:-1e-4}" rtol="${5:-1e-4}"
name=$(basename "$dir")

# The --input / --expect arguments of one batch: one file per model input / output, in order
# (<prefix>_b<batch>.npy for one, <prefix>_<i>_b<batch>.npy for several).
npy_args() {  # npy_args FLAG PREFIX BATCH
  local flag="$1" prefix="$2" batch="$3" f
  if [[ -f "$dir/${prefix}_b$batch.npy" ]]; then
    printf '%s\n%s\n' "$flag" "$dir/${prefix}_b$batch.npy"
    return
  fi
  for f in $(ls "$dir" | grep -E "^${prefix}_[0-9]+_b$batch\.npy$" | sort -t_ -k2,2n); do
    printf '%s\n%s\n' "$flag" "$dir/$f"
  done
}

check_predict() {  # check_predict MODEL_FILE EXPECT_PREFIX
  local file="$1" prefix="$2" batch out status=0
  for batch in 1 8; do
    mapfile -t args < <(npy_args --input input "$batch"; npy_args --expect "$prefix" "$batch")
    if out=$("$inlay" predict "$file" "${args[@]}" --atol "$atol" --rtol "$rtol" 2>&1); then
      echo "PASS predict $name/${file#"$dir"/} batch $batch: $(echo "$out" | grep -o 'max |difference| [^,]*' | tr '\n' ' ')"
    else
      echo "FAIL predict $name/${file#"$dir"/} batch $batch: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
      status=1
    fi
  done
  return $status
}

check_summary() {  # byte for byte (a file, so trailing newlines count too)
  local got status=0
  got=$(mktemp)
  if ! "$inlay" summary "$dir/model.keras" > "$got" 2>&1; then
    echo "FAIL summary $name: $(tail -n 2 "$got" | tr '\n' ' ')"
    status=1
  elif cmp -s "$got" "$dir/summary.txt"; then
    echo "PASS summary $name"
  else
    echo "FAIL summary $name: differs from Keras's model.summary() (< Keras, > inlay):"
    diff "$dir/summary.txt" "$got" | head -n 20
    status=1
  fi
  rm -f "$got"
  return $status
}

case "$format" in
  keras) file="$dir/model.keras" prefix=expected ;;
  h5) file="$dir/model.h5" prefix=expected_tf_keras ;;
  tfjs) file="$dir/tfjs/model.json" prefix=expected_tf_keras ;;
  *) echo "unknown format '$format' (keras, h5 or tfjs)"; exit 2 ;;
esac
if [[ ! -f "$file" ]]; then
  echo "$name has no $format file ($file): skipped"
  exit 77
fi
status=0
if [[ "$format" == keras ]]; then check_summary || status=1; fi
check_predict "$file" "$prefix" || status=1
exit $status
