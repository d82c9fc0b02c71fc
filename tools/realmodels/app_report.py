"""Prints the table of issue 16 for model folders written by make_app_models.py: model, params (Keras's
summary), whether inlay loads it, whether `inlay summary` is Keras's byte for byte, the largest |inlay - Keras|
over batch 1 and 3 (and whether it is within 1e-4 + 1e-4 * |ref|).
usage: python3 tools/realmodels/app_report.py INLAY_BINARY DIR [DIR ...]   (DIR: a folder of model folders)
"""
import os
import re
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def npy(folder, prefix, batch):
    one = os.path.join(folder, f"{prefix}_b{batch}.npy")
    if os.path.exists(one):
        return [one]
    names = [f for f in os.listdir(folder) if re.fullmatch(rf"{prefix}_\d+_b{batch}\.npy", f)]
    return [os.path.join(folder, f) for f in sorted(names, key=lambda f: int(f.split("_")[-2]))]


def row(inlay, folder):
    name = os.path.basename(folder)
    summary_txt = open(os.path.join(folder, "summary.txt"), encoding="utf-8").read()
    m = re.search(r"Total params: ([\d,]+)", summary_txt)
    params = m.group(1) if m else "?"
    rc, out = run([inlay, "summary", os.path.join(folder, "model.keras")])
    loads = rc == 0
    summary = "yes" if loads and out == summary_txt else "no"
    if not loads:
        return name, params, "no: " + out.strip().splitlines()[-1][:110], "-", "-"
    diffs, ok = [], True
    for batch in (1, 3):
        args = [inlay, "predict", os.path.join(folder, "model.keras"), "--atol", "1e-4", "--rtol", "1e-4"]
        for f in npy(folder, "input", batch):
            args += ["--input", f]
        for f in npy(folder, "expected", batch):
            args += ["--expect", f]
        rc, out = run(args)
        ok = ok and rc == 0
        diffs += [float(d) for d in re.findall(r"max \|difference\| ([0-9.eE+-]+|nan|inf)", out)]
        if rc == 2:
            return name, params, "yes", summary, "predict: " + out.strip().splitlines()[-1][:110]
    diff = f"{max(diffs):.2e}" if diffs else "?"
    return name, params, "yes", summary, diff + ("" if ok else " (over tolerance)")


def main():
    inlay, dirs = sys.argv[1], sys.argv[2:]
    print("| model | params | loads | summary identical | max abs diff (b1, b3) |")
    print("|---|---|---|---|---|")
    for d in dirs:
        for name in sorted(os.listdir(d)):
            folder = os.path.join(d, name)
            if os.path.exists(os.path.join(folder, "model.keras")):
                print("| " + " | ".join(row(inlay, folder)) + " |", flush=True)


if __name__ == "__main__":
    main()
