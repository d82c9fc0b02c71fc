#!/usr/bin/env bash
# Runs `inlay predict --expect` on every model make_real_models.py wrote into DIR; prints one line per file and
# exits non-zero if any file fails to load or differs from Keras by more than 1e-5 of the output's largest
# magnitude (random weights give logits of 1e1..1e8 through 50+ layers, where float32 rounding in sums is
# relative to that scale, not to each value) plus rtol 1e-4.
# usage: tools/realmodels/check_real_models.sh DIR [INLAY_BINARY]
set -u
dir="$1"
inlay="${2:-build/release/tools/inlay/inlay}"
status=0
for input in "$dir"/*.input.npy; do
  name="${input%.input.npy}"
  for file in "$name.keras" "$name.h5"; do
    [[ -f "$file" ]] || continue
    atol=$(/usr/bin/python3 -c "import numpy as np, sys; print(1e-5 * float(np.abs(np.load(sys.argv[1])).max()))" "$file.expect.npy")
    start=$(date +%s.%N)
    if out=$("$inlay" predict "$file" -i "$input" --expect "$file.expect.npy" --atol "$atol" --rtol 1e-4 2>&1); then
      printf '%-40s OK   %6.2f s  %s\n' "$(basename "$file")" "$(echo "$(date +%s.%N) - $start" | bc)" "$(echo "$out" | tail -n 1)"
    else
      printf '%-40s FAIL %s\n' "$(basename "$file")" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
      status=1
    fi
  done
done
exit $status
