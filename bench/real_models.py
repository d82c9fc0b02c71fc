#!/usr/bin/env python3
"""Real models (issue 19): inlay against ONNX Runtime, OpenVINO, LiteRT/TFLite, TensorFlow (and PyTorch where an
equivalent exists), in one run, with every peer's output checked against Keras before it is timed.

    KERAS_BACKEND=tensorflow .venv-keras/bin/python bench/real_models.py --inlay build-lead/tools/inlay/inlay \
        [--lib build-lead/libinlay.so] [--out build-bench/real] [--models resnet50,...] [--batches 1,16]
        [--threads 1,2] [--runtimes inlay,onnxruntime,openvino,litert,tensorflow,pytorch] [--no-contention]
        [--quick]

Models (Keras 3, TensorFlow backend; built once into <out>/<model>/ and reused while model.keras exists):
  resnet50, inceptionv3 (299), densenet121, mobilenetv2, efficientnetb0, vgg16: keras.applications at their
  default input size, weights=None, 1000 classes, no classifier activation; weights and BatchNormalization
  statistics as tools/realmodels/make_app_models.py draws them (seeded, then every BatchNormalization's moving
  mean / variance set from its own input on a 4-image calibration batch, so outputs are neither flat nor huge);
  mnist_convnet: the Keras docs' MNIST convnet (make_app_models.mnist_convnet), same weights scheme;
  lstm_text, transformer: bench/seq.py's models and weights (Embedding + LSTM + Dense; 2 Transformer encoder
  blocks).
Per model, conversions (each in its own process, RSS capped by --convert-rss-gb, a failure recorded, not fatal):
  model.keras -> SavedModel (model.export) -> model.onnx (tf2onnx, opset 17), openvino/model.xml
  (openvino.convert_model of the SavedModel, saved without fp16 compression), model.tflite
  (tf.lite.TFLiteConverter.from_saved_model; builtins, else + SELECT_TF_OPS, said so).

Timing: for each (model, batch, threads) cell, every runtime in ONE fresh process (the runtime order rotates from
cell to cell), after the output check of that same process on the cell's input against Keras's predict:
  inlay:       cold = a fresh Python process through the inlay binding: load_model + set_num_threads + first
               predict (the check's output); warm = `inlay bench MODEL --batch B --threads T` (median and p90 of
               its timed calls; its own cold, the plan build, is reported as inlay_plan_ms)
  onnxruntime: InferenceSession (intra_op T, inter_op 1, sequential, ORT_ENABLE_ALL) + first run; sess.run
  openvino:    Core.read_model + reshape to the static input + compile_model("CPU", LATENCY hint,
               INFERENCE_NUM_THREADS=T, INFERENCE_PRECISION_HINT=f32: this CPU has bf16, which OpenVINO would
               otherwise pick by default) + first infer; InferRequest.infer
  litert:      tf.lite.Interpreter(num_threads=T) (XNNPACK, its default delegate) + resize + allocate + invoke
  tensorflow:  intra_op T / inter_op 1; keras.saving.load_model + tf.function(model(x, training=False)) + first
               call; the tf.function (output to NumPy)
  pytorch:     lstm_text and transformer only (bench/seq.py's hand-written equivalents with the Keras weights):
               there is no faithful Keras -> PyTorch converter for the keras.applications models.
Warm = warm-up calls, then timed calls until --budget seconds (b1; 2x that for larger batches) have passed, at
least 5 (b1) / 3 calls and at most 40 / 10. A peer whose max |diff| exceeds 1e-3 x max |Keras output| is timed but
marked and left out of "fastest peer". Writes <out>/real_models.json and real_models.md (printed too).

Contention (issue 19 item 4; --no-contention skips it): ResNet50 batch 1, 2 threads, every runtime quiet and then
with one competing busy process (`python -c "while True: pass"`, normal priority, started 0.5 s before the
measured process and killed after it); inlay also with OMP_WAIT_POLICY=PASSIVE and with 1 thread.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import seq  # noqa: E402  (the sequence models' definitions and PyTorch child)

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

APPS = {  # name -> (keras.applications constructor name, input size, input kind)
    "resnet50": ("ResNet50", 224, "unit"),
    "inceptionv3": ("InceptionV3", 299, "unit"),
    "densenet121": ("DenseNet121", 224, "unit"),
    "mobilenetv2": ("MobileNetV2", 224, "unit"),
    "efficientnetb0": ("EfficientNetB0", 224, "image255"),  # rescaling + normalization inside the model
    "vgg16": ("VGG16", 224, "unit"),
}
SEQ_MODELS = ("lstm_text", "transformer")
ALL_MODELS = list(APPS) + ["mnist_convnet"] + list(SEQ_MODELS)
RUNTIMES = ["inlay", "onnxruntime", "openvino", "litert", "tensorflow", "pytorch"]
LABEL = {"inlay": "inlay", "onnxruntime": "ONNX Runtime", "openvino": "OpenVINO", "litert": "LiteRT",
         "tensorflow": "TensorFlow", "pytorch": "PyTorch"}
REL_TOL = 1e-3  # max |diff| / max |Keras output| for a peer to count as computing the same model


# ------------------------------------------------------------------------------------------ model preparation

PREPARE = r"""
import json, os, sys, zlib
sys.path.insert(0, os.path.join(sys.argv[3], "tools", "realmodels")); sys.path.insert(0, os.path.join(sys.argv[3], "bench"))
import numpy as np
import make_app_models as apps   # seeded_weights, calibrate_batch_norms, make_inputs, mnist_convnet
import seq
import keras
name, folder, batches = sys.argv[1], sys.argv[2], [int(b) for b in sys.argv[4].split(",")]
app = json.loads(sys.argv[5])
os.makedirs(folder, exist_ok=True)
if name in seq.CASES:
    model = seq.build_keras(name); seq.seed_weights(model, name)
    inputs = {b: seq.make_input(name, b) for b in batches}
else:
    if app:
        model = getattr(keras.applications, app[0])(input_shape=(app[1], app[1], 3), weights=None,
                                                    classifier_activation=None)
        kind = app[2]
    else:
        model, kind = apps.mnist_convnet(), "normal"
    seed = zlib.crc32(name.encode()) & 0x7FFFFFFF
    apps.seeded_weights(model, seed)
    apps.calibrate_batch_norms(model, apps.make_inputs(model, name + "/calibration", 4, kind)[0], seed + 1)
    inputs = {b: apps.make_inputs(model, name, b, kind)[0] for b in batches}
for b, x in inputs.items():
    np.save(f"{folder}/input_b{b}.npy", x)
    y = np.asarray(model.predict(x, batch_size=b, verbose=0), np.float32)
    assert np.all(np.isfinite(y)), name
    np.save(f"{folder}/keras_b{b}.npy", y)
np.savez(f"{folder}/weights.npz", **{w.path: np.asarray(w.numpy()) for w in model.weights})
model.export(f"{folder}/saved_model", format="tf_saved_model", verbose=False)
model.save(f"{folder}/model.keras.tmp.keras")
os.replace(f"{folder}/model.keras.tmp.keras", f"{folder}/model.keras")   # last: marks the folder complete
print(json.dumps({"params": int(sum(np.prod(w.shape) for w in model.weights))}))
"""

TO_OPENVINO = r"""
import sys, openvino as ov
m = ov.convert_model(sys.argv[1] + "/saved_model")
ov.save_model(m, sys.argv[1] + "/openvino/model.xml", compress_to_fp16=False)
"""

TO_TFLITE = r"""
import sys, json, tensorflow as tf
folder = sys.argv[1]
def convert(select):
    c = tf.lite.TFLiteConverter.from_saved_model(folder + "/saved_model")
    if select:
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    return c.convert()
note = ""
try:
    data = convert(False)
except Exception as e:
    data, note = convert(True), "needs SELECT_TF_OPS (TensorFlow ops through the Flex delegate): " + str(e).splitlines()[0][:120]
open(folder + "/model.tflite", "wb").write(data)
print(json.dumps({"note": note}))
"""


def run_capped(cmd, rss_gb, timeout_s, env=None):
    """Runs cmd; kills it when its resident memory passes rss_gb (the machine is shared: an out-of-memory
    converter must not take the others down) or after timeout_s. Returns (ok, message)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    reason = []

    def watch():
        start = time.time()
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    rss = int(next(line for line in f if line.startswith("VmRSS")).split()[1]) / 2**20
            except (OSError, StopIteration):
                rss = 0
            if rss > rss_gb:
                reason.append(f"killed: resident memory passed {rss_gb} GB")
                p.kill()
            elif time.time() - start > timeout_s:
                reason.append(f"killed: still running after {timeout_s} s")
                p.kill()
            time.sleep(0.25)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    out, err = p.communicate()
    t.join()
    if p.returncode == 0:
        return True, out.strip().splitlines()[-1] if out.strip() else ""
    lines = [ln for ln in err.strip().splitlines() if ln.strip() and "cuda" not in ln.lower()]
    return False, (reason[0] if reason else (lines[-1] if lines else f"exit status {p.returncode}"))[:300]


def prepare(name, out, batches, rss_gb):
    """Builds <out>/<name>/ and its conversions; returns the preparation record (cached in prep.json)."""
    folder = os.path.join(out, name)
    record_path = os.path.join(folder, "prep.json")
    if os.path.exists(record_path) and os.path.exists(os.path.join(folder, "model.keras")):
        with open(record_path) as f:
            rec = json.load(f)
        if all(os.path.exists(os.path.join(folder, f"keras_b{b}.npy")) for b in batches):
            return rec
    t0 = time.time()
    app = list(APPS[name]) if name in APPS else None
    ok, msg = run_capped([sys.executable, "-c", PREPARE, name, folder, ROOT, ",".join(map(str, batches)),
                          json.dumps(app)], rss_gb, 1800)
    if not ok:
        raise SystemExit(f"real_models.py: cannot build {name} with Keras: {msg}")
    rec = {"model": name, "params": json.loads(msg)["params"], "convert": {}}
    os.makedirs(os.path.join(folder, "openvino"), exist_ok=True)
    steps = {
        "onnxruntime": [sys.executable, "-m", "tf2onnx.convert", "--saved-model", os.path.join(folder, "saved_model"),
                        "--opset", "17", "--output", os.path.join(folder, "model.onnx")],
        "openvino": [sys.executable, "-c", TO_OPENVINO, folder],
        "litert": [sys.executable, "-c", TO_TFLITE, folder],
    }
    for who, cmd in steps.items():
        s = time.time()
        ok, msg = run_capped(cmd, rss_gb, 1200)
        note = json.loads(msg).get("note", "") if ok and who == "litert" and msg.startswith("{") else ""
        rec["convert"][who] = {"ok": ok, "seconds": round(time.time() - s, 1),
                               "error": None if ok else msg, "note": note}
        print(f"  {name}: {who} conversion {'ok' if ok else 'FAILED: ' + msg} ({time.time() - s:.0f} s)",
              flush=True)
    rec["prepare_seconds"] = round(time.time() - t0, 1)
    with open(record_path, "w") as f:
        json.dump(rec, f, indent=1)
    return rec


# --------------------------------------------------------------------------------------------- the children

# Shared by every Python child: args (folder, batch, threads, budget_s, min_n, max_n, warmup), the input and
# reference, and the timing loop. Each child defines load() -> (cold-ready callable) and prints one JSON line.
CHILD_HEAD = r"""
import json, math, sys, time, numpy as np
folder, batch, threads, budget, min_n, max_n, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
x = np.load(f"{folder}/input_b{batch}.npy")
ref = np.load(f"{folder}/keras_b{batch}.npy")
def finish(cold_ms, y, call, version):
    y = np.asarray(y, np.float32).reshape(ref.shape)
    for _ in range(warmup): call()
    times, start = [], time.perf_counter()
    while len(times) < min_n or (len(times) < max_n and time.perf_counter() - start < budget):
        t = time.perf_counter(); call(); times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    print(json.dumps({"cold": cold_ms, "warm": statistics_median(times), "p90": times[math.ceil(0.9 * len(times)) - 1],
                      "n": len(times), "max_abs_diff": float(np.abs(y - ref).max()),
                      "scale": float(np.abs(ref).max()), "version": version}))
def statistics_median(v):
    n = len(v); return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])
"""

CHILDREN = {
    "onnxruntime": r"""
import onnxruntime as ort
t0 = time.perf_counter()
so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
s = ort.InferenceSession(folder + "/model.onnx", so, providers=["CPUExecutionProvider"])
feed = {s.get_inputs()[0].name: x}
y = s.run(None, feed)[0]
finish((time.perf_counter() - t0) * 1e3, y, lambda: s.run(None, feed), "onnxruntime " + ort.__version__)
""",
    "openvino": r"""
import openvino as ov
core = ov.Core()
t0 = time.perf_counter()
m = core.read_model(folder + "/openvino/model.xml")
m.reshape({m.inputs[0]: ov.PartialShape(list(x.shape))})
c = core.compile_model(m, "CPU", {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": threads,
                                  "INFERENCE_PRECISION_HINT": "f32"})
r = c.create_infer_request()
y = r.infer({0: x})[c.outputs[0]].copy()
finish((time.perf_counter() - t0) * 1e3, y, lambda: r.infer({0: x}), "openvino " + ov.__version__.split("-")[0])
""",
    "litert": r"""
import tensorflow as tf
t0 = time.perf_counter()
it = tf.lite.Interpreter(model_path=folder + "/model.tflite", num_threads=threads)
i, o = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
it.resize_tensor_input(i, list(x.shape)); it.allocate_tensors()
def call():
    it.set_tensor(i, x); it.invoke(); return it.get_tensor(o)
y = call()
finish((time.perf_counter() - t0) * 1e3, y, call, "tf.lite (TensorFlow " + tf.__version__ + ", XNNPACK)")
""",
    "tensorflow": r"""
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(threads); tf.config.threading.set_inter_op_parallelism_threads(1)
import keras
t0 = time.perf_counter()
model = keras.saving.load_model(folder + "/model.keras", compile=False)
f = tf.function(lambda t: model(t, training=False))
xt = tf.constant(x)
y = f(xt).numpy()
finish((time.perf_counter() - t0) * 1e3, y, lambda: f(xt).numpy(), "tensorflow " + tf.__version__)
""",
    # inlay's cold: a fresh process, load + first predict through the Python binding (the C library's work;
    # `inlay bench` times the plan build but not the file load). Its warm numbers come from `inlay bench`.
    "inlay_cold": r"""
import inlay
t0 = time.perf_counter()
m = inlay.load_model(folder + "/model.keras")
m.set_num_threads(threads)
y = m.predict(x)
cold = (time.perf_counter() - t0) * 1e3
second = cold
if batch == 1:  # sizes `inlay bench`'s iteration count; at larger batches the minimum count applies anyway
    t = time.perf_counter(); m.predict(x); second = (time.perf_counter() - t) * 1e3
y = np.asarray(y, np.float32).reshape(ref.shape)
print(json.dumps({"cold": cold, "second": second, "max_abs_diff": float(np.abs(y - ref).max()),
                  "scale": float(np.abs(ref).max()), "version": "inlay " + inlay.__version__}))
""",
}

# PyTorch: bench/seq.py's child (hand-written modules with the Keras weights), with p90 added to its output.
_TORCH_PRINT = '"warm": sorted(times)[len(times) // 2],'
assert _TORCH_PRINT in seq.TORCH_CHILD, "bench/seq.py's TORCH_CHILD changed: update real_models.py"
TORCH_CHILD = seq.TORCH_CHILD.replace(
    _TORCH_PRINT, _TORCH_PRINT + ' "p90": sorted(times)[-(-9 * len(times) // 10) - 1], "n": len(times),')


class Bench:
    def __init__(self, args):
        self.args = args
        self.lib_env = dict(os.environ, INLAY_LIBRARY=os.path.abspath(args.lib),
                            PYTHONPATH=os.path.join(ROOT, "bindings", "python"))

    def limits(self, batch):
        a = self.args
        if batch == 1:
            return a.budget, 5, 40, 3
        return 2 * a.budget, 3, 10, 1

    def child(self, code, folder, batch, threads, env, python=sys.executable):
        budget, min_n, max_n, warmup = self.limits(batch)
        cmd = [python, "-c", code, folder, str(batch), str(threads), str(budget), str(min_n), str(max_n),
               str(warmup)]
        return self.run_json(cmd, dict(env, OMP_NUM_THREADS=str(threads)))

    @staticmethod
    def run_json(cmd, env):
        wait_for(cmd[0])
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
        if r.returncode != 0:
            lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip() and "cuda" not in ln.lower()]
            raise RuntimeError((lines[-1] if lines else f"exit status {r.returncode}")[:300])
        return json.loads(r.stdout.strip().splitlines()[-1])

    def inlay_bench(self, folder, batch, threads, iters, warmup, env=None):
        cmd = [self.args.inlay, "bench", os.path.join(folder, "model.keras"), "--batch", str(batch), "--threads",
               str(threads), "--iterations", str(iters), "--warmup", str(warmup)]
        wait_for(self.args.inlay)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                           env=dict(env or os.environ, OMP_NUM_THREADS=str(threads)))
        if r.returncode != 0:
            raise RuntimeError(f"inlay bench: {(r.stdout + r.stderr).strip().splitlines()[-1:]}"[:300])
        num = r"([0-9.]+) (ms|s|us|µs)"
        plan = _ms(re.search(r"cold \(first call, builds the plan\): " + num, r.stdout))
        med = _ms(re.search(r"median " + num, r.stdout))
        p90 = _ms(re.search(r"p90 " + num, r.stdout))
        return {"plan": plan, "warm": med, "p90": p90, "n": iters}

    def inlay_check(self, folder, batch):
        """`inlay predict --expect`: max |diff| against Keras without the Python binding."""
        import numpy as np
        scale = float(np.abs(np.load(os.path.join(folder, f"keras_b{batch}.npy"))).max())
        r = subprocess.run([self.args.inlay, "predict", os.path.join(folder, "model.keras"), "--input",
                            os.path.join(folder, f"input_b{batch}.npy"), "--expect",
                            os.path.join(folder, f"keras_b{batch}.npy"), "--atol", str(REL_TOL * scale), "--rtol",
                            "0"], capture_output=True, text=True, timeout=1800)
        m = re.search(r"max \|difference\| ([0-9.eE+-]+)", r.stdout + r.stderr)
        if not m:
            raise RuntimeError(f"inlay predict: {(r.stdout + r.stderr).strip().splitlines()[-1:]}"[:300])
        return {"max_abs_diff": float(m.group(1)), "scale": scale}

    def run(self, who, model, folder, batch, threads, env=None):
        """One fresh-process measurement of runtime `who`: dict with cold, warm, p90, max_abs_diff, ..."""
        env = env or dict(os.environ)
        if who == "inlay":
            try:
                c = self.child(CHILD_HEAD + CHILDREN["inlay_cold"], folder, batch, threads, dict(env, **{
                    k: self.lib_env[k] for k in ("INLAY_LIBRARY", "PYTHONPATH")}))
            except RuntimeError as e:
                # The binding is shared work in progress: without it, check with the CLI and time warm only.
                c = dict(self.inlay_check(folder, batch), cold_error=f"Python binding: {e}"[:300])
                c["second"] = self.args.budget * 1e3 / 20  # about 20 timed calls at batch 1
            budget, min_n, max_n, warmup = self.limits(batch)
            iters = int(max(min_n, min(max_n, budget * 1e3 / max(c["second"], 1e-3))))
            b = self.inlay_bench(folder, batch, threads, iters, warmup, env)
            return dict(c, warm=b["warm"], p90=b["p90"], n=b["n"], plan=b["plan"])
        if who == "pytorch":
            budget, min_n, max_n, _ = self.limits(batch)
            cmd = [self.args.torch_python, "-c", TORCH_CHILD, folder, model, json.dumps(seq.CASES[model]),
                   str(threads), str(max(min_n, min(max_n, 20 if batch == 1 else 5))), str(batch)]
            r = self.run_json(cmd, dict(env, OMP_NUM_THREADS=str(threads)))
            r["version"] = "torch " + r.pop("torch", "?")
            return r
        return self.child(CHILD_HEAD + CHILDREN[who], folder, batch, threads, env)


def _ms(m):
    if not m:
        return None
    v, unit = float(m.group(1)), m.group(2)
    return v * {"ms": 1, "s": 1e3, "us": 1e-3, "µs": 1e-3}[unit]


def wait_for(path):
    """The lead rebuilds the library under us: a missing binary is waited for (up to 10 minutes)."""
    if os.path.sep not in path:
        return
    for _ in range(60):
        if os.path.exists(path):
            return
        time.sleep(10)


def available(who, model, rec):
    """None when `who` can run `model`, else the reason it cannot."""
    if who == "pytorch":
        return None if model in SEQ_MODELS else "no faithful Keras -> PyTorch converter"
    if who in rec["convert"] and not rec["convert"][who]["ok"]:
        return "conversion failed: " + rec["convert"][who]["error"]
    return None


def measure(bench, args, models, batches, threads_list, recs):
    rows = []
    cell_index = 0
    for model in models:
        folder = os.path.join(args.out, model)
        for batch in batches:
            for threads in threads_list:
                order = args.runtimes[cell_index % len(args.runtimes):] + args.runtimes[:cell_index % len(args.runtimes)]
                cell_index += 1
                row = {"model": model, "batch": batch, "threads": threads, "order": order, "results": {},
                       "load_before": os.getloadavg()[0]}
                for who in order:
                    why = available(who, model, recs[model])
                    if why:
                        row["results"][who] = {"error": why}
                        continue
                    try:
                        res = bench.run(who, model, folder, batch, threads)
                        res["agrees"] = res["max_abs_diff"] <= REL_TOL * max(res["scale"], 1e-30)
                    except Exception as e:  # noqa: BLE001  (reported in the table, not fatal)
                        res = {"error": str(e).strip().splitlines()[-1][:300] if str(e).strip() else repr(e)}
                    row["results"][who] = res
                summarize(row)
                rows.append(row)
                print(json.dumps({k: row[k] for k in ("model", "batch", "threads", "ratio_warm", "best_peer")} |
                                 {w: (r.get("warm") if "warm" in r else r.get("error")) for w, r in
                                  row["results"].items()}), flush=True)
    return rows


def summarize(row):
    res = row["results"]
    peers = {w: r for w, r in res.items() if w != "inlay" and "warm" in r and r.get("agrees")}
    inl = res.get("inlay", {})
    row["best_peer"] = min(peers, key=lambda w: peers[w]["warm"]) if peers else None
    row["best_cold_peer"] = min(peers, key=lambda w: peers[w]["cold"]) if peers else None
    ok = "warm" in inl and inl.get("agrees")
    row["ratio_warm"] = inl["warm"] / peers[row["best_peer"]]["warm"] if ok and peers else None
    row["ratio_cold"] = inl["cold"] / peers[row["best_cold_peer"]]["cold"] if ok and peers else None


# -------------------------------------------------------------------------------------------------- contention

def contention(bench, args):
    """ResNet50 b1, 2 threads: each runtime quiet, then with a busy-loop competitor; inlay extras."""
    model, batch = "resnet50", 1
    folder = os.path.join(args.out, model)
    cases = [(w, 2, {}) for w in args.runtimes if w != "pytorch"]
    if "inlay" in args.runtimes:
        cases += [("inlay", 2, {"OMP_WAIT_POLICY": "PASSIVE"}), ("inlay", 1, {})]
    rows = []
    for who, threads, extra in cases:
        row = {"runtime": who, "threads": threads, "env": extra}
        for mode in ("quiet", "contended"):
            env = dict(os.environ, **extra)
            hog = None
            if mode == "contended":
                hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
                time.sleep(0.5)
            try:
                row[mode] = bench.run(who, model, folder, batch, threads, env)
            except Exception as e:  # noqa: BLE001
                row[mode] = {"error": str(e)[:300]}
            finally:
                if hog:
                    hog.kill()
                    hog.wait()
        q, c = row["quiet"].get("warm"), row["contended"].get("warm")
        row["ratio"] = c / q if q and c else None
        rows.append(row)
        print(json.dumps({"contention": who, "threads": threads, "env": extra, "quiet": q, "contended": c,
                          "ratio": row["ratio"]}), flush=True)
    return rows


# ---------------------------------------------------------------------------------------------------- report

def fmt(v, digits=None):
    if v is None:
        return "-"
    if digits is None:
        digits = 3 if v < 1 else 2 if v < 10 else 1 if v < 100 else 0
    return f"{v:,.{digits}f}"


def markdown(rows, cont, recs, env_info, runtimes):
    out = ["## Real models: warm ms, median (p90); inlay / fastest agreeing peer", ""]
    head = ["model", "batch×threads"] + [LABEL[w] for w in runtimes] + ["inlay / best peer", "best peer"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["model"], f"{r['batch']}×{r['threads']}"]
        for w in runtimes:
            x = r["results"].get(w, {})
            if "warm" in x:
                mark = "" if x.get("agrees") else " (≠ Keras)"
                cells.append(f"{fmt(x['warm'])} ({fmt(x['p90'])}){mark}")
            else:
                cells.append("n/a" if "no faithful" in x.get("error", "") else "fails")
        ratio = r["ratio_warm"]
        cells += [f"**{fmt(ratio, 2)}**" if ratio and ratio > 1 else fmt(ratio, 2), LABEL.get(r["best_peer"], "-")]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "## Cold: load + first predict in a fresh process, ms", ""]
    head = ["model", "batch×threads"] + [LABEL[w] for w in runtimes] + ["inlay plan build", "inlay / best peer"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["model"], f"{r['batch']}×{r['threads']}"]
        cells += [fmt(r["results"].get(w, {}).get("cold"), 0) for w in runtimes]
        cells += [fmt(r["results"].get("inlay", {}).get("plan"), 0), fmt(r["ratio_cold"], 2)]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "## Output check against Keras (max |diff|, first cell of each model; scale = max |Keras output|)", ""]
    out += ["| model | params | scale | " + " | ".join(LABEL[w] for w in runtimes) + " |",
            "|" + "---|" * (3 + len(runtimes))]
    seen = set()
    for r in rows:
        if r["model"] in seen:
            continue
        seen.add(r["model"])
        scale = next((x["scale"] for x in r["results"].values() if "scale" in x), None)
        cells = [r["model"], f"{recs[r['model']]['params']:,}", fmt(scale, 3)]
        for w in runtimes:
            x = r["results"].get(w, {})
            cells.append(f"{x['max_abs_diff']:.1e}" + ("" if x.get("agrees") else " ≠") if "max_abs_diff" in x
                         else "n/a" if "no faithful" in x.get("error", "") else "fails")
        out.append("| " + " | ".join(cells) + " |")
    failures = {}  # (model, runtime, message) -> cells, so that one cause is listed once
    for r in rows:
        for w, x in r["results"].items():
            if "error" in x and "no faithful" not in x["error"]:
                failures.setdefault((r["model"], LABEL[w], x["error"]), []).append(f"{r['batch']}×{r['threads']}")
            if "cold_error" in x:
                failures.setdefault((r["model"], LABEL[w] + " cold (not measured; checked with `inlay predict "
                                     "--expect` instead)", x["cold_error"]), []).append(f"{r['batch']}×{r['threads']}")
    notes = [f"- {m}, {w} ({', '.join(cells)}): {msg}" for (m, w, msg), cells in failures.items()]
    for name, rec in recs.items():
        for w, c in rec["convert"].items():
            if c.get("note"):
                notes.append(f"- {name}: {LABEL[w]} conversion: {c['note']}")
    if notes:
        out += ["", "Failures and notes:", ""] + notes
    if cont:
        out += ["", "## Contention: ResNet50 batch 1, warm ms median (p90), quiet vs one competing busy process", ""]
        out += ["| runtime | threads | env | quiet | contended | contended / quiet |", "|---|---|---|---|---|---|"]
        for c in cont:
            def cell(m):
                x = c[m]
                return f"{fmt(x['warm'])} ({fmt(x['p90'])})" if "warm" in x else "fails: " + x.get("error", "")
            env = " ".join(f"{k}={v}" for k, v in c["env"].items()) or "-"
            out.append(f"| {LABEL[c['runtime']]} | {c['threads']} | {env} | {cell('quiet')} | {cell('contended')} | "
                       f"{fmt(c['ratio'], 2)} |")
    out += ["", "Conditions: " + "; ".join(f"{k}: {v}" for k, v in env_info.items())]
    return "\n".join(out) + "\n"


def environment(rows):
    info = {"machine": platform.machine()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    info["cpus"] = os.cpu_count()
    info["load average at end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    loads = [r["load_before"] for r in rows if "load_before" in r]
    if loads:
        info["1-min load average before each cell"] = f"min {min(loads):.1f}, median {statistics.median(loads):.1f}, " \
                                                      f"max {max(loads):.1f} (2 CPUs)"
    versions = sorted({x["version"] for r in rows for x in r["results"].values() if "version" in x})
    info["versions"] = ", ".join(versions)
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inlay", required=True, help="the inlay tool binary")
    ap.add_argument("--lib", help="libinlay.so for the Python binding (default: next to the tool's build dir)")
    ap.add_argument("--out", default="build-bench/real")
    ap.add_argument("--models", default=",".join(ALL_MODELS))
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runtimes", default=",".join(RUNTIMES))
    ap.add_argument("--budget", type=float, default=1.0, help="seconds of timed warm calls per cell at batch 1")
    ap.add_argument("--no-contention", action="store_true")
    ap.add_argument("--contention-only", action="store_true")
    ap.add_argument("--prepare-only", action="store_true", help="build the models and conversions, time nothing")
    ap.add_argument("--quick", action="store_true", help="batch 1, 2 threads, short budget (a smoke run)")
    ap.add_argument("--torch-python", default="/usr/bin/python3")
    ap.add_argument("--convert-rss-gb", type=float, default=10.0)
    ap.add_argument("--from-json", help="only re-render the Markdown of an earlier real_models.json")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            d = json.load(f)
        runtimes = [w for w in RUNTIMES if any(w in r["results"] for r in d["rows"])]
        print(markdown(d["rows"], d["contention"], d["prepare"], d["environment"], runtimes))
        return
    if args.lib is None:
        args.lib = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(args.inlay)))),
                                "libinlay.so")
    args.runtimes = [w for w in args.runtimes.split(",") if w]
    bad = [w for w in args.runtimes if w not in RUNTIMES]
    models = [m for m in args.models.split(",") if m]
    bad += [m for m in models if m not in ALL_MODELS]
    if bad:
        raise SystemExit(f"real_models.py: unknown {bad}; runtimes {RUNTIMES}, models {ALL_MODELS}")
    batches = [1] if args.quick else [int(b) for b in args.batches.split(",")]
    threads_list = [2] if args.quick else [int(t) for t in args.threads.split(",")]
    if args.quick:
        args.budget = 0.3
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    needed = sorted(set(models) | ({"resnet50"} if not args.no_contention else set()), key=ALL_MODELS.index)
    recs = {}
    for m in needed:
        print(f"== preparing {m}", flush=True)
        recs[m] = prepare(m, args.out, sorted(set(batches) | {1}), args.convert_rss_gb)
    t_prep = time.time() - t0
    if args.prepare_only:
        return
    bench = Bench(args)
    rows = [] if args.contention_only else measure(bench, args, models, batches, threads_list, recs)
    t_meas = time.time() - t0 - t_prep
    cont = [] if args.no_contention else contention(bench, args)
    info = environment(rows)
    info["wall time"] = f"preparation {t_prep:.0f} s, measurement {t_meas:.0f} s, contention " \
                        f"{time.time() - t0 - t_prep - t_meas:.0f} s"
    info["one fresh process per runtime and cell"] = f"warm budget {args.budget} s at batch 1 (5-40 calls, 3 " \
                                                    f"warm-up), {2 * args.budget} s otherwise (3-10 calls, 1 warm-up)"
    stem = "real_models.quick" if args.quick else "real_models"  # a smoke run never overwrites a full report
    with open(os.path.join(args.out, stem + ".json"), "w") as f:
        json.dump({"rows": rows, "contention": cont, "prepare": recs, "environment": info}, f, indent=1)
        f.write("\n")
    md = markdown(rows, cont, recs, info, args.runtimes)
    with open(os.path.join(args.out, stem + ".md"), "w") as f:
        f.write(md)
    print("\n" + md)
    print(f"real_models.py: wrote {args.out}/{stem}.md and {stem}.json")


if __name__ == "__main__":
    main()
