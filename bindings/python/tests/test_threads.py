"""Python threads: concurrent predicts on one model give the single-threaded results, and building models from
several threads at once in one session is safe (graph mutations are serialized)."""

from __future__ import annotations

import ctypes
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import inlay
from inlay import _lib, layers


def test_the_library_is_called_without_the_gil():
    # CDLL (not PyDLL): ctypes releases the GIL for the duration of every foreign call.
    assert isinstance(_lib.lib, ctypes.CDLL) and not isinstance(_lib.lib, ctypes.PyDLL)


def test_concurrent_predicts_on_one_model_match_sequential_ones(fixtures):
    model = inlay.load_model(fixtures / "models" / "mnist_cnn_functional" / "model.keras")
    rng = np.random.default_rng(0)
    # Several batch sizes, so threads also compile and share different plans concurrently.
    batches = [rng.random((n, 28, 28, 1), dtype=np.float32) for n in (1, 2, 3, 5, 8, 1, 2, 3)]
    expected = [model.predict(b).copy() for b in batches]
    start = threading.Barrier(len(batches))

    def run(i: int) -> list:
        start.wait()
        return [model.predict(batches[i]) for _ in range(25)]

    with ThreadPoolExecutor(len(batches)) as pool:
        results = list(pool.map(run, range(len(batches))))
    for i, outputs in enumerate(results):
        for out in outputs:
            np.testing.assert_array_equal(out, expected[i])


def test_concurrent_predicts_from_a_fresh_model():
    """No warm-up: the first plans are compiled while other threads run."""
    x = inlay.Input(shape=(64,))
    y = layers.Dense(32, activation="relu")(x)
    model = inlay.Model(x, layers.Dense(8, activation="softmax")(y))
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in model.weights])
    data = rng.normal(size=(16, 64)).astype(np.float32)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: model.predict(data), range(64)))
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])
    hidden = np.maximum(data @ model.weights[0].numpy() + model.weights[1].numpy(), 0)
    z = hidden @ model.weights[2].numpy() + model.weights[3].numpy()
    reference = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(results[0], reference / reference.sum(1, keepdims=True), rtol=1e-5, atol=1e-6)


def test_building_from_many_threads_in_one_session():
    def build(i: int) -> inlay.Model:
        x = inlay.Input(shape=(4,))
        return inlay.Model(x, layers.Dense(2)(x))

    with ThreadPoolExecutor(8) as pool:
        models = list(pool.map(build, range(32)))
    names = sorted(m.layers[1].name for m in models)
    assert len(set(names)) == 32  # unique auto-names: one graph, mutations serialized
    assert len({m.name for m in models}) == 32


def _import_in_fresh_python(env_overrides: dict) -> str:
    """GOMP_SPINCOUNT / OMP_WAIT_POLICY as a fresh interpreter sees them after `import inlay`."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    env.update(env_overrides)
    code = "import os, inlay; print(os.environ.get('GOMP_SPINCOUNT'), os.environ.get('OMP_WAIT_POLICY'))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()


def test_import_sets_a_short_openmp_spin_unless_the_user_chose():
    # libgomp's default ~300,000-round spin at every barrier makes multi-threaded predicts collapse on shared
    # cores (issue 19 item 4); the binding sets a short one before it loads the library, as the inlay tool does.
    assert _import_in_fresh_python({}) == [_lib.OPENMP_SPIN_COUNT, "None"]
    assert _import_in_fresh_python({"OMP_WAIT_POLICY": "ACTIVE"}) == ["None", "ACTIVE"]
    assert _import_in_fresh_python({"GOMP_SPINCOUNT": "50"}) == ["50", "None"]
