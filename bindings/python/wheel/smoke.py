"""The wheel as a new user meets it: `import inlay` in a fresh virtualenv, then every Keras model of
tests/fixtures/predict_cases.json loaded from its .keras file and predicted, against the output Keras recorded.

Run by bindings/python/wheel/ci.sh with the test venv's python, INLAY_LIBRARY unset, from a directory outside
the source tree (so that `import inlay` can only be the installed wheel). Exits non-zero on any difference.

    python smoke.py FIXTURES_DIR
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

import inlay


def main() -> int:
    fixtures = Path(sys.argv[1])
    package_dir = Path(inlay.__file__).resolve().parent
    print(f"inlay {inlay.__version__} from {package_dir}")
    print(f"library: {inlay.library_path} (source: {inlay.library_source})")
    info = inlay.runtime_info()
    print(f"runtime: oneDNN {info['onednn_version']}, {info['engine']}, {info['hardware_threads']} hardware threads")
    if "INLAY_LIBRARY" in os.environ:
        print("error: INLAY_LIBRARY is set; the check is of the wheel's own library", file=sys.stderr)
        return 1
    if inlay.library_source != "package" or Path(inlay.library_path).resolve().parent != package_dir:
        print(f"error: loaded {inlay.library_path} ({inlay.library_source}), not the wheel's library",
              file=sys.stderr)
        return 1

    cases = [m for m in json.loads((fixtures / "predict_cases.json").read_text())["models"] if "skipped" not in m]
    worst = 0.0
    for entry in cases:
        model = inlay.load_model(fixtures / "models" / entry["case"] / "model.keras")
        inputs = [np.load(fixtures / p) for p in entry["inputs"]]
        want = [np.load(fixtures / p) for p in entry["outputs"]]
        got = model.predict(inputs[0] if len(inputs) == 1 else inputs)
        got = got if isinstance(got, list) else [got]
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5, err_msg=entry["case"])
            worst = max(worst, float(np.max(np.abs(g - w))) if g.size else 0.0)
    print(f"{len(cases)} Keras models loaded from .keras and predicted; largest difference from Keras: {worst:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
