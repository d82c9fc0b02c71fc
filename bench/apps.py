#!/usr/bin/env python3
"""keras.applications models at 224x224: inlay (`inlay bench`) and ONNX Runtime side by side, in one run.

    KERAS_BACKEND=tensorflow /tmp/kvenv/bin/python bench/apps.py --inlay build/release/tools/inlay/inlay \
        [--out build/bench-apps] [--threads 2] [--batches 1,16] [--models MobileNetV2,EfficientNetB0,ResNet50]

For each model: weights=None with seeded random weights (BatchNormalization variances positive), saved as .keras;
converted to ONNX with tf2onnx (opset 17) from the same Keras model exported as a SavedModel; both outputs checked against Keras on one
batch before anything is timed. Then, alternating the two runtimes, 3 fresh processes each:
  inlay: `inlay bench MODEL --batch B --threads T` (its cold = first predict incl. plan build; warm = median);
  ONNX Runtime: a new InferenceSession (intra_op_num_threads=T, inter_op 1, sequential), cold = session creation
  + first run, warm = median of timed runs.
Each cell is the median of the 3 processes' values. Writes <out>/apps.json and prints a Markdown table with
inlay / ORT ratios. Needs: keras 3, tensorflow, tf2onnx, onnxruntime in the running Python.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ORT_CHILD = r"""
import sys, time, json, numpy as np, onnxruntime as ort
path, batch, threads, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
inp = s.get_inputs()[0]
x = np.random.RandomState(0).standard_normal([batch] + [d for d in inp.shape[1:]]).astype(np.float32)
s.run(None, {inp.name: x})
cold = (time.perf_counter() - t0) * 1e3
for _ in range(3): s.run(None, {inp.name: x})
times = []
for _ in range(iters):
    t = time.perf_counter(); s.run(None, {inp.name: x}); times.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"cold": cold, "warm": sorted(times)[len(times) // 2]}))
"""


def seeded(model, seed=0):
    import numpy as np
    rng = np.random.RandomState(seed)
    values = []
    for w in model.weights:
        v = rng.standard_normal(w.shape).astype(np.float32)
        name = w.path
        if "moving_variance" in name or name.endswith("/variance"):
            v = np.abs(v) + 0.5
        elif "moving_mean" in name or name.endswith("/mean") or "bias" in name or "beta" in name:
            v = 0.1 * v
        elif "gamma" in name:
            v = 1 + 0.1 * v
        elif len(w.shape) >= 2:
            fan_in = int(np.prod(w.shape[:-1])) if "depthwise" not in name else int(np.prod(w.shape[:2]))
            v = v / np.sqrt(max(fan_in, 1))
        values.append(v)
    model.set_weights(values)


def export_onnx(model, path):
    # Through a SavedModel, whose variables tf2onnx freezes into constants (Keras's own
    # model.export(format="onnx") and tf2onnx.convert.from_function leave Normalization's mean / variance as
    # graph inputs).
    saved = path + ".savedmodel"
    model.export(saved, format="tf_saved_model", verbose=False)
    subprocess.run([sys.executable, "-m", "tf2onnx.convert", "--saved-model", saved, "--opset", "17", "--output",
                    path], check=True, capture_output=True)


def make(name, out):
    import keras
    import numpy as np
    keras_path = os.path.join(out, name + ".keras")
    onnx_path = os.path.join(out, name + ".onnx")
    x = np.random.RandomState(1).standard_normal((2, 224, 224, 3)).astype(np.float32)
    if not (os.path.exists(keras_path) and os.path.exists(onnx_path)):
        model = getattr(keras.applications, name)(weights=None, classifier_activation=None)
        seeded(model)
        model(x[:1], training=False)  # export needs a called model
        model.save(keras_path)
        export_onnx(model, onnx_path)
    model = keras.saving.load_model(keras_path, compile=False)
    ref = np.asarray(model(x, training=False))
    np.save(os.path.join(out, name + ".input.npy"), x)
    np.save(os.path.join(out, name + ".expect.npy"), ref)
    return keras_path, onnx_path, x, ref


def check_ort(onnx_path, x, ref):
    import numpy as np
    import onnxruntime as ort
    s = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = s.run(None, {s.get_inputs()[0].name: x})[0]
    return float(np.max(np.abs(got - ref)))


def check_inlay(inlay, keras_path, out, name):
    r = subprocess.run([inlay, "predict", keras_path, "--input", os.path.join(out, name + ".input.npy"),
                        "--expect", os.path.join(out, name + ".expect.npy"), "--atol", "1e-4", "--rtol", "1e-4"],
                       capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr).strip().splitlines()[-1:] 


def run_inlay(inlay, path, batch, threads, iters):
    r = subprocess.run([inlay, "bench", path, "--batch", str(batch), "--threads", str(threads), "--iterations",
                        str(iters), "--warmup", "3"], capture_output=True, text=True, check=True)
    cold = float(re.search(r"cold \(first call, builds the plan\): ([0-9.]+) ms", r.stdout).group(1))
    warm = float(re.search(r"median ([0-9.]+) ms", r.stdout).group(1))
    return {"cold": cold, "warm": warm}


def run_ort(path, batch, threads, iters):
    r = subprocess.run([sys.executable, "-c", ORT_CHILD, path, str(batch), str(threads), str(iters)],
                       capture_output=True, text=True, check=True,
                       env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inlay", required=True)
    ap.add_argument("--out", default="build/bench-apps")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--models", default="MobileNetV2,EfficientNetB0,ResNet50")
    ap.add_argument("--processes", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    results = []
    for name in args.models.split(","):
        keras_path, onnx_path, x, ref = make(name, args.out)
        ort_diff = check_ort(onnx_path, x, ref)
        inlay_ok, inlay_msg = check_inlay(args.inlay, keras_path, args.out, name)
        for batch in [int(b) for b in args.batches.split(",")]:
            iters = 20 if batch == 1 else 5
            cells = {"inlay": [], "ort": []}
            for p in range(args.processes):
                order = ["inlay", "ort"] if p % 2 == 0 else ["ort", "inlay"]
                for who in order:
                    if who == "inlay":
                        cells[who].append(run_inlay(args.inlay, keras_path, batch, args.threads, iters))
                    else:
                        cells[who].append(run_ort(onnx_path, batch, args.threads, iters))
            row = {"model": name, "batch": batch, "threads": args.threads, "ort_max_diff": ort_diff,
                   "inlay_matches_keras": inlay_ok, "inlay_check": inlay_msg}
            for who in cells:
                for k in ("cold", "warm"):
                    row[f"{who}_{k}_ms"] = statistics.median(c[k] for c in cells[who])
            results.append(row)
            print(json.dumps(row), flush=True)
    with open(os.path.join(args.out, "apps.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("\n| model | batch x threads | inlay warm ms | ORT warm ms | inlay / ORT | inlay cold ms | ORT cold ms |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['model']} | {r['batch']}x{r['threads']} | {r['inlay_warm_ms']:.1f} | {r['ort_warm_ms']:.1f} | "
              f"{r['inlay_warm_ms'] / r['ort_warm_ms']:.2f} | {r['inlay_cold_ms']:.0f} | {r['ort_cold_ms']:.0f} |")


if __name__ == "__main__":
    main()
