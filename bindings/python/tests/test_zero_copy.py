"""Zero-copy in both directions, no leaks, and the ownership of handles.

Inputs: the pointer handed to inlay_array_wrap is the NumPy array's own buffer (a spy on the ctypes
function records it), and an inlay.Array made once sees later in-place writes to the NumPy array (so the
library reads that memory, not a snapshot). Outputs: the returned array's data pointer is
inlay_array_data of the library's array, and writes through NumPy are visible at that address.
Leaks: every inlay_array made during 2000 predicts is freed (counted through the table's functions)."""

from __future__ import annotations

import ctypes
import gc
import weakref

import numpy as np
import pytest

import inlay
from inlay import _lib, arrays


def _model(seed: int = 0) -> inlay.Model:
    x = inlay.Input(shape=(32,))
    model = inlay.Model(x, inlay.layers.Dense(16, activation="softmax")(x))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in model.weights])
    return model


class Spy:
    """Wraps one library function of the table, recording each call's arguments."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.calls: list = []
        real = getattr(_lib.lib, name)

        def spy(*args):
            self.calls.append(args)
            return real(*args)

        monkeypatch.setattr(_lib.lib, name, spy)


def test_output_views_the_library_array(monkeypatch):
    model = _model()
    out = model.predict(np.ones((3, 32), np.float32))
    owner = out.base
    assert isinstance(owner, arrays.LibraryBuffer)
    address = _lib.lib.inlay_array_data(owner.handle)
    assert out.ctypes.data == address == owner.data_pointer
    assert out.flags.c_contiguous and out.flags.writeable and out.flags.owndata is False
    out[0, 0] = 1234.5  # the very memory the library wrote
    assert ctypes.c_float.from_address(address).value == 1234.5


def test_input_buffer_is_handed_over_not_copied(monkeypatch):
    model = _model()
    wrap = Spy(monkeypatch, "inlay_array_wrap")
    x = np.ones((3, 32), np.float32)
    model.predict(x)
    dtype, dims, rank, data, _ = wrap.calls[0]
    assert data == x.ctypes.data and rank == 2 and dtype == inlay.dtypes.FLOAT32


def test_a_wrapped_array_reads_the_numpy_memory_at_each_predict():
    model = _model()
    rng = np.random.default_rng(3)
    first, second = rng.normal(size=(2, 4, 32)).astype(np.float32)
    buffer = first.copy()
    wrapped = inlay.Array(buffer)
    assert wrapped.data_pointer == buffer.ctypes.data and wrapped.shape == (4, 32)
    np.testing.assert_allclose(model.predict(wrapped), model.predict(first), rtol=1e-6)
    buffer[...] = second  # in place: same address
    np.testing.assert_allclose(model.predict(wrapped), model.predict(second), rtol=1e-6)


def test_non_contiguous_input_is_copied_once_and_still_correct(monkeypatch):
    model = _model()
    wide = np.random.default_rng(4).normal(size=(3, 64)).astype(np.float32)
    strided = wide[:, ::2]
    assert not strided.flags.c_contiguous
    wrap = Spy(monkeypatch, "inlay_array_wrap")
    got = model.predict(strided)
    assert wrap.calls[0][3] != strided.ctypes.data  # a contiguous copy was passed
    np.testing.assert_allclose(got, model.predict(np.ascontiguousarray(strided)), rtol=1e-6)
    fortran = np.asfortranarray(np.ascontiguousarray(strided))
    np.testing.assert_allclose(model.predict(fortran), got, rtol=1e-6)
    swapped = np.ascontiguousarray(strided).astype(">f4")  # non-native byte order: converted, same values
    np.testing.assert_allclose(model.predict(swapped), got, rtol=1e-6)


def test_dtype_is_never_converted(monkeypatch):
    model = _model()
    wrap = Spy(monkeypatch, "inlay_array_wrap")
    with pytest.raises(inlay.InvalidArgumentError) as info:
        model.predict(np.ones((2, 32), np.float64))
    assert wrap.calls[0][0] == inlay.dtypes.FLOAT64  # passed as what it is
    assert str(info.value) == "Input 0 ('keras_tensor') of layer \"functional\" expects dtype float32, got float64"
    with pytest.raises(ValueError, match="expects dtype float32, got int32"):
        model.predict(np.ones((2, 32), np.int32))
    with pytest.raises(TypeError, match="no dtype for NumPy arrays of dtype <U1"):
        model.predict(np.full((2, 32), "a"))


def test_nested_lists_become_arrays_of_the_input_dtype():
    model = _model()
    rows = np.random.default_rng(5).normal(size=(2, 32))
    np.testing.assert_allclose(model.predict(rows.tolist()), model.predict(rows.astype(np.float32)), rtol=1e-6)


def test_out_arrays_are_written_in_place():
    model = _model()
    x = np.ones((2, 32), np.float32)
    out = np.full((2, 16), np.nan, np.float32)
    assert model.predict(x, out=out) is out
    np.testing.assert_allclose(out, model.predict(x), rtol=1e-6)
    with pytest.raises(ValueError, match="C-contiguous"):
        model.predict(x, out=np.empty((16, 2), np.float32).T)
    with pytest.raises(inlay.ShapeMismatchError, match=r"outputs\[0\] is a dense float32 array of shape=\(3, 16\)"):
        model.predict(x, out=np.empty((3, 16), np.float32))
    with pytest.raises(ValueError, match="the model has 1 output"):
        model.predict(x, out=[out, out])


def test_no_inlay_array_outlives_its_use_over_2000_predicts(monkeypatch):
    model = _model()
    x = np.ones((4, 32), np.float32)
    model.predict(x)  # plan compiled outside the count
    gc.collect()
    wraps = Spy(monkeypatch, "inlay_array_wrap")
    frees = Spy(monkeypatch, "inlay_array_free")
    live_before = inlay.live_library_arrays()
    kept = []
    for i in range(2000):
        out = model.predict(x)
        if i % 100 == 0:
            kept.append(out)  # some outputs stay alive a while
    assert inlay.live_library_arrays() == live_before + len(kept) + 1  # + the last `out`
    del kept, out
    gc.collect()
    assert inlay.live_library_arrays() == live_before
    # The input was wrapped once, by the call before the count: predict keeps the wrapper while the same
    # array comes back (inlay._calls). The 2000 library-allocated outputs were each freed exactly once.
    assert len(wraps.calls) == 0
    assert len(frees.calls) == 2000
    assert len({_lib.address(c[0]) for c in frees.calls}) >= 2  # real handles, not NULLs
    assert all(_lib.address(c[0]) for c in frees.calls)
    del model
    gc.collect()
    assert len(frees.calls) == 2001  # the kept input wrapper, with its model


def test_views_keep_the_library_array_alive():
    model = _model()
    out = model.predict(np.ones((2, 32), np.float32))
    row = out[1]
    expected = row.copy()
    before = inlay.live_library_arrays()
    del out
    gc.collect()
    assert inlay.live_library_arrays() == before  # the slice still holds it
    np.testing.assert_array_equal(row, expected)
    del row
    gc.collect()
    assert inlay.live_library_arrays() == before - 1


def test_models_free_their_handle_when_collected_or_closed(monkeypatch):
    frees = Spy(monkeypatch, "inlay_model_free")
    model = _model()
    finalizer = model._finalizer
    del model
    gc.collect()
    assert not finalizer.alive and len(frees.calls) == 1
    with _model() as model:
        assert model.predict(np.zeros((1, 32), np.float32)).shape == (1, 16)
    assert len(frees.calls) == 2
    with pytest.raises(ValueError, match="was closed"):
        model.predict(np.zeros((1, 32), np.float32))
    model.close()  # closing twice is harmless
    assert len(frees.calls) == 2


def test_loaded_models_borrowed_handles_refuse_after_close(fixtures):
    model = inlay.load_model(fixtures / "models" / "logistic_regression" / "model.keras")
    x, dense = model.inputs[0], model.layers[1]
    assert x.shape == (None, 32)
    model.close()
    with pytest.raises(ValueError, match="was closed"):
        x.shape
    with pytest.raises(ValueError, match="was closed"):
        dense.name


def test_tensor_keeps_a_loaded_model_alive(fixtures):
    model = inlay.load_model(fixtures / "models" / "logistic_regression" / "model.keras")
    ref = weakref.ref(model)
    x = model.inputs[0]
    del model
    gc.collect()
    assert ref() is not None and x.shape == (None, 32)


def test_sparse_and_ragged_inputs_are_wrapped_in_place(monkeypatch):
    ragged_x = inlay.Input(shape=(None, 3), ragged=True)
    model = inlay.Model(ragged_x, inlay.layers.Dense(2)(ragged_x))
    model.set_weights([np.eye(3, 2, dtype=np.float32), np.zeros(2, np.float32)])
    wrap = Spy(monkeypatch, "inlay_array_wrap_ragged")
    value = inlay.RaggedArray.from_rows([[[1, 2, 3]], [[4, 5, 6], [7, 8, 9]]])
    got = model.predict(value)
    assert wrap.calls[0][1] == value.flat_values.ctypes.data
    assert isinstance(got, inlay.RaggedArray) and got.row_splits.tolist() == [0, 1, 3]
    np.testing.assert_array_equal(got.flat_values, value.flat_values[:, :2])
    assert isinstance(got.flat_values.base, arrays.LibraryBuffer)
    inlay.clear_session()
    sparse_x = inlay.Input(shape=(4,), sparse=True)
    model = inlay.Model(sparse_x, inlay.layers.Dense(4, use_bias=False)(sparse_x))
    model.set_weights([np.eye(4, dtype=np.float32)])
    value = inlay.SparseArray([[0, 1], [1, 3], [1, 3]], np.array([1.0, 2.0, 3.0], np.float32), (2, 4))
    np.testing.assert_array_equal(model.predict(value), value.to_dense())  # duplicates summed


def test_npy_round_trip_through_the_library(tmp_path):
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    inlay.save_npy(tmp_path / "a.npy", data)
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), data)  # numpy reads what inlay wrote
    np.save(tmp_path / "b.npy", data.astype(np.int16))
    loaded = inlay.load_npy(tmp_path / "b.npy")  # inlay reads what numpy wrote, viewed in place
    assert loaded.dtype == np.int16 and isinstance(loaded.base, arrays.LibraryBuffer)
    np.testing.assert_array_equal(loaded, data.astype(np.int16))
    zeros = arrays.zeros((2, 5), "float64")
    assert zeros.dtype == np.float64 and not zeros.any()
    with pytest.raises(inlay.IoError):
        inlay.load_npy(tmp_path / "missing.npy")
