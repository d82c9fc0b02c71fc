#!/usr/bin/env python3
"""Where one warm inlay predict spends its time, by oneDNN primitive kind and implementation.

    python3 bench/onednn_profile.py --inlay build-lead/tools/inlay/inlay MODEL.keras --batch 1 --threads 2
        [--iterations 3] [--top 12]

Runs `ONEDNN_VERBOSE=1 inlay bench MODEL --batch B --threads T --warmup 1 --iterations N` (oneDNN prints one
`onednn_verbose,exec,...,<ms>` line per executed primitive; the last field is its time). Every predict of one plan
executes the same primitive sequence: the last call is the shortest tail of exec lines that repeats just before
itself. Prints its primitives summed per kind (convolution, binary, reorder, ...) and per kind +
implementation (jit:avx512_core, brgconv, ref:any, ...), the number of executions of each, and the bench's median
minus their sum where positive (inlay's own code and gaps between primitives). Verbose printing slows every
primitive a little, and the last call need not be the median one: read shares, not absolute times.
"""
import argparse
import collections
import os
import re
import subprocess


def last_call(execs):
    """The exec lines of the last predict: the shortest tail that repeats the same primitives just before it (the
    first call also runs one-time weight reorders, so the lines do not split evenly over the calls)."""
    sigs = [",".join(f[3:-1]) for f in execs]
    for k in range(1, len(sigs) // 2 + 1):
        if sigs[-k:] == sigs[-2 * k:-k]:
            return execs[-k:]
    raise SystemExit("onednn_profile.py: no repeating call found in the verbose output (too few --iterations?)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inlay", required=True)
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    cmd = [args.inlay, "bench", args.model, "--batch", str(args.batch), "--threads", str(args.threads),
           "--warmup", "1", "--iterations", str(args.iterations)]
    env = dict(os.environ, ONEDNN_VERBOSE="1", DNNL_VERBOSE="1", OMP_NUM_THREADS=str(args.threads))
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    execs = [ln.split(",") for ln in r.stdout.splitlines() if re.match(r"(onednn|dnnl)_verbose,exec,", ln)]
    last = last_call(execs)
    by_kind, by_impl = collections.defaultdict(lambda: [0.0, 0]), collections.defaultdict(lambda: [0.0, 0])
    for f in last:
        ms = float(f[-1])
        by_kind[f[3]][0] += ms
        by_kind[f[3]][1] += 1
        by_impl[(f[3], f[4])][0] += ms
        by_impl[(f[3], f[4])][1] += 1
    median = float(re.search(r"median ([0-9.]+) ms", r.stdout).group(1))
    total = sum(v[0] for v in by_kind.values())
    print(f"{args.model} batch {args.batch}, {args.threads} thread(s): bench median {median:.2f} ms "
          f"(with verbose), primitives of one warm call {total:.2f} ms in {len(last)} executions")
    print("\n| primitive kind | ms | share of the primitives' time | executions |\n|---|---|---|---|")
    for k, (ms, n) in sorted(by_kind.items(), key=lambda kv: -kv[1][0]):
        print(f"| {k} | {ms:.2f} | {100 * ms / total:.1f} % | {n} |")
    if median > total:
        print(f"| (outside oneDNN primitives: median - sum) | {median - total:.2f} | | |")
    print("\n| kind | implementation | ms | executions |\n|---|---|---|---|")
    for (k, impl), (ms, n) in sorted(by_impl.items(), key=lambda kv: -kv[1][0])[:args.top]:
        print(f"| {k} | {impl} | {ms:.2f} | {n} |")


if __name__ == "__main__":
    main()
