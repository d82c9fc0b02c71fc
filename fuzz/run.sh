#!/usr/bin/env bash
# Runs the libFuzzer targets built by the fuzz preset, each for a bounded time, one after the other, on one
# core. Builds nothing:
#
#   cmake --preset fuzz && cmake --build --preset fuzz -j2
#   fuzz/run.sh SECONDS [TARGET...]        (default: every target; TARGET is e.g. predict or fuzz_predict)
#
# Each target starts from a scratch copy of its committed corpus (fuzz/corpus/<target>) plus its
# regression inputs (fuzz/regressions/<target>), so the committed corpus never grows; new inputs and crash
# files stay in the scratch directory ($INLAY_FUZZ_WORK, default build/fuzz/work/<target>), which the
# summary names. Options: -rss_limit_mb=2048 -timeout=10 -print_final_stats=1, the target's dictionary,
# a -max_len fit for its inputs; extra libFuzzer options can be given in $INLAY_FUZZ_ARGS.
#
# Prints per target the executions, coverage (cov), corpus size and whether it crashed (a crash, leak,
# sanitizer report, timeout or OOM); exits non-zero when any target did.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bin_dir="${INLAY_FUZZ_BIN_DIR:-$root/build/fuzz/fuzz}"
work_root="${INLAY_FUZZ_WORK:-$root/build/fuzz/work}"
all_targets=(input_kwargs spec_from_json model_from_json model_load_keras model_load_tfjs predict npy hdf5)

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [TARGET...]   (targets: ${all_targets[*]})" >&2
  exit 2
fi
seconds="$1"
shift
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")

# Per target: dictionary and the largest input worth generating.
declare -A dict=([input_kwargs]=json.dict [spec_from_json]=json.dict [model_from_json]=keras.dict
                 [model_load_keras]=keras.dict [model_load_tfjs]=keras.dict [predict]= [npy]=npy.dict
                 [hdf5]=hdf5.dict)
declare -A max_len=([input_kwargs]=16384 [spec_from_json]=16384 [model_from_json]=131072
                    [model_load_keras]=131072 [model_load_tfjs]=65536 [predict]=4096 [npy]=16384
                    [hdf5]=65536)

export OMP_NUM_THREADS=1  # single core; the harnesses also set one thread per model

failed=0
summary=()
for target in "${targets[@]}"; do
  target="${target#fuzz_}"
  exe="$bin_dir/fuzz_$target"
  if [[ ! -x "$exe" ]]; then
    echo "error: $exe not found; build it first: cmake --preset fuzz && cmake --build --preset fuzz -j2" >&2
    exit 2
  fi
  work="$work_root/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
  work="$(cd "$work" && pwd)"  # absolute: the fuzzer runs from inside it
  exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
  cp "$here/corpus/$target/"* "$work/corpus/" 2>/dev/null || true
  if [[ -d "$here/regressions/$target" ]]; then
    for f in "$here/regressions/$target/"*; do
      [[ -f "$f" ]] && cp "$f" "$work/corpus/regression-$(basename "$f")"
    done
  fi
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -jobs=1 -workers=1
        -max_len="${max_len[$target]}" -artifact_prefix="$work/artifacts/")
  [[ -n "${dict[$target]}" ]] && args+=(-dict="$here/dict/${dict[$target]}")
  # shellcheck disable=SC2206
  args+=(${INLAY_FUZZ_ARGS:-})
  log="$work/fuzz.log"
  echo "== fuzz_$target: ${seconds}s (log: $log)"
  start=$(date +%s)
  # From the work directory: -jobs makes libFuzzer write fuzz-<job>.log into the current directory.
  (cd "$work" && TMPDIR="$work/tmp" "$exe" "${args[@]}" "$work/corpus") >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [[ -z "$execs" ]]; then  # no final stats (a crash): the last status line's count
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  corpus_n=$(find "$work/corpus" -type f | wc -l)
  artifacts=$(find "$work/artifacts" -type f | wc -l)
  if [[ $rc -eq 0 && $artifacts -eq 0 ]]; then
    result="ok"
  else
    result="CRASHED (exit $rc; $(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)[^(]*|SUMMARY: [^\n]*|runtime error: .*|contract violated: .*' "$log" | head -1); artifacts in $work/artifacts)"
    failed=1
  fi
  line=$(printf '%-18s %4ss  execs %-9s cov %-6s corpus %-5s %s' "$target" "$elapsed" "${execs:-?}" "${cov:-?}" \
         "$corpus_n" "$result")
  echo "$line"
  summary+=("$line")
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $failed
