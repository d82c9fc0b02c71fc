#!/usr/bin/env python3
"""Quantized Keras models (issue 18 item 3): accuracy of inlay against Keras, and speed against the float model.

  accuracy: for every case of tests/fixtures/quantized/cases.json and of each tests/fixtures/quantized/keras-*/
            cases.json (tools/fixtures/gen_quantized_fixtures.py), runs `inlay predict` on the case's .keras and
            inputs and prints max |inlay - Keras quantized|, max |Keras quantized - Keras float| (the quantization
            error itself) and max |inlay - Keras float|.
  speed:    builds an MLP 1024 -> 4096 -> 4096 -> 1024 (Dense relu, seeded random weights), saves it float and
            quantized int8 / int4 / float8 (model.quantize by the running Keras) under --workdir, then times
            `inlay bench` (warm median) at batch 1 and 32 with --threads 1 for each file, side by side in one run,
            and Keras's own predict (TensorFlow, one thread, model(x) in a tf.function, warm median) on the same
            files.

Run from the repository root with the Keras 3.15.1 venv:
  KERAS_BACKEND=tensorflow .venv-keras/bin/python bench/quantized.py [--inlay build/tools/inlay/inlay]
      [--skip-speed] [--skip-accuracy] [--iterations 50]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "tests", "fixtures")


def array(entry):
    dtype = entry.get("dtype", "float32")
    return np.array(entry["values"], dtype=dtype).reshape(entry["shape"])


def inlay_predict(inlay, model_path, inputs, tmp):
    names = []
    for i, x in enumerate(inputs):
        names.append(os.path.join(tmp, "in%d.npy" % i))
        np.save(names[-1], x)
    out = os.path.join(tmp, "out0.npy")
    r = subprocess.run([inlay, "predict", model_path, "--threads", "1", "--input", *names, "--output", out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
    return np.load(out), None


def accuracy(inlay):
    rows = []
    files = [os.path.join(FIXTURES, "quantized", "cases.json")] + \
        sorted(glob.glob(os.path.join(FIXTURES, "quantized", "keras-*", "cases.json")))
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            data = json.load(open(path))
            label = data["writer"]["label"]
            for case in data["cases"]:
                if "file" not in case:
                    rows.append((label, case["name"], None, None, None, "Keras: " + case["error"]))
                    continue
                xs = [array(e) for e in case["inputs"]]
                flt = array(case["float_outputs"][0])
                ref = case.get("outputs") or case.get("in_memory_outputs")
                q = array(ref[0])
                got, err = inlay_predict(inlay, os.path.join(FIXTURES, case["file"]), xs, tmp)
                note = "Keras cannot load its file; vs its in-memory outputs" if "error" in case else ""
                if got is None:
                    rows.append((label, case["name"], None, float(np.max(np.abs(q - flt))), None,
                                 "inlay: " + err[:110]))
                    continue
                rows.append((label, case["name"], float(np.max(np.abs(got - q))), float(np.max(np.abs(q - flt))),
                             float(np.max(np.abs(got - flt))), note))
    fmt = lambda v: "-" if v is None else "%.2g" % v  # noqa: E731
    print("| writer | case | max abs(inlay - Keras quantized) | max abs(Keras quantized - Keras float) | "
          "max abs(inlay - Keras float) | note |")
    print("|---|---|---|---|---|---|")
    for label, name, a, b, c, note in rows:
        print("| %s | %s | %s | %s | %s | %s |" % (label, name, fmt(a), fmt(b), fmt(c), note))


def big_mlp(keras):
    L = keras.layers
    x_in = keras.Input(shape=(1024,), name="x")
    x = L.Dense(4096, activation="relu", name="d1")(x_in)
    x = L.Dense(4096, activation="relu", name="d2")(x)
    out = L.Dense(1024, name="d3")(x)
    return keras.Model(x_in, out, name="mlp_4096")


def make_speed_files(keras, workdir):
    files = {}
    for mode in ["float32", "int8", "int4", "float8"]:
        path = os.path.join(workdir, "mlp_4096_%s.keras" % mode)
        files[mode] = path
        if os.path.exists(path):
            continue
        keras.utils.clear_session()
        model = big_mlp(keras)
        rs = np.random.RandomState(4096)
        for w in model.weights:
            shape = tuple(w.shape)
            v = rs.standard_normal(shape).astype(np.float32)
            w.assign(v / np.sqrt(shape[0]) if len(shape) == 2 else v * 0.1)
        if mode != "float32":
            model.quantize(mode)
        model.save(path)
    return files


def inlay_bench(inlay, path, batch, iterations):
    r = subprocess.run([inlay, "bench", path, "--batch", str(batch), "--threads", "1", "-n", str(iterations)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()[-200:]
    m = re.search(r"warm[^\n]*median ([0-9.]+) (ms|µs|us|ns|s)", r.stdout)
    if not m:
        return None, r.stdout.strip()[-300:]
    scale = {"s": 1e3, "ms": 1.0, "us": 1e-3, "µs": 1e-3, "ns": 1e-6}[m.group(2)]
    return float(m.group(1)) * scale, None


def keras_time(keras, tf, path, batch, iterations):
    model = keras.saving.load_model(path, compile=False)
    x = tf.constant(np.random.RandomState(1).standard_normal((batch, 1024)).astype(np.float32))
    fn = tf.function(lambda t: model(t, training=False))
    for _ in range(3):
        fn(x).numpy()
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn(x).numpy()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) * 1e3


def speed(inlay, workdir, iterations, with_keras):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    os.makedirs(workdir, exist_ok=True)
    files = make_speed_files(keras, workdir)
    results = {}
    for batch in (1, 32):
        for mode, path in files.items():
            ms, err = inlay_bench(inlay, path, batch, iterations)
            kms = keras_time(keras, tf, path, batch, iterations) if with_keras else None
            results[(batch, mode)] = (ms, err, kms)
    print("MLP 1024-4096-4096-1024 (Dense relu), --threads 1, warm median per call (ms); ratio = float32 time / "
          "this time")
    print("| batch | mode | file MB | inlay ms | inlay ratio | Keras (TF) ms | Keras ratio |")
    print("|---|---|---|---|---|---|---|")
    for (batch, mode), (ms, err, kms) in results.items():
        base, _, kbase = results[(batch, "float32")]
        size = os.path.getsize(files[mode]) / 2**20
        print("| %d | %s | %.1f | %s | %s | %s | %s |" % (
            batch, mode, size, "%.3f" % ms if ms else "fails: " + (err or "")[:80],
            "%.2f" % (base / ms) if ms and base else "-", "%.3f" % kms if kms else "-",
            "%.2f" % (kbase / kms) if kms and kbase else "-"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inlay", default=os.path.join(REPO, "build-lead", "tools", "inlay", "inlay"))
    p.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "inlay_bench_quantized"))
    p.add_argument("--iterations", type=int, default=50)
    p.add_argument("--skip-accuracy", action="store_true")
    p.add_argument("--skip-speed", action="store_true")
    p.add_argument("--no-keras-timing", action="store_true")
    a = p.parse_args()
    if not a.skip_accuracy:
        accuracy(a.inlay)
    if not a.skip_speed:
        speed(a.inlay, a.workdir, a.iterations, not a.no_keras_timing)


if __name__ == "__main__":
    sys.exit(main())
