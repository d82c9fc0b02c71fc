#!/usr/bin/env python3
"""What the Python package adds to one predict over the C call (issue 19 item 7: within 3 us).

    INLAY_LIBRARY=build/release/libinlay.so PYTHONPATH=bindings/python \\
        python3 bench/python_overhead.py [--model tests/fixtures/applications/mnist_convnet/model.keras]
            [--batches 1,16] [--threads 1] [--rounds 15] [--calls 300] [--json OUT.json]
            [--ort-python /path/to/python-with-onnxruntime-tf2onnx-keras]

One process, one loaded model (default: the MNIST convnet fixture, Keras's example), and per batch size the
same input array, timed call by call (time.perf_counter_ns, or with ``--clock thread`` the thread's CPU time;
garbage collector off) in rounds that alternate the variants so that drift hits them all alike:

* ``C call``: ``inlay_model_predict`` through the binding's ctypes declaration with everything made
  beforehand: the input wrapped once (inlay.Array), the output preallocated and wrapped once, both arrays of
  handles built once. The floor for anything calling the library from Python through ctypes.
* ``C call, library output``: the same with a NULL output entry, so the library allocates the output, and
  ``inlay_array_free`` of it after the call: the floor for ``predict(x)``, which returns a new array.
* ``predict(x)``: ``model.predict(x)`` (the output viewed as NumPy, zero-copy).
* ``predict(x, out=y)``: ``model.predict(x, out=y)`` into a preallocated array.

Each predict variant's output is checked against the C call's before timing (and, for the fixture's own
batch-1 input, against Keras's recorded output). Reported: median and p90 per call in us, and each predict
variant's median minus its floor's median (``predict(x, out=y)`` against ``C call``, ``predict(x)`` against
``C call, library output``) and against the plain ``C call``, each as the median over rounds of the
difference of the two medians in the round (robust to a slow stretch of a shared machine). Then, in a
second pass, the time each variant spends *outside* ``inlay_model_predict`` (the real function wrapped in a
timer): the binding's own work without the computation's variance, and its difference to the floor's.

``--ort-python``: also times ONNX Runtime's whole Python call (``sess.run(None, {name: x})``) on the same
Keras model converted with tf2onnx, in a subprocess of that interpreter (it needs keras, tensorflow, tf2onnx
and onnxruntime); skipped with a note when the conversion fails.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np

_REPO = Path(__file__).resolve().parents[1]
_FIXTURE = _REPO / "tests" / "fixtures" / "applications" / "mnist_convnet"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=str(_FIXTURE / "model.keras"))
    p.add_argument("--batches", default="1,16")
    p.add_argument("--threads", type=int, default=1, help="inlay (and ONNX Runtime) threads; default 1")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--calls", type=int, default=300, help="timed calls per variant and round")
    p.add_argument("--clock", choices=("wall", "thread"), default="wall",
                   help="thread: this thread's CPU time (time.thread_time_ns), which leaves out the time other "
                        "processes take from it on a shared machine; only with --threads 1 (the library then "
                        "computes on the calling thread)")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--ort-python", help="an interpreter with keras, tensorflow, tf2onnx and onnxruntime")
    return p.parse_args()


def import_inlay() -> Any:
    try:
        import inlay
    except ImportError:
        sys.path.insert(0, str(_REPO / "bindings" / "python"))
        import inlay
    return inlay


def variants(inlay: Any, model: Any, x: np.ndarray) -> Dict[str, Callable[[], Any]]:
    """The four ways of running one predict (see the module docstring), each returning its output."""
    lib, ArrayP = inlay._lib.lib, inlay._lib.ArrayP
    c_free = lib.inlay_array_free
    handle = model._h()
    y_floor = np.empty_like(model.predict(x))
    x_wrapped, y_wrapped = inlay.Array(x), inlay.Array(y_floor)
    in_arr = (ArrayP * 1)(x_wrapped.handle)
    out_arr = (ArrayP * 1)(y_wrapped.handle)
    null_out = (ArrayP * 1)()
    y_out = np.empty_like(y_floor)

    # lib.inlay_model_predict is looked up at each call, as predict does, so that split_times can time it.
    def c_call() -> np.ndarray:
        lib.inlay_model_predict(handle, in_arr, 1, out_arr, 1)
        return y_floor

    def c_call_library_output() -> None:
        lib.inlay_model_predict(handle, in_arr, 1, null_out, 1)
        c_free(null_out[0])
        null_out[0] = None

    def c_call_library_output_checked() -> np.ndarray:  # the same, reading the output (not timed)
        lib.inlay_model_predict(handle, in_arr, 1, null_out, 1)
        got = ctypes.cast(lib.inlay_array_data(null_out[0]), ctypes.POINTER(ctypes.c_float))
        result = np.ctypeslib.as_array(got, y_floor.shape).copy()
        c_free(null_out[0])
        null_out[0] = None
        return result

    c_call.wrappers = (x_wrapped, y_wrapped)  # type: ignore[attr-defined]  # freed only with the closures
    fns = {"C call": c_call, "C call, library output": c_call_library_output,
           "predict(x)": lambda: model.predict(x), "predict(x, out=y)": lambda: model.predict(x, out=y_out)}
    reference = c_call().copy()
    for name, got in (("C call, library output", c_call_library_output_checked()),
                      ("predict(x)", fns["predict(x)"]()), ("predict(x, out=y)", fns["predict(x, out=y)"]())):
        np.testing.assert_array_equal(got, reference, err_msg=name)
    return fns


def time_rounds(fns: Dict[str, Callable[[], Any]], rounds: int, calls: int,
                clock: Callable[[], int]) -> Dict[str, List[List[float]]]:
    """Per-call times in us, per round, variants alternating round by round (the order reversed every other
    round)."""
    names = list(fns)
    for fn in fns.values():  # warm-up
        for _ in range(max(calls // 10, 20)):
            fn()
    samples: Dict[str, List[List[float]]] = {n: [] for n in names}
    gc.collect()
    gc.disable()
    try:
        for r in range(rounds):
            for name in names if r % 2 == 0 else reversed(names):
                fn, out = fns[name], []
                samples[name].append(out)
                for _ in range(calls):
                    t0 = clock()
                    fn()
                    out.append((clock() - t0) * 1e-3)
    finally:
        gc.enable()
    return samples


def split_times(inlay: Any, fns: Dict[str, Callable[[], Any]], rounds: int, calls: int,
                clock: Callable[[], int]) -> Dict[str, List[float]]:
    """Per round, each variant's time per call spent outside ``inlay_model_predict`` (us): the binding's
    own work, without the variance of the computation, which at batch 16 is larger than the binding's
    cost. ``inlay_model_predict`` is replaced by a function that times the real one; what that wrapper
    itself costs outside its timed part is the same in every variant and cancels in the differences."""
    lib = inlay._lib.lib
    real = lib.inlay_model_predict
    inside = [0]

    def timed(*args: Any) -> Any:
        t0 = clock()
        try:
            return real(*args)
        finally:
            inside[0] += clock() - t0

    outside: Dict[str, List[float]] = {n: [] for n in fns}
    lib.inlay_model_predict = timed
    gc.collect()
    gc.disable()
    try:
        for r in range(rounds):
            for name in fns if r % 2 == 0 else reversed(list(fns)):
                fn, inside[0] = fns[name], 0
                t0 = clock()
                for _ in range(calls):
                    fn()
                total = clock() - t0
                outside[name].append((total - inside[0]) * 1e-3 / calls)
    finally:
        gc.enable()
        lib.inlay_model_predict = real
    return outside


def median(values: List[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def stats(rounds: List[List[float]]) -> Dict[str, float]:
    ordered = sorted(v for r in rounds for v in r)
    return {"median_us": ordered[len(ordered) // 2], "p90_us": ordered[int(len(ordered) * 0.9)],
            "min_us": ordered[0], "calls": len(ordered)}


def overhead(rounds: List[List[float]], floor_rounds: List[List[float]]) -> float:
    """The median over rounds of (this variant's median - the floor's median) in the same round: a slow
    stretch of the machine shifts both sides of a round alike."""
    return median([median(a) - median(b) for a, b in zip(rounds, floor_rounds)])


_ORT_WORKER = r"""
import json, sys, time, os
import numpy as np
path, batches = sys.argv[1], [int(b) for b in sys.argv[2].split(",")]
threads, rounds, calls = (int(a) for a in sys.argv[3:6])
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras, tensorflow as tf, tf2onnx, onnxruntime as ort
model = keras.models.load_model(path)
shape = tuple(model.inputs[0].shape)
spec = (tf.TensorSpec((None,) + shape[1:], tf.float32, name="input"),)
fn = tf.function(lambda x: model(x, training=False))
proto, _ = tf2onnx.convert.from_function(fn, input_signature=spec, opset=17)
so = ort.SessionOptions()
so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
sess = ort.InferenceSession(proto.SerializeToString(), so, providers=["CPUExecutionProvider"])
name = sess.get_inputs()[0].name
out = {"onnxruntime": ort.__version__, "results": {}}
rng = np.random.default_rng(0)
for b in batches:
    x = rng.random((b,) + shape[1:], dtype=np.float32)
    diff = float(np.abs(sess.run(None, {name: x})[0] - model.predict(x, verbose=0)).max())
    for _ in range(100):
        sess.run(None, {name: x})
    samples = []
    for _ in range(rounds):
        for _ in range(calls):
            t0 = time.perf_counter_ns(); sess.run(None, {name: x}); samples.append((time.perf_counter_ns() - t0) * 1e-3)
    samples.sort()
    out["results"][str(b)] = {"median_us": samples[len(samples) // 2], "p90_us": samples[int(len(samples) * 0.9)],
                              "max_abs_diff_vs_keras": diff}
print("ORT_JSON " + json.dumps(out))
"""


def run_ort(args: argparse.Namespace, batches: List[int]) -> Dict[str, Any]:
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    cmd = [args.ort_python, "-c", _ORT_WORKER, args.model, ",".join(map(str, batches)), str(args.threads),
           str(args.rounds), str(args.calls)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith("ORT_JSON "):
            return json.loads(line[len("ORT_JSON "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"skipped": "ONNX Runtime worker failed: " + " | ".join(tail)}


def main() -> int:
    args = parse_args()
    if args.clock == "thread" and args.threads != 1:
        sys.exit("--clock thread needs --threads 1: other threads' time would be left out")
    clock = time.thread_time_ns if args.clock == "thread" else time.perf_counter_ns
    inlay = import_inlay()
    batches = [int(b) for b in args.batches.split(",")]
    model = inlay.load_model(args.model)
    model.set_num_threads(args.threads)
    shape = tuple(model.inputs[0].shape[1:])
    rng = np.random.default_rng(0)
    report: Dict[str, Any] = {"model": args.model, "threads": args.threads, "clock": args.clock,
                              "library": inlay.library_path, "load_average": os.getloadavg()[0],
                              "python": sys.version.split()[0], "numpy": np.__version__, "batches": {}}
    for b in batches:
        fixture_input = Path(args.model).parent / f"input_b{b}.npy"
        x = np.load(fixture_input) if fixture_input.exists() else rng.random((b,) + shape, dtype=np.float32)
        expected = Path(args.model).parent / f"expected_b{b}.npy"
        if fixture_input.exists() and expected.exists():
            np.testing.assert_allclose(model.predict(x), np.load(expected), rtol=1e-4, atol=1e-5)
        fns = variants(inlay, model, x)
        samples = time_rounds(fns, args.rounds, args.calls, clock)
        result = {name: stats(values) for name, values in samples.items()}
        floor, floor_alloc = samples["C call"], samples["C call, library output"]
        result["predict(x)"]["minus_floor_us"] = overhead(samples["predict(x)"], floor_alloc)
        result["predict(x, out=y)"]["minus_floor_us"] = overhead(samples["predict(x, out=y)"], floor)
        for name in ("C call, library output", "predict(x)", "predict(x, out=y)"):
            result[name]["minus_c_call_us"] = overhead(samples[name], floor)
        outside = split_times(inlay, fns, args.rounds, args.calls, clock)
        for name, values in outside.items():
            result[name]["outside_c_us"] = median(values)
        result["predict(x)"]["outside_minus_floor_us"] = median(
            [a - b for a, b in zip(outside["predict(x)"], outside["C call, library output"])])
        result["predict(x, out=y)"]["outside_minus_floor_us"] = median(
            [a - b for a, b in zip(outside["predict(x, out=y)"], outside["C call"])])
        report["batches"][str(b)] = result
    if args.ort_python:
        report["onnxruntime"] = run_ort(args, batches)
    print_table(report)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    return 0


def print_table(report: Dict[str, Any]) -> None:
    print(f"{Path(report['model']).parent.name}, {report['threads']} thread(s), {report['clock']} clock, "
          f"Python {report['python']}, NumPy {report['numpy']}, load average {report['load_average']:.1f}; "
          "per-call times in us")
    print("| batch | variant | median | p90 | - its floor | - C call | outside the C call | - its floor's |")
    print("|---|---|---|---|---|---|---|---|")

    def signed(s: Dict[str, float], key: str) -> str:
        return f"{s[key]:+.2f}" if key in s else ""

    for b, result in report["batches"].items():
        for name, s in result.items():
            print(f"| {b} | {name} | {s['median_us']:.2f} | {s['p90_us']:.2f} | {signed(s, 'minus_floor_us')} | "
                  f"{signed(s, 'minus_c_call_us')} | {s['outside_c_us']:.2f} | {signed(s, 'outside_minus_floor_us')} |")
    ort = report.get("onnxruntime")
    if ort:
        if "skipped" in ort:
            print(f"ONNX Runtime: {ort['skipped']}")
        for b, s in ort.get("results", {}).items():
            print(f"| {b} | ONNX Runtime {ort['onnxruntime']} sess.run | {s['median_us']:.2f} | {s['p90_us']:.2f} "
                  f"| | | (max diff vs Keras {s['max_abs_diff_vs_keras']:.1e}) | |")


if __name__ == "__main__":
    sys.exit(main())
