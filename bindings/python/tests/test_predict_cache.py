"""predict's steady state (inlay._calls.CallCache): the ctypes arguments of a call are kept for the next one, and
must never give a stale result. Every result is checked against NumPy's own computation of the model
(softmax(x @ W + b)), never against another predict."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import inlay
from test_zero_copy import Spy  # one home for the call counter
from inlay import _calls, _lib, arrays


def _model(seed: int = 0) -> inlay.Model:
    x = inlay.Input(shape=(8,))
    model = inlay.Model(x, inlay.layers.Dense(4, activation="softmax")(x))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in model.weights])
    return model


def _reference(model: inlay.Model, x: np.ndarray) -> np.ndarray:
    kernel, bias = model.get_weights()
    z = x.astype(np.float64) @ kernel + bias
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _check(got: np.ndarray, model: inlay.Model, x: np.ndarray) -> None:
    assert got.shape == (x.shape[0], 4) and got.dtype == np.float32
    np.testing.assert_allclose(got, _reference(model, x), rtol=1e-5, atol=1e-6)




def _random(shape, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def test_the_data_address_reader_agrees_with_numpy():
    base = np.arange(60, dtype=np.float64).reshape(6, 10)
    for a in (base, base[2:], base[:, 3:], base.T, np.empty(0, np.float32), np.float32(1.0) * np.ones(1)):
        assert arrays.data_address(a) == a.ctypes.data


def test_an_array_mutated_in_place_gives_the_new_result(monkeypatch):
    model = _model()
    x = _random((3, 8), 1)
    _check(model.predict(x), model, x)
    wraps = Spy(monkeypatch, "inlay_array_wrap")
    for seed in range(2, 6):
        x[...] = _random((3, 8), seed)  # same object, same address: the cached wrapper, the new values
        _check(model.predict(x), model, x)
    assert wraps.calls == []  # wrapped once, on the first call


def test_new_arrays_of_the_same_shape_and_views_at_the_same_address():
    model = _model()
    for seed in range(5):
        x = _random((2, 8), seed)  # a new object each time, often at a freed one's address
        _check(model.predict(x), model, x)
    buffer = _random((5, 8), 9)
    for rows in (5, 2, 5, 3):  # views starting at one address, of other shapes: never the cached dims
        view = buffer[:rows]
        assert arrays.data_address(view) == arrays.data_address(buffer)
        _check(model.predict(view), model, view)
    shifted = buffer[1:4]  # same shape as the (3, 8) view, another address
    _check(model.predict(shifted), model, shifted)


def test_alternating_shapes_and_dtypes():
    model = _model()
    small, large = _random((1, 8), 1), _random((7, 8), 2)
    for _ in range(3):
        _check(model.predict(small), model, small)
        _check(model.predict(large), model, large)
        # an input of another dtype at small's address: the library's error, never small's cached result
        with pytest.raises(inlay.InvalidArgumentError, match="expects dtype float32, got int32"):
            model.predict(small.view(np.int32))
    empty = np.empty((0, 8), np.float32)
    assert model.predict(empty).shape == (0, 4)
    _check(model.predict(small), model, small)


def test_out_arrays_reused_and_mixed_with_library_outputs(monkeypatch):
    model = _model()
    x = _random((4, 8), 3)
    out = np.full((4, 4), np.nan, np.float32)
    for seed in range(3):
        x[...] = _random((4, 8), 10 + seed)
        out.fill(np.nan)
        assert model.predict(x, out=out) is out
        _check(out, model, x)
        fresh = model.predict(x)  # then without out=: a new library array, not `out`
        assert fresh is not out and isinstance(fresh.base, arrays.LibraryBuffer)
        _check(fresh, model, x)
    other = np.empty((4, 4), np.float32)
    assert model.predict(x, out=other) is other
    _check(other, model, x)
    model.predict(x)  # `other`'s wrapper freed: the library allocates this output from now on
    frees = Spy(monkeypatch, "inlay_array_free")
    kept = [model.predict(x) for _ in range(3)]  # each output its own memory, none overwritten later
    assert len({k.ctypes.data for k in kept}) == 3 and frees.calls == []
    for k in kept:
        _check(k, model, x)


def test_errors_after_cached_calls_are_the_uncached_ones():
    model = _model()
    x = _random((2, 8), 4)
    out = np.empty((2, 4), np.float32)
    model.predict(x, out=out)
    with pytest.raises(inlay.ShapeMismatchError, match=r"expected shape=\(None, 8\), found shape=\(2, 5\)"):
        model.predict(_random((2, 5), 5))
    with pytest.raises(ValueError, match="expects dtype float32, got float64"):
        model.predict(x.astype(np.float64))
    read_only = out.view()  # the cached out= array's memory, shape and dtype, but not writeable
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="must be a writeable, C-contiguous NumPy array"):
        model.predict(x, out=read_only)
    with pytest.raises(inlay.ShapeMismatchError, match=r"outputs\[0\] is a dense float32 array of shape=\(3, 4\)"):
        model.predict(x, out=np.empty((3, 4), np.float32))
    with pytest.raises(ValueError, match="the model has 1 output"):
        model.predict(x, out=[out, out])
    with pytest.raises(TypeError, match="no dtype for NumPy arrays of dtype <U1"):
        model.predict(np.full((2, 8), "a"))
    # after each error the same call works, on the same arrays
    assert model.predict(x, out=out) is out
    _check(out, model, x)
    _check(model.predict(x), model, x)


def test_an_out_array_that_cannot_be_wrapped_leaves_no_stale_output():
    model = _model()
    x = _random((2, 8), 12)
    earlier = np.empty((2, 4), np.float32)
    model.predict(x, out=earlier)  # output 0 now wraps `earlier`
    with pytest.raises(TypeError, match="no dtype for NumPy arrays of dtype <U1"):
        model.predict(x, out=np.empty((2, 4), "U1"))
    earlier[...] = -1.0
    fresh = model.predict(x)  # a library-allocated output: `earlier` must not be written any more
    assert fresh is not earlier and (earlier == -1.0).all()
    _check(fresh, model, x)


def test_arrays_that_need_a_copy_are_still_right_after_cached_calls():
    model = _model()
    wide = _random((3, 16), 6)
    contiguous = np.ascontiguousarray(wide[:, ::2])
    _check(model.predict(contiguous), model, contiguous)
    _check(model.predict(wide[:, ::2]), model, contiguous)  # strided: copied for this call only
    _check(model.predict(contiguous.astype(">f4")), model, contiguous)  # byte-swapped: converted
    _check(model.predict(np.asfortranarray(contiguous)), model, contiguous)
    _check(model.predict(contiguous), model, contiguous)


def test_other_input_forms_bypass_the_cache_and_agree():
    model = _model()
    x = _random((2, 8), 7)
    _check(model.predict(x), model, x)
    _check(model.predict([x]), model, x)
    _check(model.predict(x.tolist()), model, x)
    _check(model.predict(inlay.Array(x)), model, x)
    _check(model.predict(x.view(np.matrix)), model, x)  # an ndarray subclass: the uncached path
    _check(model.predict(np.concatenate([x, x]), batch_size=1)[:2], model, x)  # chunks: new views each call


def test_several_outputs_with_some_out_arrays():
    x = inlay.Input(shape=(8,))
    dense = inlay.layers.Dense(4, activation="softmax")
    model = inlay.Model(x, [dense(x), inlay.layers.ReLU()(x)])
    model.set_weights([_random((8, 4), 1), _random((4,), 2)])
    data = _random((3, 8), 3)
    relu_out = np.empty((3, 8), np.float32)
    for seed in range(3):
        data[...] = _random((3, 8), 20 + seed)
        probabilities, relu = model.predict(data, out=[None, relu_out])
        assert relu is relu_out
        np.testing.assert_array_equal(relu, np.maximum(data, 0))
        _check(probabilities, model, data)
        probabilities, relu = model.predict(data)
        assert relu is not relu_out
        np.testing.assert_array_equal(relu, np.maximum(data, 0))
        _check(probabilities, model, data)


def test_sequential_add_starts_a_new_cache():
    model = inlay.Sequential([inlay.Input(shape=(8,)), inlay.layers.Dense(4, activation="softmax")])
    model.set_weights([_random((8, 4), 1), _random((4,), 2)])
    x = _random((2, 8), 3)
    _check(model.predict(x), model, x)
    model.add(inlay.layers.ReLU())  # a new model handle, whose output happens to have the same shape
    kernel, bias = model.get_weights()
    z = x.astype(np.float64) @ kernel + bias
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict(x), np.maximum(e / e.sum(axis=1, keepdims=True), 0), rtol=1e-5)
    model.add(inlay.layers.Dense(2))
    assert model.predict(x).shape == (2, 2)


def test_cached_wrappers_are_freed_with_the_model_and_with_their_thread(monkeypatch):
    model = _model()
    x = _random((2, 8), 8)
    out = np.empty((2, 4), np.float32)
    model.predict(x, out=out)
    gc.collect()  # garbage of earlier tests (cycles holding arrays) is freed now, not counted below
    frees = Spy(monkeypatch, "inlay_array_free")
    thread = threading.Thread(target=model.predict, args=(x,), kwargs={"out": out})
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert len(frees.calls) == 2  # the thread's input and output wrappers, when its thread-local went
    del model
    gc.collect()
    assert len(frees.calls) == 4  # this thread's two, with the model
    assert len({_lib.address(c[0]) for c in frees.calls}) == 4


def test_threads_share_arrays_of_several_shapes():
    """Each thread keeps its own wrappers: threads passing the same arrays, in other orders, agree with NumPy."""
    model = _model()
    inputs = [_random((n, 8), 30 + n) for n in (1, 2, 3, 5)]
    expected = [_reference(model, x) for x in inputs]
    start = threading.Barrier(6)

    def run(t: int) -> None:
        start.wait()
        for i in range(200):
            k = (i * (t + 1)) % len(inputs)
            np.testing.assert_allclose(model.predict(inputs[k]), expected[k], rtol=1e-5, atol=1e-6)

    with ThreadPoolExecutor(6) as pool:
        for future in [pool.submit(run, t) for t in range(6)]:
            future.result()


def test_a_reentrant_call_on_one_thread_takes_the_uncached_path(monkeypatch):
    """A predict started while this thread's cache is in use (a signal handler, a finalizer) must not touch it."""
    model = _model()
    x, other = _random((2, 8), 40), _random((3, 8), 41)
    _check(model.predict(x), model, x)
    real_predict = _lib.lib.inlay_model_predict
    entered, nested = [], []

    def predict_and_reenter(*args):
        if not entered:
            entered.append(True)
            nested.append(model.predict(other))  # as if a signal handler ran here
        return real_predict(*args)

    monkeypatch.setattr(_lib.lib, "inlay_model_predict", predict_and_reenter)
    _check(model.predict(x), model, x)
    _check(nested[0], model, other)
    monkeypatch.undo()
    _check(model.predict(x), model, x)
    _check(model.predict(other), model, other)
    assert isinstance(model._calls.cache, _calls.CallCache)
