#!/usr/bin/env python3
"""Sequence models (issue 17): inlay (`inlay bench`), ONNX Runtime and PyTorch side by side, in one run.

    KERAS_BACKEND=tensorflow /tmp/kvenv/bin/python bench/seq.py --inlay build/release/tools/inlay/inlay \
        [--out build/bench-seq] [--threads 2] [--batches 1,32] [--cases lstm_text,transformer] [--quick]
        [--torch-python /usr/bin/python3]

Cases:
  lstm_text    Input(200, int32) -> Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid)
  transformer  Input(128, 128) (float: embedded tokens) -> 2 x the Keras docs' encoder block (MultiHeadAttention
               4 heads x 32, Add, LayerNormalization, Dense(512, relu), Dense(128), Add, LayerNormalization)

For each case: Keras 3 (TensorFlow backend) with seeded random weights, saved as .keras; ONNX through tf2onnx
(opset 17) from the same model exported as a SavedModel (as bench/apps.py does); PyTorch modules written with
the same weights (torch.nn.Embedding + nn.LSTM + nn.Linear; 2 x nn.TransformerEncoderLayer(batch_first=True,
norm_first=False, relu, layer_norm_eps = Keras's epsilon), which is this Keras block exactly). Every
implementation's output is checked against Keras's on the benchmark inputs before anything is timed (max |diff|
<= 1e-4 x max |Keras output|; inlay with `inlay predict --expect`, 1e-4 + 1e-4 |ref|).

Timed, alternating the implementations, --processes fresh processes each (median of their values):
  inlay:        `inlay bench MODEL --batch B --threads T`: cold = the first predict (plan build included; the
                .keras load is not), warm = median of the timed calls (random int inputs 0..9 for token ids);
  onnxruntime:  a new InferenceSession (intra_op_num_threads=T, inter_op 1, sequential, ORT_ENABLE_ALL):
                cold = session creation + first run, warm = median of timed sess.run calls;
  pytorch:      the module above, eval(), torch.inference_mode(), torch.set_num_threads(T): cold = module
                construction + load_state_dict + first forward, warm = median of timed forwards.
Writes <out>/seq.json and prints a Markdown table with inlay / peer ratios (< 1: inlay is faster).
Needs: keras 3, tensorflow, tf2onnx, onnxruntime in the running Python; torch (Debian's python3-torch) in
--torch-python.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import zlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CASES = {
    "lstm_text": {"description": "Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid), seq 200, int32 ids",
                  "vocab": 20000, "embed": 128, "units": 128, "steps": 200},
    "transformer": {"description": "2 x encoder block (MHA 4 heads, d_model 128, ff 512, LayerNorm), seq 128",
                    "d_model": 128, "heads": 4, "ff": 512, "layers": 2, "steps": 128, "epsilon": 1e-5},
}
REL_TOL = 1e-4


# ------------------------------------------------------------------------------------------------- Keras

def build_keras(case_id):
    import keras
    from keras import layers as L
    c = CASES[case_id]
    if case_id == "lstm_text":
        ids = keras.Input((c["steps"],), dtype="int32", name="tokens")
        x = L.Embedding(c["vocab"], c["embed"])(ids)
        x = L.LSTM(c["units"])(x)
        return keras.Model(ids, L.Dense(1, activation="sigmoid")(x), name=case_id)
    x = inp = keras.Input((c["steps"], c["d_model"]), name="embedded")
    for i in range(c["layers"]):
        a = L.MultiHeadAttention(c["heads"], c["d_model"] // c["heads"], name=f"attention_{i}")(x, x)
        x = L.LayerNormalization(epsilon=c["epsilon"], name=f"norm1_{i}")(L.Add()([x, a]))
        f = L.Dense(c["ff"], activation="relu", name=f"ff1_{i}")(x)
        f = L.Dense(c["d_model"], name=f"ff2_{i}")(f)
        x = L.LayerNormalization(epsilon=c["epsilon"], name=f"norm2_{i}")(L.Add()([x, f]))
    return keras.Model(inp, x, name=case_id)


def seed_weights(model, case_id):
    import numpy as np
    rs = np.random.RandomState(zlib.crc32(case_id.encode()) & 0x7FFFFFFF)
    values = []
    for w in model.weights:
        leaf = w.path.split("/")[-1]
        v = rs.standard_normal(tuple(w.shape))
        if leaf == "embeddings":
            v = 0.5 * v
        elif leaf == "gamma":
            v = 1 + 0.1 * v
        elif leaf in ("bias", "beta") or len(w.shape) == 1:
            v = 0.1 * v
        else:
            v = v / np.sqrt(max(int(np.prod(w.shape[:-1])), 1))
        values.append(v.astype(np.float32))
    model.set_weights(values)


def make_input(case_id, batch):
    import numpy as np
    c = CASES[case_id]
    rs = np.random.RandomState(zlib.crc32(f"{case_id}/b{batch}".encode()) & 0x7FFFFFFF)
    if case_id == "lstm_text":
        return rs.randint(1, c["vocab"], (batch, c["steps"])).astype(np.int32)
    return rs.standard_normal((batch, c["steps"], c["d_model"])).astype(np.float32)


def export_onnx(model, path):
    # As bench/apps.py: a SavedModel, whose variables tf2onnx freezes into constants.
    saved = path + ".savedmodel"
    model.export(saved, format="tf_saved_model", verbose=False)
    subprocess.run([sys.executable, "-m", "tf2onnx.convert", "--saved-model", saved, "--opset", "17", "--output",
                    path], check=True, capture_output=True)


def make(case_id, out, batches):
    """Writes <out>/<case>/ model.keras, model.onnx, weights.npz (Keras layouts by weight path), input_b<B>.npy,
    keras_b<B>.npy; returns the folder."""
    import keras
    import numpy as np
    d = os.path.join(out, case_id)
    os.makedirs(d, exist_ok=True)
    keras.utils.clear_session()
    model = build_keras(case_id)
    seed_weights(model, case_id)
    model.save(os.path.join(d, "model.keras"))
    np.savez(os.path.join(d, "weights.npz"), **{w.path: np.asarray(w.numpy()) for w in model.weights})
    export_onnx(model, os.path.join(d, "model.onnx"))
    for b in batches:
        x = make_input(case_id, b)
        np.save(os.path.join(d, f"input_b{b}.npy"), x)
        np.save(os.path.join(d, f"keras_b{b}.npy"), np.asarray(model.predict(x, batch_size=b, verbose=0), np.float32))
    return d


# ------------------------------------------------------------------------------- PyTorch (child process)

TORCH_CHILD = r"""
import json, sys, time, numpy as np, torch, torch.nn as nn
folder, case_id, cfg, threads, iters, batch = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads); torch.set_num_interop_threads(1)

class LstmText(nn.Module):
    def __init__(s, c):
        super().__init__()
        s.embedding = nn.Embedding(c["vocab"], c["embed"])
        s.lstm = nn.LSTM(c["embed"], c["units"], batch_first=True)
        s.dense = nn.Linear(c["units"], 1)
    def forward(s, ids):
        _, (h, _) = s.lstm(s.embedding(ids))
        return torch.sigmoid(s.dense(h[-1]))

def t(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

def state_dict(c, w):
    # Keras layouts -> torch: Dense/LSTM kernels (in, out) -> (out, in); LSTM gates are i, f, c, o in both;
    # Keras's one LSTM bias is torch's bias_ih (bias_hh zero). MultiHeadAttention's query/key/value kernels
    # (d, heads, key_dim) -> rows of in_proj_weight (heads * key_dim, d); output kernel (heads, key_dim, d).
    if case_id == "lstm_text":
        lstm = [k for k in w if "/lstm" in k or k.startswith("lstm")]
        get = lambda leaf: next(w[k] for k in lstm if k.endswith("/" + leaf))
        u = c["units"]
        return {"embedding.weight": t(next(v for k, v in w.items() if k.endswith("embeddings"))),
                "lstm.weight_ih_l0": t(get("kernel").T), "lstm.weight_hh_l0": t(get("recurrent_kernel").T),
                "lstm.bias_ih_l0": t(get("bias")), "lstm.bias_hh_l0": torch.zeros(4 * u),
                "dense.weight": t(next(v for k, v in w.items() if k.startswith("dense") and k.endswith("kernel")).T),
                "dense.bias": t(next(v for k, v in w.items() if k.startswith("dense") and k.endswith("bias")))}
    sd, d = {}, c["d_model"]
    for i in range(c["layers"]):
        g = lambda name: w[name]
        p = f"layers.{i}."
        qkv = [g(f"attention_{i}/{n}/kernel").reshape(d, d).T for n in ("query", "key", "value")]
        sd[p + "self_attn.in_proj_weight"] = t(np.concatenate(qkv, 0))
        sd[p + "self_attn.in_proj_bias"] = t(np.concatenate(
            [g(f"attention_{i}/{n}/bias").reshape(d) for n in ("query", "key", "value")]))
        sd[p + "self_attn.out_proj.weight"] = t(g(f"attention_{i}/attention_output/kernel").reshape(d, d).T)
        sd[p + "self_attn.out_proj.bias"] = t(g(f"attention_{i}/attention_output/bias"))
        sd[p + "linear1.weight"], sd[p + "linear1.bias"] = t(g(f"ff1_{i}/kernel").T), t(g(f"ff1_{i}/bias"))
        sd[p + "linear2.weight"], sd[p + "linear2.bias"] = t(g(f"ff2_{i}/kernel").T), t(g(f"ff2_{i}/bias"))
        for n, k in (("norm1", "norm1"), ("norm2", "norm2")):
            sd[p + n + ".weight"], sd[p + n + ".bias"] = t(g(f"{k}_{i}/gamma")), t(g(f"{k}_{i}/beta"))
    return sd

def build(c):
    if case_id == "lstm_text":
        return LstmText(c)
    layer = lambda: nn.TransformerEncoderLayer(c["d_model"], c["heads"], c["ff"], dropout=0.0, activation="relu",
                                               layer_norm_eps=c["epsilon"], batch_first=True, norm_first=False)
    return nn.Sequential(*[layer() for _ in range(c["layers"])])

def named(sd):  # nn.Sequential's keys are "0.", "1.": the state dict above says "layers.<i>."
    return {k.replace("layers.", "", 1) if case_id != "lstm_text" else k: v for k, v in sd.items()}

w = dict(np.load(folder + "/weights.npz"))
sd = named(state_dict(cfg, w))
xn = np.load(f"{folder}/input_b{batch}.npy")
x = torch.from_numpy(xn.astype(np.int64) if xn.dtype.kind == "i" else xn)
# One-time start-up outside the cold measurement: a tiny unrelated module.
with torch.inference_mode():
    nn.Linear(4, 4)(torch.zeros(2, 4))
t0 = time.perf_counter()
m = build(cfg); m.load_state_dict(sd); m.eval()
with torch.inference_mode():
    y = m(x)
cold = (time.perf_counter() - t0) * 1e3
ref = np.load(f"{folder}/keras_b{batch}.npy")
diff = float(np.abs(y.numpy() - ref).max())
times = []
with torch.inference_mode():
    for _ in range(3): m(x)
    for _ in range(iters):
        s = time.perf_counter(); m(x); times.append((time.perf_counter() - s) * 1e3)
print(json.dumps({"cold": cold, "warm": sorted(times)[len(times) // 2], "max_abs_diff": diff,
                  "scale": float(np.abs(ref).max()), "torch": torch.__version__}))
"""

ORT_CHILD = r"""
import json, sys, time, numpy as np, onnxruntime as ort
folder, threads, iters, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.load(f"{folder}/input_b{batch}.npy")
t0 = time.perf_counter()
so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
s = ort.InferenceSession(folder + "/model.onnx", so, providers=["CPUExecutionProvider"])
feed = {s.get_inputs()[0].name: x}
y = s.run(None, feed)[0]
cold = (time.perf_counter() - t0) * 1e3
ref = np.load(f"{folder}/keras_b{batch}.npy")
diff = float(np.abs(y - ref).max())
for _ in range(3): s.run(None, feed)
times = []
for _ in range(iters):
    t = time.perf_counter(); s.run(None, feed); times.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"cold": cold, "warm": sorted(times)[len(times) // 2], "max_abs_diff": diff,
                  "scale": float(np.abs(ref).max()), "onnxruntime": ort.__version__}))
"""


def child_json(cmd, threads):
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def check_peer(who, case_id, batch, res):
    if not res["max_abs_diff"] <= REL_TOL * max(res["scale"], 1e-30):
        raise SystemExit(f"seq.py: {who} disagrees with Keras on {case_id} batch {batch}: max |diff| "
                         f"{res['max_abs_diff']:.3e}, output scale {res['scale']:.3e}")


def check_inlay(inlay, folder, batch):
    r = subprocess.run([inlay, "predict", os.path.join(folder, "model.keras"), "--input",
                        os.path.join(folder, f"input_b{batch}.npy"), "--expect",
                        os.path.join(folder, f"keras_b{batch}.npy"), "--atol", "1e-4", "--rtol", "1e-4"],
                       capture_output=True, text=True)
    return r.returncode == 0, ((r.stdout + r.stderr).strip().splitlines() or [""])[-1]


def run_inlay(inlay, folder, batch, threads, iters):
    r = subprocess.run([inlay, "bench", os.path.join(folder, "model.keras"), "--batch", str(batch), "--threads",
                        str(threads), "--iterations", str(iters), "--warmup", "3"], capture_output=True, text=True,
                       env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
    if r.returncode != 0:
        raise RuntimeError(f"inlay bench failed: {(r.stdout + r.stderr).strip()[:300]}")
    cold = float(re.search(r"cold \(first call, builds the plan\): ([0-9.]+) ms", r.stdout).group(1))
    warm = float(re.search(r"median ([0-9.]+) ms", r.stdout).group(1))
    return {"cold": cold, "warm": warm}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inlay", required=True, help="the inlay tool binary")
    ap.add_argument("--out", default="build/bench-seq")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--processes", type=int, default=3, help="fresh processes per implementation and cell")
    ap.add_argument("--quick", action="store_true", help="1 process, few timed calls (a smoke run)")
    ap.add_argument("--torch-python", default="/usr/bin/python3", help="a Python with torch and numpy")
    ap.add_argument("--impl", default="inlay,onnxruntime,pytorch")
    args = ap.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise SystemExit(f"seq.py: unknown case(s) {unknown}; known: {', '.join(CASES)}")
    impls = [i for i in args.impl.split(",") if i]
    batches = [int(b) for b in args.batches.split(",")]
    processes = 1 if args.quick else args.processes
    os.makedirs(args.out, exist_ok=True)
    results = []
    for case_id in cases:
        folder = make(case_id, args.out, batches)
        for batch in batches:
            iters = (5 if args.quick else 20) if batch == 1 else (3 if args.quick else 10)
            row = {"case": case_id, "description": CASES[case_id]["description"], "batch": batch,
                   "threads": args.threads}
            if "inlay" in impls:
                row["inlay_matches_keras"], row["inlay_check"] = check_inlay(args.inlay, folder, batch)
            cells = {i: [] for i in impls}
            for p in range(processes):
                for who in (impls if p % 2 == 0 else impls[::-1]):
                    try:
                        if who == "inlay":
                            res = run_inlay(args.inlay, folder, batch, args.threads, iters)
                        elif who == "onnxruntime":
                            res = child_json([sys.executable, "-c", ORT_CHILD, folder, str(args.threads),
                                              str(iters), str(batch)], args.threads)
                            check_peer(who, case_id, batch, res)
                        else:
                            res = child_json([args.torch_python, "-c", TORCH_CHILD, folder, case_id,
                                              json.dumps(CASES[case_id]), str(args.threads), str(iters),
                                              str(batch)], args.threads)
                            check_peer(who, case_id, batch, res)
                    except RuntimeError as e:
                        row[f"{who}_error"] = str(e).strip().splitlines()[-1][:300]
                        continue
                    cells[who].append(res)
            for who, vals in cells.items():
                for k in ("cold", "warm"):
                    row[f"{who}_{k}_ms"] = statistics.median(v[k] for v in vals) if vals else None
                if vals and "max_abs_diff" in vals[0]:
                    row[f"{who}_max_abs_diff"] = vals[0]["max_abs_diff"]
            results.append(row)
            print(json.dumps(row), flush=True)
    with open(os.path.join(args.out, "seq.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    print_table(results, impls)


def print_table(results, impls):
    def ms(v):
        return "n/a" if v is None else f"{v:.2f}"

    def ratio(a, b):
        return "n/a" if a is None or b is None else f"{a / b:.2f}"

    peers = [i for i in impls if i != "inlay"]
    head = ["case", "batch x threads"] + [f"{i} warm ms" for i in impls] + \
        [f"inlay / {p} warm" for p in peers if "inlay" in impls] + [f"{i} cold ms" for i in impls]
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results:
        cells = [r["case"], f"{r['batch']}x{r['threads']}"] + [ms(r.get(f"{i}_warm_ms")) for i in impls]
        if "inlay" in impls:
            cells += [ratio(r.get("inlay_warm_ms"), r.get(f"{p}_warm_ms")) for p in peers]
        cells += [ms(r.get(f"{i}_cold_ms")) for i in impls]
        print("| " + " | ".join(cells) + " |")
    for r in results:
        for k, v in r.items():
            if k.endswith("_error"):
                print(f"{r['case']} batch {r['batch']}: {k[:-6]} failed: {v}")
        if "inlay_matches_keras" in r and not r["inlay_matches_keras"]:
            print(f"{r['case']} batch {r['batch']}: inlay does not match Keras: {r['inlay_check']}")
    print("(inlay cold: first predict incl. plan build, load excluded; ONNX Runtime cold: session creation + first "
          "run; PyTorch cold: module construction + load_state_dict + first forward)")


if __name__ == "__main__":
    main()
