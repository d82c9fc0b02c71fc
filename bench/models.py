#!/usr/bin/env python3
"""The benchmark's Keras models, written once for every implementation that runs them.

    python bench/models.py --out DIR [--cases logreg,cnn,...] [--no-pytorch]

For each case, DIR/<id>/ gets:

* ``model.keras``          the Keras model (``model.save``);
* ``weights_<k>.npy``      ``model.get_weights()[k]``, Keras layouts (Dense kernel ``(in, units)``, Conv2D
                           kernel ``(kh, kw, in, filters)``, bias ``(units,)``);
* ``input_b<B>.npy``       the input for batch B (NHWC / (N, features), float32, uniform(-1, 1));
* ``keras_b<B>.npy``       Keras's ``predict`` on it: the reference every implementation is checked against;
* ``model.onnx``           the same model in ONNX (opset 17), built with ``onnx.helper`` from the same weights;
* ``model.pt``             the PyTorch ``state_dict`` of the same model (see ``build_torch_module``);

and DIR/cases.json lists the cases. Before it returns, ONNX Runtime's and PyTorch's outputs are compared
with Keras's for every case and batch; any disagreement (max |diff| > 1e-4 x max |Keras output|) is an error.

Layout choices (the same for ONNX and PyTorch):

* Convolutions run NCHW, the native layout of both peers: the input is transposed once, outside any
  timing, and ``input_shape_nchw`` in cases.json gives the shape they take.
* Keras's ``padding="same"`` is TensorFlow's: total padding ``max((ceil(in/s)-1)*s + k - in, 0)``, the odd
  element on the bottom/right. ONNX gets those as explicit ``pads``; PyTorch gets ``Conv2d(padding=p)``
  when both sides are equal and an explicit ``nn.ZeroPad2d`` before ``Conv2d(padding=0)`` when they are
  not (``conv7x7s2``: 2 on top/left, 3 on bottom/right; torch 1.13's ``padding="same"`` is stride-1 only).
* Keras flattens NHWC (index ``(h*W + w)*C + c``); the NCHW peers flatten ``(c*H + h)*W + w``. Instead
  of a Transpose back to NHWC before Flatten (an extra copy on every call), the following Dense kernel's
  rows are permuted once into NCHW order: the same function, no extra operator.

The Keras models are built and run with Keras 3's "numpy" backend (KERAS_BACKEND=numpy, the default
here), which runs convolutions through jax.lax, so jax must be installed too (see requirements.txt).
"""

import argparse
import json
import os
import sys
import time
import zlib

import numpy as np

SEED = 1234

# id -> description, Keras input shape (without batch), batches, layers (Input excluded). Ids are shared
# with bench/overhead.cpp.
CASES = [
    {
        "id": "logreg",
        "description": "Input(32) -> Dense(16, softmax)",
        "input_shape": [32],
        "batches": [1, 32, 64],
        "spec": [{"type": "Dense", "units": 16, "activation": "softmax"}],
    },
    {
        "id": "cnn",
        "description": "Input(28,28,1) -> Conv2D(32,3,relu) -> Conv2D(64,3,relu) -> Flatten -> Dense(10,softmax)",
        "input_shape": [28, 28, 1],
        "batches": [1, 64],
        "spec": [
            {"type": "Conv2D", "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
             "activation": "relu"},
            {"type": "Conv2D", "filters": 64, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
             "activation": "relu"},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
    },
    {
        "id": "dense4096",
        "description": "Input(4096) -> Dense(4096) (linear, with bias)",
        "input_shape": [4096],
        "batches": [1, 256],
        "spec": [{"type": "Dense", "units": 4096, "activation": "linear"}],
    },
    {
        "id": "conv56",
        "description": "Input(56,56,64) -> Conv2D(64,3,same) (linear, with bias)",
        "input_shape": [56, 56, 64],
        "batches": [1, 32],
        "spec": [
            {"type": "Conv2D", "filters": 64, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
             "activation": "linear"},
        ],
    },
    {
        "id": "conv7x7s2",
        "description": "Input(224,224,3) -> Conv2D(64,7,strides=2,same) (linear, with bias)",
        "input_shape": [224, 224, 3],
        "batches": [1],
        "spec": [
            {"type": "Conv2D", "filters": 64, "kernel_size": [7, 7], "strides": [2, 2], "padding": "same",
             "activation": "linear"},
        ],
    },
]
CASE_IDS = [c["id"] for c in CASES]

# Allowed max |peer - Keras|, relative to max |Keras output| (the brief: 1e-4 of the output scale).
REL_TOL = 1e-4


def input_seed(case_id, batch):
    """The RandomState seed of a case's input at a batch size (stable across runs and platforms)."""
    return zlib.crc32(f"{case_id}/b{batch}".encode()) & 0x7FFFFFFF


def make_input(case, batch):
    rs = np.random.RandomState(input_seed(case["id"], batch))
    return rs.uniform(-1.0, 1.0, size=[batch] + list(case["input_shape"])).astype(np.float32)


def same_pads(size, k, s):
    """TensorFlow's 'same' padding along one dimension: (before, after), the odd one after."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv_geometry(in_hw, spec):
    """(pads ((top, bottom), (left, right)), output (h, w)) of a Conv2D spec on an (h, w) input."""
    pads, out = [], []
    for d in range(2):
        k, s = spec["kernel_size"][d], spec["strides"][d]
        p = same_pads(in_hw[d], k, s) if spec["padding"] == "same" else (0, 0)
        pads.append(p)
        out.append((in_hw[d] + p[0] + p[1] - k) // s + 1)
    return pads, out


def walk(case):
    """Per layer: (spec, input shape, output shape), Keras shapes without batch (NHWC / (features,))."""
    shape = list(case["input_shape"])
    out = []
    for spec in case["spec"]:
        t = spec["type"]
        if t == "Conv2D":
            _, hw = conv_geometry(shape[:2], spec)
            new = hw + [spec["filters"]]
        elif t == "Flatten":
            new = [int(np.prod(shape))]
        elif t == "Dense":
            new = shape[:-1] + [spec["units"]]
        else:
            raise ValueError(f"unknown layer type {t}")
        out.append((spec, shape, new))
        shape = new
    return out


def flops_per_sample(case):
    """2 x multiply-adds of the Dense and Conv2D layers, per sample."""
    total = 0
    for spec, shape_in, shape_out in walk(case):
        if spec["type"] == "Dense":
            total += 2 * shape_in[-1] * spec["units"]
        elif spec["type"] == "Conv2D":
            kh, kw = spec["kernel_size"]
            total += 2 * shape_out[0] * shape_out[1] * spec["filters"] * kh * kw * shape_in[-1]
    return total


def output_shape(case):
    return walk(case)[-1][2]


def nchw(shape):
    """Keras (h, w, c) -> (c, h, w); other shapes unchanged."""
    return [shape[2], shape[0], shape[1]] if len(shape) == 3 else list(shape)


def to_peer_layout(x):
    """Keras input (NHWC / NC) -> the peers' layout (NCHW / NC), C-contiguous."""
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)) if x.ndim == 4 else np.ascontiguousarray(x)


def from_peer_layout(y):
    """A peer's output (NCHW / NC) -> Keras's layout (NHWC / NC), for comparisons (never timed)."""
    return y.transpose(0, 2, 3, 1) if y.ndim == 4 else y


def peer_weights(case, weights):
    """Keras weights -> per layer (kernel, bias) in the peers' layouts:
    Dense: (out, in) (rows in NCHW flatten order after a Flatten of a conv output); Conv2D: (out, in, kh, kw)."""
    out = []
    k = 0
    prev_hwc = None  # the 3-D shape a Flatten flattened, if the Dense follows one
    for spec, shape_in, _ in walk(case):
        t = spec["type"]
        if t == "Flatten":
            prev_hwc = shape_in if len(shape_in) == 3 else None
            out.append(None)
            continue
        kernel, bias = weights[k], weights[k + 1]
        k += 2
        if t == "Dense":
            if prev_hwc is not None:
                h, w, c = prev_hwc
                kernel = kernel.reshape(h, w, c, -1).transpose(2, 0, 1, 3).reshape(h * w * c, -1)
            out.append((np.ascontiguousarray(kernel.T), bias))
        else:
            out.append((np.ascontiguousarray(kernel.transpose(3, 2, 0, 1)), bias))
        prev_hwc = None
    return out


# ---------------------------------------------------------------------------------------------- Keras

def build_keras(case):
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    layers = [keras.Input(tuple(case["input_shape"]))]
    for spec in case["spec"]:
        t = spec["type"]
        if t == "Dense":
            layers.append(keras.layers.Dense(spec["units"], activation=spec["activation"]))
        elif t == "Conv2D":
            layers.append(keras.layers.Conv2D(spec["filters"], tuple(spec["kernel_size"]),
                                              strides=tuple(spec["strides"]), padding=spec["padding"],
                                              activation=spec["activation"]))
        elif t == "Flatten":
            layers.append(keras.layers.Flatten())
    model = keras.Sequential(layers, name=case["id"])
    # Biases uniform(-0.1, 0.1) (Keras's zeros would leave the bias adds untested), kernels as initialized.
    rs = np.random.RandomState(SEED)
    weights = model.get_weights()
    for i, w in enumerate(weights):
        if w.ndim == 1:
            weights[i] = rs.uniform(-0.1, 0.1, size=w.shape).astype(np.float32)
    model.set_weights(weights)
    return model


# ----------------------------------------------------------------------------------------------- ONNX

def build_onnx(case, weights):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    pw = peer_weights(case, weights)
    nodes, inits = [], []
    cur = "input"
    for i, ((spec, shape_in, _), w) in enumerate(zip(walk(case), pw)):
        t = spec["type"]
        name = f"l{i}_{t.lower()}"
        out = f"{name}_out"
        if t == "Conv2D":
            (pt, pb), (pl, pr) = conv_geometry(shape_in[:2], spec)[0]
            inits += [numpy_helper.from_array(w[0], f"{name}/kernel"), numpy_helper.from_array(w[1], f"{name}/bias")]
            nodes.append(helper.make_node("Conv", [cur, f"{name}/kernel", f"{name}/bias"], [out], name=name,
                                          kernel_shape=list(spec["kernel_size"]), strides=list(spec["strides"]),
                                          pads=[pt, pl, pb, pr], dilations=[1, 1], group=1))
        elif t == "Dense":
            # Gemm(A, B^T): B stored (out, in) as the peers' Dense kernel, transB=1.
            inits += [numpy_helper.from_array(w[0], f"{name}/kernel"), numpy_helper.from_array(w[1], f"{name}/bias")]
            nodes.append(helper.make_node("Gemm", [cur, f"{name}/kernel", f"{name}/bias"], [out], name=name,
                                          transB=1))
        elif t == "Flatten":
            nodes.append(helper.make_node("Flatten", [cur], [out], name=name, axis=1))
        cur = out
        act = spec.get("activation", "linear")
        if act == "relu":
            nodes.append(helper.make_node("Relu", [cur], [f"{name}_relu"], name=f"{name}_relu"))
            cur = f"{name}_relu"
        elif act == "softmax":
            nodes.append(helper.make_node("Softmax", [cur], [f"{name}_softmax"], name=f"{name}_softmax", axis=-1))
            cur = f"{name}_softmax"
        elif act != "linear":
            raise ValueError(f"activation {act}")
    nodes[-1].output[0] = "output"
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N"] + nchw(case["input_shape"]))
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N"] + nchw(output_shape(case)))
    graph = helper.make_graph(nodes, case["id"], [x], [y], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="inlay-bench")
    model.ir_version = 8  # opset 17's IR version; accepted by every ONNX Runtime that knows opset 17
    onnx.checker.check_model(model, full_check=True)
    return model


# -------------------------------------------------------------------------------------------- PyTorch

def build_torch_module(case):
    """An nn.Module computing the Keras model on NCHW / NC inputs (weights uninitialized: load model.pt
    or ``torch_state_dict``)."""
    import torch.nn as nn

    mods = []
    for spec, shape_in, shape_out in walk(case):
        t = spec["type"]
        if t == "Conv2D":
            (pt, pb), (pl, pr) = conv_geometry(shape_in[:2], spec)[0]
            if pt == pb and pl == pr:
                conv = nn.Conv2d(shape_in[-1], spec["filters"], tuple(spec["kernel_size"]),
                                 stride=tuple(spec["strides"]), padding=(pt, pl))
                mods.append(conv)
            else:
                # TF 'same' with an odd total: asymmetric, which Conv2d's padding cannot express.
                mods.append(nn.ZeroPad2d((pl, pr, pt, pb)))
                mods.append(nn.Conv2d(shape_in[-1], spec["filters"], tuple(spec["kernel_size"]),
                                      stride=tuple(spec["strides"]), padding=0))
        elif t == "Dense":
            mods.append(nn.Linear(shape_in[-1], spec["units"]))
        elif t == "Flatten":
            mods.append(nn.Flatten())
        act = spec.get("activation", "linear")
        if act == "relu":
            mods.append(nn.ReLU())
        elif act == "softmax":
            mods.append(nn.Softmax(dim=-1))
    return nn.Sequential(*mods)


def torch_state_dict(case, weights):
    import torch

    module = build_torch_module(case)
    params = [m for m in module if hasattr(m, "weight")]
    pw = [w for w in peer_weights(case, weights) if w is not None]
    assert len(params) == len(pw)
    with torch.no_grad():
        for m, (k, b) in zip(params, pw):
            assert tuple(m.weight.shape) == k.shape, (m.weight.shape, k.shape)
            m.weight.copy_(torch.from_numpy(k))
            m.bias.copy_(torch.from_numpy(b))
    return module.state_dict()


# ------------------------------------------------------------------------------------------------ main

def check(what, ref, got):
    if got.shape != ref.shape:
        raise SystemExit(f"models.py: {what}: shape {got.shape} != Keras's {ref.shape}")
    diff = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64))))
    scale = float(np.max(np.abs(ref)))
    if not np.all(np.isfinite(got)) or not diff <= REL_TOL * max(scale, 1e-30):
        raise SystemExit(f"models.py: {what} DISAGREES with Keras: max |diff| {diff:.3e}, output scale "
                         f"{scale:.3e} (tolerance {REL_TOL:g} x scale)")
    return diff


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="directory to write (created)")
    ap.add_argument("--cases", default=",".join(CASE_IDS), help="comma-separated case ids (default: all)")
    ap.add_argument("--no-pytorch", action="store_true",
                    help="skip model.pt and the PyTorch check (when torch is not installed)")
    ap.add_argument("--threads", type=int, default=2, help="threads for the verification runs (default 2)")
    args = ap.parse_args()

    os.environ.setdefault("KERAS_BACKEND", "numpy")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    ids = [c for c in args.cases.split(",") if c]
    for i in ids:
        if i not in CASE_IDS:
            raise SystemExit(f"models.py: unknown case {i} (known: {', '.join(CASE_IDS)})")
    cases = [c for c in CASES if c["id"] in ids]

    import keras
    import onnx
    import onnxruntime as ort

    torch = None
    if not args.no_pytorch:
        try:
            import torch
        except ImportError as e:
            raise SystemExit(f"models.py: PyTorch is not importable ({e}); install it (Debian: apt-get install "
                             "python3-torch) or pass --no-pytorch")
        torch.set_num_threads(args.threads)

    t_start = time.perf_counter()
    os.makedirs(args.out, exist_ok=True)
    listing = []
    for case in cases:
        d = os.path.join(args.out, case["id"])
        os.makedirs(d, exist_ok=True)
        model = build_keras(case)
        weights = model.get_weights()
        model.save(os.path.join(d, "model.keras"))
        for k, w in enumerate(weights):
            np.save(os.path.join(d, f"weights_{k}.npy"), w)

        onnx_model = build_onnx(case, weights)
        onnx.save(onnx_model, os.path.join(d, "model.onnx"))
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(os.path.join(d, "model.onnx"), so, providers=["CPUExecutionProvider"])

        tmod = None
        if torch is not None:
            torch.save(torch_state_dict(case, weights), os.path.join(d, "model.pt"))
            tmod = build_torch_module(case)
            tmod.load_state_dict(torch.load(os.path.join(d, "model.pt")))
            tmod.eval()

        diffs = {}
        for b in case["batches"]:
            x = make_input(case, b)
            ref = model.predict(x, batch_size=b, verbose=0).astype(np.float32)
            np.save(os.path.join(d, f"input_b{b}.npy"), x)
            np.save(os.path.join(d, f"keras_b{b}.npy"), ref)
            xp = to_peer_layout(x)
            diffs[f"onnxruntime_b{b}"] = check(f"{case['id']} batch {b}: ONNX Runtime", ref,
                                               from_peer_layout(sess.run(["output"], {"input": xp})[0]))
            if tmod is not None:
                with torch.inference_mode():
                    got = from_peer_layout(tmod(torch.from_numpy(xp)).numpy())
                diffs[f"pytorch_b{b}"] = check(f"{case['id']} batch {b}: PyTorch", ref, got)
        del sess

        layers = walk(case)
        listing.append({
            "id": case["id"],
            "description": case["description"],
            "input_shape": case["input_shape"],
            "input_shape_nchw": nchw(case["input_shape"]),
            "output_shape": output_shape(case),
            "batches": case["batches"],
            "flops_per_sample": flops_per_sample(case),
            "layers": [spec["type"] for spec, _, _ in layers],
            "spec": case["spec"],
            "input_seeds": {str(b): input_seed(case["id"], b) for b in case["batches"]},
            "weight_shapes": [list(w.shape) for w in weights],
            "max_abs_diff_vs_keras": diffs,
        })
        print(f"models.py: {case['id']:<10} {len(weights)} weights, batches {case['batches']}, "
              f"max |peer - keras| " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()), flush=True)

    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(listing, f, indent=1)
        f.write("\n")
    print(f"models.py: wrote {len(listing)} cases to {args.out} (Keras {keras.__version__}, backend "
          f"{keras.backend.backend()}, ONNX {onnx.__version__}, ONNX Runtime {ort.__version__}"
          + (f", PyTorch {torch.__version__}" if torch is not None else ", PyTorch skipped")
          + f") in {time.perf_counter() - t_start:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
