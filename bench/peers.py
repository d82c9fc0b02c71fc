#!/usr/bin/env python3
"""Times ONNX Runtime and PyTorch on the models bench/models.py wrote, the way bench/overhead.cpp times inlay.

    python bench/peers.py --models DIR --json OUT.json [--threads T] [--time S] [--quick]
                          [--impl onnxruntime,pytorch] [--cases id,...]

Implementations (one JSON result each per case and batch):

* ``onnxruntime``        ``InferenceSession(model.onnx)`` (CPUExecutionProvider, intra_op_num_threads=T,
                         inter_op_num_threads=1, ORT_ENABLE_ALL, sequential), called through an IOBinding
                         whose input and preallocated output are bound once: ``sess.run_with_iobinding(io)``.
* ``onnxruntime (run)``  the same session through plain ``sess.run(["output"], {"input": x})`` (what most
                         code calls; allocates the output every call).
* ``pytorch``            an ``nn.Sequential`` of the same layers (models.build_torch_module), weights from
                         model.pt, ``eval()``, called under ``torch.inference_mode()``.
* ``pytorch (jit)``      the same module through ``torch.jit.trace`` + ``torch.jit.freeze`` +
                         ``torch.jit.optimize_for_inference``.

Each library runs in its own worker subprocess (``--worker``), with torch.set_num_threads(T) /
set_num_interop_threads(1) resp. the session options above, and OMP_NUM_THREADS=T in its environment. Inputs
are in the peers' layout (NCHW for the conv models), transposed once and never timed.

What is measured, as bench/overhead.cpp does for inlay:

* cold: a single shot, in the worker before any warm call of any case: for ONNX Runtime a new session
  created from model.onnx + the first run (io_binding set-up included for ``onnxruntime``); for PyTorch
  constructing the module + ``torch.load`` of model.pt + ``load_state_dict`` + the first forward (+ trace,
  freeze and optimize_for_inference for the jit variant). Like the C++ side, a one-time library start-up
  (import, thread pools, a first run of a tiny unrelated model) happens before the first cold measurement,
  so cold = "load a model and run it once in a process that already uses the library".
* warm: warm-up (>= 5 calls and >= 0.1 s; --quick: >= 2 calls and >= 0.02 s), then N individually timed
  calls (time.perf_counter_ns, garbage collector off), N scaled so that each implementation runs ~--time s
  (at least 15 calls; --quick: 5), in 5 rounds alternating the two variants of a library. min / median /
  p90 in us, samples/s and GFLOP/s from the median, and max |output - keras_b<B>.npy|.
"""

import argparse
import gc
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402  (the shared case definitions; imports nothing heavy)

GROUPS = {
    "onnxruntime": ["onnxruntime", "onnxruntime (run)"],
    "pytorch": ["pytorch", "pytorch (jit)"],
}


class Timing:
    def __init__(self, target_s, quick):
        self.target_s = target_s
        self.warm_calls = 2 if quick else 5
        self.warm_s = 0.02 if quick else 0.1
        self.min_iters = 5 if quick else 15
        self.max_iters = 1_000_000
        self.rounds = 5


def warm(fn, t):
    pc = time.perf_counter
    t0 = pc()
    calls = 0
    while calls < t.warm_calls or pc() - t0 < t.warm_s:
        fn()
        calls += 1
    return (pc() - t0) / calls


def time_group(fns, t):
    """fns: name -> zero-argument callable. Returns name -> list of per-call times in us; the rounds of the
    implementations alternate, so drift in clock speed or machine load hits them alike."""
    per_call = {name: warm(fn, t) for name, fn in fns.items()}
    n = {name: min(max(int(t.target_s / max(pc, 1e-9)), t.min_iters), t.max_iters) for name, pc in per_call.items()}
    samples = {name: [] for name in fns}
    pc = time.perf_counter_ns
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for r in range(t.rounds):
            for name, fn in fns.items():
                k = n[name] * (r + 1) // t.rounds - n[name] * r // t.rounds
                out = samples[name]
                for _ in range(k):
                    t0 = pc()
                    fn()
                    out.append(pc() - t0)
    finally:
        if gc_was:
            gc.enable()
    return {name: [s * 1e-3 for s in v] for name, v in samples.items()}


def summarize(samples_us):
    s = sorted(samples_us)
    n = len(s)
    median = s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])
    return {"min_us": s[0], "median_us": median, "p90_us": s[math.ceil(0.9 * n) - 1], "iterations": n}


def max_abs_diff(ref, got_peer_layout):
    got = models.from_peer_layout(np.asarray(got_peer_layout))
    if got.shape != ref.shape:
        raise SystemExit(f"peers.py: output shape {got.shape} != Keras's {ref.shape}")
    d = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64))))
    scale = float(np.max(np.abs(ref)))
    if not np.all(np.isfinite(got)) or not d <= models.REL_TOL * max(scale, 1e-30):
        raise SystemExit(f"peers.py: output disagrees with Keras: max |diff| {d:.3e}, scale {scale:.3e}")
    return d


def load_case_data(models_dir, case, batch):
    d = os.path.join(models_dir, case["id"])
    x = np.load(os.path.join(d, f"input_b{batch}.npy"))
    ref = np.load(os.path.join(d, f"keras_b{batch}.npy"))
    return models.to_peer_layout(x), ref


def result(case, batch, impl, cold_us, samples_us, diff):
    st = summarize(samples_us)
    per_s = batch / (st["median_us"] * 1e-6)
    return {"workload": case["id"], "batch": batch, "impl": impl, "cold_us": cold_us, **st,
            "samples_per_s": per_s, "gflop_per_s": case["flops_per_sample"] * per_s * 1e-9, "max_abs_diff": diff}


def loaded_libraries(words):
    """Shared objects in this process whose path contains one of words (which BLAS / OpenMP / oneDNN)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1] if len(line.split()) >= 6 else ""
                if p.startswith("/") and any(w in os.path.basename(p) for w in words):
                    found.add(os.path.realpath(p))
    except OSError:
        pass
    return sorted(found)


# ---------------------------------------------------------------------------------------- ONNX Runtime

def worker_onnxruntime(args, cases, t):
    import onnxruntime as ort

    def session(path):
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])

    def bind(sess, x, y):
        # Input and output are bound to x's and y's memory (no copies): both must outlive the binding.
        io = sess.io_binding()
        xv = ort.OrtValue.ortvalue_from_numpy(x)
        io.bind_ortvalue_input("input", xv)
        io.bind_output("output", "cpu", 0, np.float32, list(y.shape), y.ctypes.data)
        io.keep_alive = (xv, x, y)
        return io

    def out_shape(case, batch):
        return [batch] + models.nchw(case["output_shape"])

    # One-time start-up outside the cold measurements: a session of the smallest model at a batch size
    # no case uses, through both APIs (the first IOBinding / OrtValue use has a one-time cost too).
    first = min(cases, key=lambda c: c["flops_per_sample"])
    s0 = session(os.path.join(args.models, first["id"], "model.onnx"))
    x0 = np.zeros([3] + first["input_shape_nchw"], np.float32)
    s0.run(["output"], {"input": x0})
    io0 = bind(s0, x0, np.empty([3] + models.nchw(first["output_shape"]), np.float32))
    s0.run_with_iobinding(io0)
    del io0, s0

    cold = {}
    for case in cases:
        path = os.path.join(args.models, case["id"], "model.onnx")
        for b in case["batches"]:
            x, _ = load_case_data(args.models, case, b)
            y = np.empty(out_shape(case, b), np.float32)
            t0 = time.perf_counter_ns()
            sess = session(path)
            io = bind(sess, x, y)
            sess.run_with_iobinding(io)
            cold[(case["id"], b, "onnxruntime")] = (time.perf_counter_ns() - t0) * 1e-3
            del io, sess
            t0 = time.perf_counter_ns()
            sess = session(path)
            sess.run(["output"], {"input": x})
            cold[(case["id"], b, "onnxruntime (run)")] = (time.perf_counter_ns() - t0) * 1e-3
            del sess

    results = []
    for case in cases:
        sess = session(os.path.join(args.models, case["id"], "model.onnx"))
        for b in case["batches"]:
            x, ref = load_case_data(args.models, case, b)
            y = np.empty(out_shape(case, b), np.float32)
            io = bind(sess, x, y)
            last = {}

            def run_plain(sess=sess, x=x, last=last):
                last["y"] = sess.run(["output"], {"input": x})[0]

            fns = {"onnxruntime": lambda sess=sess, io=io: sess.run_with_iobinding(io),
                   "onnxruntime (run)": run_plain}
            progress(case, b, "onnxruntime")
            samples = time_group(fns, t)
            y.fill(np.nan)
            sess.run_with_iobinding(io)  # the preallocated output, poisoned first: every element written
            results.append(result(case, b, "onnxruntime", cold[(case["id"], b, "onnxruntime")],
                                  samples["onnxruntime"], max_abs_diff(ref, y)))
            results.append(result(case, b, "onnxruntime (run)", cold[(case["id"], b, "onnxruntime (run)")],
                                  samples["onnxruntime (run)"], max_abs_diff(ref, last["y"])))
            del io
        del sess
    context = {"onnxruntime": ort.__version__, "onnxruntime_providers": ort.get_available_providers(),
               "onnxruntime_libraries": loaded_libraries(["onnxruntime", "gomp", "blas", "dnnl"])}
    return results, context


# --------------------------------------------------------------------------------------------- PyTorch

def worker_pytorch(args, cases, t):
    import torch

    # Before any work: the inter-op pool can only be sized before its first use.
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    def load(case):
        m = models.build_torch_module(case)
        m.load_state_dict(torch.load(os.path.join(args.models, case["id"], "model.pt")))
        return m.eval()

    def jit(m, x):
        # trace (without check_trace, which re-runs the model twice) + freeze (constants folded) +
        # optimize_for_inference (convolution weights prepacked for oneDNN, conv + relu fused): the fastest
        # TorchScript form torch 1.13 offers for inference.
        with torch.no_grad():
            traced = torch.jit.trace(m, x, check_trace=False)
            return torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))

    # Modules are built outside inference_mode: parameters created inside it are inference tensors, which
    # optimize_for_inference's oneDNN prepacking rejects (an internal assert in torch 1.13).

    # One-time start-up outside the cold measurements: a tiny unrelated conv + linear (OpenMP pool,
    # oneDNN and BLAS initialisation, the JIT's first use).
    tiny = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(4 * 6 * 6, 5), torch.nn.Softmax(dim=-1)).eval()
    with torch.inference_mode():
        tiny(torch.zeros(3, 2, 8, 8))
    tj = jit(tiny, torch.zeros(3, 2, 8, 8))
    with torch.inference_mode():
        for _ in range(3):
            tj(torch.zeros(3, 2, 8, 8))
    del tiny, tj

    cold = {}
    for case in cases:
        for b in case["batches"]:
            x = torch.from_numpy(load_case_data(args.models, case, b)[0])
            t0 = time.perf_counter_ns()
            m = load(case)
            with torch.inference_mode():
                m(x)
            cold[(case["id"], b, "pytorch")] = (time.perf_counter_ns() - t0) * 1e-3
            del m
            t0 = time.perf_counter_ns()
            mj = jit(load(case), x)
            with torch.inference_mode():
                mj(x)
            cold[(case["id"], b, "pytorch (jit)")] = (time.perf_counter_ns() - t0) * 1e-3
            del mj

    results = []
    for case in cases:
        m = load(case)
        for b in case["batches"]:
            xn, ref = load_case_data(args.models, case, b)
            x = torch.from_numpy(xn)
            mj = jit(m, x)
            last = {}

            def eager(m=m, x=x, last=last):
                last["pytorch"] = m(x)

            def traced(mj=mj, x=x, last=last):
                last["pytorch (jit)"] = mj(x)

            progress(case, b, "pytorch")
            with torch.inference_mode():
                samples = time_group({"pytorch": eager, "pytorch (jit)": traced}, t)
            for impl in GROUPS["pytorch"]:
                results.append(result(case, b, impl, cold[(case["id"], b, impl)], samples[impl],
                                      max_abs_diff(ref, last[impl].numpy())))
            del mj
        del m
    context = {"pytorch": torch.__version__, "pytorch_threads": torch.get_num_threads(),
               "pytorch_interop_threads": torch.get_num_interop_threads(),
               "pytorch_parallel_info": torch.__config__.parallel_info(),
               "pytorch_mkldnn": bool(torch.backends.mkldnn.is_available()),
               "pytorch_libraries": loaded_libraries(["torch", "gomp", "blas", "dnnl", "mkl"])}
    context["pytorch_blas"] = blas_kind(context["pytorch_libraries"])
    return results, context


def blas_kind(libraries):
    """Which BLAS the process loaded: Debian's torch calls sgemm from libblas.so.3, whatever the
    alternatives system (or LD_LIBRARY_PATH) points that to. nn.Linear and small convolutions run on it."""
    for p in libraries:
        name = os.path.basename(p)
        if "mkl" in name:
            return "MKL (" + p + ")"
        if "openblas" in p:
            return "OpenBLAS (" + p + ")"
    for p in libraries:
        if os.path.basename(p).startswith("libblas.so"):
            return "reference BLAS, netlib libblas3: slow, single-threaded (" + p + ")"
    return None


def progress(case, b, group):
    print(f"  peers.py: {group:<11} {case['id']:<10} batch {b} ...", flush=True)


# ------------------------------------------------------------------------------------------------ main

def read_cases(args):
    with open(os.path.join(args.models, "cases.json")) as f:
        cases = json.load(f)
    if args.cases:
        want = args.cases.split(",")
        unknown = [c for c in want if c not in [k["id"] for k in cases]]
        if unknown:
            raise SystemExit(f"peers.py: cases {unknown} are not in {args.models}/cases.json")
        cases = [c for c in cases if c["id"] in want]
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", required=True, help="the directory bench/models.py wrote")
    ap.add_argument("--json", help="write the results here (required unless --worker)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads of every implementation (default 2)")
    ap.add_argument("--time", type=float, help="seconds of timed calls per implementation and measurement "
                    "(default 0.5, --quick 0.05)")
    ap.add_argument("--quick", action="store_true", help="short measurements")
    ap.add_argument("--impl", default="onnxruntime,pytorch", help="libraries to run: onnxruntime, pytorch")
    ap.add_argument("--cases", help="comma-separated case ids (default: all in cases.json)")
    ap.add_argument("--worker", choices=sorted(GROUPS), help=argparse.SUPPRESS)
    ap.add_argument("--partial", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.time is None:
        args.time = 0.05 if args.quick else 0.5
    if args.threads < 1 or not args.time > 0:
        raise SystemExit("peers.py: --threads and --time must be positive")
    cases = read_cases(args)
    t = Timing(args.time, args.quick)

    if args.worker:
        fn = worker_onnxruntime if args.worker == "onnxruntime" else worker_pytorch
        results, context = fn(args, cases, t)
        with open(args.partial, "w") as f:
            json.dump({"results": results, "context": context}, f)
        return 0

    if not args.json:
        raise SystemExit("peers.py: --json is required")
    groups = [g for g in args.impl.split(",") if g]
    for g in groups:
        if g not in GROUPS:
            raise SystemExit(f"peers.py: unknown --impl {g} (known: {', '.join(GROUPS)})")

    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(args.threads)
    context = {"python": platform.python_version(), "numpy": np.__version__, "threads": args.threads,
               "target_s": args.time, "quick": args.quick, "machine": platform.machine(),
               "cpu": cpu_model(), "logical_cpus": os.cpu_count(),
               "cold": "single shot per (case, batch, impl) in a worker process per library, after a one-time "
                       "library start-up and before any warm call"}
    results = []
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for g in groups:
            partial = os.path.join(tmp, f"{g}.json")
            cmd = [sys.executable, os.path.abspath(__file__), "--worker", g, "--partial", partial,
                   "--models", args.models, "--threads", str(args.threads), "--time", str(args.time)]
            if args.quick:
                cmd.append("--quick")
            if args.cases:
                cmd += ["--cases", args.cases]
            print(f"peers.py: {g} ({len(cases)} cases, {args.threads} threads, ~{args.time:g} s per measurement)",
                  flush=True)
            rc = subprocess.run(cmd, env=env).returncode
            if rc != 0:
                raise SystemExit(f"peers.py: the {g} worker failed (exit {rc})")
            with open(partial) as f:
                part = json.load(f)
            results += part["results"]
            context.update(part["context"])
            if (part["context"].get("pytorch_blas") or "").startswith("reference"):
                print("peers.py: WARNING: PyTorch runs nn.Linear (and im2col convolutions) on the reference "
                      "BLAS (netlib libblas3): its numbers are far below what PyTorch can do; install "
                      "libopenblas0-openmp for representative ones", file=sys.stderr, flush=True)
    context.setdefault("onnxruntime", None)
    context.setdefault("pytorch", None)

    out = {"context": context, "results": results}
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print_table(results)
    print(f"peers.py: wrote {args.json} ({time.perf_counter() - t_start:.1f} s)")
    return 0


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def print_table(results):
    print(f"\n{'workload':<10} {'batch':>5} {'impl':<18} {'cold ms':>9} {'min us':>10} {'median us':>10} "
          f"{'p90 us':>10} {'samples/s':>11} {'GFLOP/s':>8} {'iters':>6} {'max|diff|':>9}")
    for r in results:
        print(f"{r['workload']:<10} {r['batch']:>5} {r['impl']:<18} {r['cold_us'] * 1e-3:>9.3f} {r['min_us']:>10.1f} "
              f"{r['median_us']:>10.1f} {r['p90_us']:>10.1f} {r['samples_per_s']:>11.0f} {r['gflop_per_s']:>8.2f} "
              f"{r['iterations']:>6} {r['max_abs_diff']:>9.1e}")


if __name__ == "__main__":
    sys.exit(main())
