#!/usr/bin/env python3
"""Merges inlay_bench_overhead's JSON (inlay + raw oneDNN) with peers.py's (ONNX Runtime, PyTorch).

    python bench/report.py INLAY_JSON PEERS_JSON --md OUT.md --json OUT.json [--cases DIR/cases.json]

Writes a Markdown report (one table per case, then the issue's targets with PASS / FAIL computed from the
numbers) and the merged rows as JSON. Either input may be missing workloads, batches or optional keys
("machine", "extras", "inlay_keras_max_abs_diff", ...); what is missing shows as "-" / "n/a". An input path
that does not exist is read as empty (a report of the other side alone).

Ratio column: inlay median / implementation median, the time ratio (< 1: inlay is faster). For the same batch
it is also the implementation's samples/s over inlay's.
"""

import argparse
import json
import os
import sys

IMPLS = [  # id, label, source
    ("inlay", "inlay", "inlay"),
    ("raw", "raw oneDNN", "inlay"),
    ("onnxruntime", "ONNX Runtime (io_binding)", "peers"),
    ("onnxruntime (run)", "ONNX Runtime (run)", "peers"),
    ("pytorch", "PyTorch", "peers"),
    ("pytorch (jit)", "PyTorch (jit)", "peers"),
]
LABEL = {i: label for i, label, _ in IMPLS}
ORDER = {i: k for k, (i, _, _) in enumerate(IMPLS)}
ORT = ["onnxruntime", "onnxruntime (run)"]
TORCH = ["pytorch", "pytorch (jit)"]
PEERS = ORT + TORCH
STAT_KEYS = ["cold_us", "min_us", "median_us", "p90_us", "iterations", "samples_per_s", "gflop_per_s"]


def load(path):
    if not path or not os.path.exists(path):
        print(f"report.py: {path} not found, reporting without it", file=sys.stderr)
        return {}
    with open(path) as f:
        return json.load(f)


def num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def collect(inlay, peers, cases):
    """rows[(workload, batch)][impl] = dict of stats; info[workload] = description, flops."""
    rows, info, order = {}, {}, []

    def note(w):
        if w not in order:
            order.append(w)
        return info.setdefault(w, {})

    for c in cases:
        i = note(c["id"])
        i.setdefault("description", c.get("description"))
        i.setdefault("flops_per_sample", c.get("flops_per_sample"))
    for r in peers.get("results", []):
        w, b = r.get("workload"), r.get("batch")
        if w is None or b is None or r.get("impl") is None:
            continue
        note(w)
        rows.setdefault((w, b), {})[r["impl"]] = {k: r.get(k) for k in STAT_KEYS + ["max_abs_diff"]}
    for r in inlay.get("results", []):
        w, b = r.get("workload"), r.get("batch")
        if w is None or b is None:
            continue
        i = note(w)
        if r.get("description"):
            i["description"] = r["description"]
        if num(r.get("flops_per_sample")):
            i["flops_per_sample"] = r["flops_per_sample"]
        for side in ("raw", "inlay"):
            if isinstance(r.get(side), dict):
                d = {k: r[side].get(k) for k in STAT_KEYS}
                # inlay vs Keras when the C++ side compared with keras_b<B>.npy; else inlay vs raw.
                if side == "inlay":
                    d["max_abs_diff"] = r.get("inlay_keras_max_abs_diff")
                    d["max_abs_diff_vs_raw"] = r.get("max_abs_diff")
                else:
                    d["max_abs_diff"] = r.get("raw_keras_max_abs_diff")
                rows.setdefault((w, b), {})[side] = d
    return rows, info, order


def ratio(a, b):
    return a / b if num(a) and num(b) and b > 0 else None


def fmt(v, spec, none="-"):
    return none if num(v) is None else format(v, spec)


def fmt_ratio(v):
    if num(v) is None:
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def best(impls, ids, key="median_us"):
    """(id, stats) of the fastest of ids present in impls (by median), or (None, None)."""
    got = [(i, impls[i]) for i in ids if i in impls and num(impls[i].get(key))]
    return min(got, key=lambda t: t[1][key]) if got else (None, None)


def targets(rows, inlay_json):
    """The issue's targets: list of dicts {target, measured, status}."""
    out = []

    def add(target, measured, ok):
        out.append({"target": target, "measured": measured,
                    "status": "n/a" if ok is None else ("PASS" if ok else "FAIL")})

    def get(w, b):
        return rows.get((w, b), {})

    def med(d, i):
        return num(d.get(i, {}).get("median_us"))

    # logreg b1: inlay <= 1.5 us and faster than every peer.
    d = get("logreg", 1)
    m = med(d, "inlay")
    peers = {i: med(d, i) for i in PEERS if med(d, i) is not None}
    if m is None:
        add("logreg b1: inlay median <= 1.5 µs and faster than every peer", "no inlay result", None)
    else:
        fastest = min(peers.items(), key=lambda t: t[1]) if peers else None
        meas = f"inlay {m:.2f} µs" + (f"; fastest peer {LABEL[fastest[0]]} {fastest[1]:.2f} µs" if fastest else
                                        "; no peer results")
        add("logreg b1: inlay median <= 1.5 µs and faster than every peer", meas,
            m <= 1.5 and bool(peers) and all(m < v for v in peers.values()) if peers else None)

    # cnn b1: inlay <= 0.6x PyTorch and <= 1.0x ONNX Runtime (best variants).
    d = get("cnn", 1)
    m = med(d, "inlay")
    bt, st = best(d, TORCH)
    bo, so = best(d, ORT)
    if m is None or st is None or so is None:
        add("cnn b1: inlay time <= 0.6 x PyTorch and <= 1.0 x ONNX Runtime", "missing results", None)
    else:
        rt, ro = m / st["median_us"], m / so["median_us"]
        add("cnn b1: inlay time <= 0.6 x PyTorch and <= 1.0 x ONNX Runtime",
            f"inlay {m:.1f} µs = {rt:.2f} x {LABEL[bt]} ({st['median_us']:.1f} µs), {ro:.2f} x {LABEL[bo]} "
            f"({so['median_us']:.1f} µs)", rt <= 0.6 and ro <= 1.0)

    # cnn b64: inlay images/s >= 1.3x PyTorch and >= 1.0x ONNX Runtime.
    d = get("cnn", 64)
    m = med(d, "inlay")
    bt, st = best(d, TORCH)
    bo, so = best(d, ORT)
    if m is None or st is None or so is None:
        add("cnn b64: inlay images/s >= 1.3 x PyTorch and >= 1.0 x ONNX Runtime", "missing results", None)
    else:
        rt, ro = st["median_us"] / m, so["median_us"] / m
        add("cnn b64: inlay images/s >= 1.3 x PyTorch and >= 1.0 x ONNX Runtime",
            f"inlay {64 / (m * 1e-6):.0f}/s = {rt:.2f} x {LABEL[bt]}, {ro:.2f} x {LABEL[bo]}",
            rt >= 1.3 and ro >= 1.0)

    # inlay GFLOP/s against raw oneDNN (same flops, same batch: the ratio of the medians).
    for w, b, frac, extra_torch in [("dense4096", 256, 0.90, False), ("conv56", 1, 0.95, False),
                                     ("conv56", 32, 0.95, False), ("conv7x7s2", 1, 0.95, True)]:
        d = get(w, b)
        m, r = med(d, "inlay"), med(d, "raw")
        name = f"{w} b{b}: inlay GFLOP/s >= {frac:.0%} of raw oneDNN" + (" and faster than PyTorch"
                                                                         if extra_torch else "")
        if m is None or r is None:
            add(name, "missing results", None)
            continue
        eff = r / m
        meas = f"inlay {d['inlay'].get('gflop_per_s') or 0:.1f} vs raw {d['raw'].get('gflop_per_s') or 0:.1f} " \
               f"GFLOP/s = {eff:.1%}"
        ok = eff >= frac
        if extra_torch:
            bt, st = best(d, TORCH)
            if st is None:
                meas += "; no PyTorch result"
                ok = None if ok else False
            else:
                meas += f"; inlay {m:.0f} µs vs {LABEL[bt]} {st['median_us']:.0f} µs"
                ok = ok and m < st["median_us"]
        add(name, meas, ok)

    # cold cnn: inlay load + first predict <= 5 ms.
    # With --models the C++ side's inlay cold time includes loading model.keras ("load_us" reports that
    # part); without, it is the first predict of a model built through the C ABI.
    extras = inlay_json.get("extras") or {}
    cold, src = None, ""
    for key, scale in (("cnn_cold_load_predict_ms", 1.0), ("cnn_cold_load_predict_us", 1e-3)):
        if num(extras.get(key)) is not None:
            cold, src = extras[key] * scale, f"extras.{key}"
            break
    else:
        r = next((r for r in inlay_json.get("results", []) if r.get("workload") == "cnn" and r.get("batch") == 1),
                 None)
        c = num(((r or {}).get("inlay") or {}).get("cold_us"))
        if c is not None:
            cold = c * 1e-3
            load_us = num(r.get("load_us"))
            src = (f"of which load {load_us * 1e-3:.2f} ms" if load_us is not None else
                   "first predict only: no model load in this run")
    add("cold cnn: inlay load + first predict <= 5 ms",
        f"{cold:.2f} ms ({src})" if cold is not None else "no result",
        None if cold is None else (cold <= 5.0 if "no model load" not in src else None))

    # Extras the C++ side may report.
    if num(extras.get("dense_chain_10000_build_ms")) is not None:
        v = extras["dense_chain_10000_build_ms"]
        units = extras.get("dense_chain_units")
        add(f"10,000-layer Dense chain{f' ({units} units)' if units else ''}: build <= 20 ms", f"{v:.2f} ms",
            v <= 20)
    if num(extras.get("warm_allocations_inlay")) is not None:
        v = extras["warm_allocations_inlay"]
        add("warm predict: no heap allocation added by inlay", f"{v:g} per call", v <= 0)
    else:
        # Per result: heap allocations per warm call of each side (the raw side's are oneDNN's / OpenMP's
        # own); inlay's added count is the difference.
        added = [(r["inlay_allocs_per_call"] - r["raw_allocs_per_call"], r["workload"], r["batch"])
                 for r in inlay_json.get("results", [])
                 if num(r.get("inlay_allocs_per_call")) is not None and num(r.get("raw_allocs_per_call")) is not None]
        if added:
            worst = max(added, key=lambda t: t[0])
            add("warm predict: no heap allocation added by inlay (inlay - raw allocations per call)",
                f"max {worst[0]:+g} ({worst[1]} b{worst[2]}) over {len(added)} measurements", worst[0] <= 0)
    peak = extras.get("cnn_b64_peak") if isinstance(extras.get("cnn_b64_peak"), dict) else {}
    v = num(extras.get("cnn_b64_peak_bytes", peak.get("peak_bytes")))
    if v is not None:
        bound = num(extras.get("cnn_b64_peak_bound_bytes", peak.get("bound_bytes")))
        add("cnn b64: peak heap <= bound", f"{v / 2**20:.2f} MiB" + (
            f" vs bound {bound / 2**20:.2f} MiB" if bound is not None else " (no bound reported)"),
            None if bound is None else v <= bound)
    return out


def markdown(rows, info, order, inlay, peers, tgts):
    machine = inlay.get("machine") or {}
    peak = num(machine.get("fp32_peak_gflops"))
    ic, pc = inlay.get("context") or {}, peers.get("context") or {}
    L = ["# inlay vs raw oneDNN, ONNX Runtime and PyTorch", ""]
    ctx = []
    if pc.get("cpu"):
        ctx.append(f"CPU: {pc['cpu']} ({pc.get('logical_cpus', '?')} logical CPUs)" +
                   (f", oneDNN ISA {ic['cpu_isa']}" if ic.get("cpu_isa") else ""))
    elif ic.get("cpu_isa"):
        ctx.append(f"oneDNN ISA {ic['cpu_isa']}")
    threads = [f"inlay/raw: OpenMP {ic['omp_threads']}" if "omp_threads" in ic else None,
               f"inlay model {ic['inlay_threads']}" if "inlay_threads" in ic else None,
               f"peers: {pc['threads']}" if "threads" in pc else None]
    ctx.append("Threads: " + ", ".join(t for t in threads if t))
    vers = [f"inlay {ic['inlay_version']}" if ic.get("inlay_version") else None,
            f"oneDNN {ic['onednn_version']}" if ic.get("onednn_version") else None,
            f"ONNX Runtime {pc['onnxruntime']}" if pc.get("onnxruntime") else None,
            f"PyTorch {pc['pytorch']}" if pc.get("pytorch") else None,
            f"Python {pc['python']}" if pc.get("python") else None,
            f"NumPy {pc['numpy']}" if pc.get("numpy") else None]
    ctx.append("Versions: " + ", ".join(v for v in vers if v))
    if pc.get("pytorch_blas"):
        ctx.append(f"PyTorch's BLAS (nn.Linear, small convolutions): {pc['pytorch_blas']}")
    if peak is not None or num(machine.get("memory_bandwidth_gbs")) is not None:
        ctx.append("Machine: " + ", ".join(x for x in [
            f"fp32 peak {peak:.0f} GFLOP/s" if peak is not None else None,
            f"memory bandwidth {machine['memory_bandwidth_gbs']:.1f} GB/s"
            if num(machine.get("memory_bandwidth_gbs")) is not None else None] if x))
    if ic.get("precision"):
        ctx.append(f"inlay precision: {ic['precision']}" + (
            " (3x3 stride-1 convolutions of 32+ channels use Winograd's algorithm, in inlay and raw oneDNN alike)"
            if ic["precision"] == "float32" else " (every convolution direct, in inlay and raw oneDNN alike)"))
    quick = [s for s, c in (("inlay", ic), ("peers", pc)) if c.get("quick")]
    if quick:
        ctx.append(f"**--quick run** ({', '.join(quick)}): short measurements, read as rough numbers")
    L += [f"- {c}" for c in ctx] + [""]
    L += ["Per call, warm: median and p90 of individually timed calls (µs); samples/s and GFLOP/s from the "
          "median. **inlay/impl** = inlay median / the row's median: < 1 means inlay is faster (it is also "
          "the row's samples/s over inlay's). Cold: a single shot - inlay: loading model.keras (when the C++ "
          "side ran with --models) + the first predict, plan compilation included (see bench/README.md); "
          "raw oneDNN: primitive creation + first execute; "
          "ONNX Runtime: session creation from model.onnx + first run; PyTorch: module construction + "
          "torch.load + first forward (+ trace, freeze and optimize_for_inference for jit). max|diff|: against Keras's predict "
          "(inlay: against raw oneDNN when the C++ side did not compare with Keras, marked *).", ""]

    for w in order:
        batches = sorted(b for (ww, b) in rows if ww == w)
        if not batches:
            continue
        i = info.get(w, {})
        flops = num(i.get("flops_per_sample"))
        title = f"### `{w}`" + (f": {i['description']}" if i.get("description") else "")
        if flops:
            title += f" ({flops / 1e6:,.2f} MFLOP per sample)" if flops >= 1e5 else f" ({flops:,.0f} FLOP per sample)"
        L += [title, ""]
        head = ["batch", "implementation", "cold ms", "median µs", "p90 µs", "samples/s", "GFLOP/s"]
        if peak is not None:
            head.append("% fp32 peak")
        head += ["inlay/impl", "max\\|diff\\|"]
        L.append("| " + " | ".join(head) + " |")
        L.append("|" + "|".join("---:" if h not in ("implementation",) else "---" for h in head) + "|")
        for b in batches:
            d = rows[(w, b)]
            inl = num(d.get("inlay", {}).get("median_us"))
            for impl in sorted(d, key=lambda k: ORDER.get(k, 99)):
                s = d[impl]
                med = num(s.get("median_us"))
                gf = num(s.get("gflop_per_s"))
                label = LABEL.get(impl, impl)
                if impl == "inlay":
                    label = "**inlay**"
                cells = [str(b), label, fmt(ratio(s.get("cold_us"), 1e3), ".3f" if (s.get("cold_us") or 0) < 1e4
                                                                       else ".1f"),
                         fmt(med, ".2f" if (med or 0) < 100 else ".1f" if (med or 0) < 1e4 else ".0f"),
                         fmt(s.get("p90_us"), ".2f" if (s.get("p90_us") or 0) < 100 else ".1f"
                             if (s.get("p90_us") or 0) < 1e4 else ".0f"),
                         fmt(s.get("samples_per_s"), ",.0f"), fmt(gf, ".2f" if (gf or 0) < 10 else ".1f")]
                if peak is not None:
                    cells.append(fmt(100 * gf / peak if gf is not None else None, ".1f"))
                cells.append("1" if impl == "inlay" and inl else fmt_ratio(ratio(inl, med)))
                diff = s.get("max_abs_diff")
                star = ""
                if diff is None and impl == "inlay" and num(s.get("max_abs_diff_vs_raw")) is not None:
                    diff, star = s["max_abs_diff_vs_raw"], "*"
                cells.append(fmt(diff, ".1e") + star)
                L.append("| " + " | ".join(cells) + " |")
        L.append("")

    L += ["## Targets", "", "| target | measured | status |", "|---|---|:---:|"]
    for t in tgts:
        st = {"PASS": "**PASS**", "FAIL": "**FAIL**"}.get(t["status"], t["status"])
        L.append(f"| {t['target']} | {t['measured']} | {st} |")
    L += ["", "PyTorch and ONNX Runtime targets use the faster of each library's two variants (eager / jit; "
          "io_binding / run). n/a: a result the target needs is missing from the inputs.", ""]
    extras = inlay.get("extras")
    if extras:
        L += ["Extras reported by the C++ side: " + ", ".join(
            f"`{k}` = {json.dumps(v) if isinstance(v, (dict, list)) else v}" for k, v in extras.items()), ""]
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inlay_json", help="inlay_bench_overhead --json output")
    ap.add_argument("peers_json", help="peers.py --json output")
    ap.add_argument("--md", required=True, help="write the Markdown report here")
    ap.add_argument("--json", required=True, help="write the merged results here")
    ap.add_argument("--cases", help="models.py's cases.json (descriptions and FLOPs for every case)")
    args = ap.parse_args()
    inlay, peers = load(args.inlay_json), load(args.peers_json)
    cases = load(args.cases) if args.cases else []
    rows, info, order = collect(inlay, peers, cases if isinstance(cases, list) else [])
    tgts = targets(rows, inlay)
    md = markdown(rows, info, order, inlay, peers, tgts)

    merged = []
    for w in order:
        for (ww, b) in sorted(k for k in rows if k[0] == w):
            d = rows[(ww, b)]
            inl = num(d.get("inlay", {}).get("median_us"))
            peak = num((inlay.get("machine") or {}).get("fp32_peak_gflops"))
            for impl in sorted(d, key=lambda k: ORDER.get(k, 99)):
                s = dict(d[impl])
                gf = num(s.get("gflop_per_s"))
                merged.append({"workload": w, "batch": b, "impl": impl, "label": LABEL.get(impl, impl), **s,
                               "inlay_over_impl_median": ratio(inl, s.get("median_us")),
                               "pct_fp32_peak": 100 * gf / peak if gf is not None and peak else None})
    out = {"context": {"inlay": inlay.get("context"), "peers": peers.get("context")},
           "machine": inlay.get("machine"), "extras": inlay.get("extras"),
           "cases": {w: info[w] for w in order}, "results": merged, "targets": tgts}
    for p in (args.md, args.json):
        os.makedirs(os.path.dirname(os.path.abspath(p)), exist_ok=True)
    with open(args.md, "w") as f:
        f.write(md if md.endswith("\n") else md + "\n")
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
