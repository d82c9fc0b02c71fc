"""NumPy arrays across the C ABI, without copies.

Inputs: a NumPy array is wrapped in place (``inlay_array_wrap`` over its buffer). It must be C-contiguous,
in native byte order, and of a dtype inlay has; its dtype is never converted (a float64 array for a float32
input is the library's error, as with the ``inlay`` tool). A non-contiguous or byte-swapped array is first
copied into a C-contiguous native one — the only copy this module ever makes of an input.

Outputs: the library allocates each output and the returned NumPy array *views* that memory; the array's
``base`` is a small owner object (a :class:`LibraryBuffer`) that calls ``inlay_array_free`` when the last view
of it is collected. Alternatively ``predict(..., out=arrays)`` writes into arrays the caller allocated.

What predict keeps from one call to the next (the wrappers of the last arrays, the ctypes arguments, the
outputs' shapes) is in :mod:`inlay._calls`.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import sys
import weakref
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _lib, dtypes

# Library-allocated arrays made and freed (see live_library_arrays). next() of an itertools.count is one C call,
# atomic under the GIL: no lock on the path of every predict output.
_made = itertools.count()
_freed = itertools.count()


def live_library_arrays() -> int:
    """How many library-allocated arrays are still held by NumPy arrays (for leak checks)."""
    return next(_made) - next(_freed)  # each read advances both counts by one: the difference is exact


class LibraryBuffer:
    """Owns one library-allocated ``inlay_array``: the ``base`` of the NumPy arrays viewing its data.

    It lives exactly as long as some view of the data does, and frees the inlay_array then. Each instance
    is also a ctypes array of the data's bytes at the library's address (an instance of a subclass made per
    byte size by :func:`buffer_type`), which NumPy views through the buffer protocol without a copy: about
    0.5 us per predict output, where viewing an ``__array_interface__`` object took ~1.8 us and a
    ``weakref.finalize`` another ~1 us (issue 19 item 7). ``__del__`` frees the array: a LibraryBuffer
    refers to nothing that could refer back to it, so it is never in a cycle and goes with its last view.
    """

    __slots__ = ()
    handle: Any

    def __del__(self) -> None:
        try:
            handle = self.handle
        except AttributeError:
            return  # never set: the view was not made, and the handle is still its caller's
        try:
            _lib.lib.inlay_array_free(handle)
            next(_freed)
        except (AttributeError, TypeError):
            pass  # interpreter shutdown: the module's globals are gone, and so is the process soon

    @property
    def data_pointer(self) -> int:
        """``inlay_array_data`` of the owned array."""
        return int(_lib.lib.inlay_array_data(self.handle) or 0)


_buffer_types: Dict[int, type] = {}


def buffer_type(nbytes: int) -> type:
    """The LibraryBuffer class of ``nbytes`` bytes (ctypes array types have a fixed length), made once."""
    cls = _buffer_types.get(nbytes)
    if cls is None:
        if len(_buffer_types) >= 1024:
            _buffer_types.clear()  # many distinct sizes (batch sizes): the live buffers keep their classes
        cls = type("LibraryBuffer", (ctypes.c_char * nbytes, LibraryBuffer), {"__slots__": ("handle",)})
        _buffer_types[nbytes] = cls
    return cls


def library_view(handle: Any, shape: Tuple[int, ...], dtype: np.dtype, buffer_class: type) -> np.ndarray:
    """A NumPy array of ``shape`` and ``dtype`` over an owned, non-empty dense inlay_array's data, whose
    ``buffer_type`` (of its byte size) is ``buffer_class``; takes ownership of ``handle`` when it returns."""
    buffer = buffer_class.from_address(_lib.lib.inlay_array_data(handle))
    view = np.ndarray(shape, dtype, buffer)
    buffer.handle = handle  # from here on the view owns it
    next(_made)
    return view


def _dims(handle: Any) -> Tuple[int, ...]:
    rank = _lib.lib.inlay_array_rank(handle)
    shape = _lib.dims_tuple(rank, _lib.lib.inlay_array_dims(handle))
    return shape or ()


def _view(handle: Any, shape: Tuple[int, ...]) -> np.ndarray:
    """A NumPy array over an owned inlay_array's data buffer; takes ownership of ``handle`` on success.

    Must be the last step that can fail while converting an array (see to_numpy).
    """
    dtype = dtypes.to_numpy(_lib.lib.inlay_array_dtype(handle))  # TypeError: handle still the caller's
    count = int(np.prod(shape, dtype=np.int64))
    if count == 0 or not _lib.lib.inlay_array_data(handle):
        _lib.lib.inlay_array_free(handle)  # nothing to view: an empty array owns no buffer
        return np.empty(shape, dtype)
    return library_view(handle, shape, dtype, buffer_type(count * dtype.itemsize))


def _copy_int64(pointer: Any, count: int) -> np.ndarray:
    return np.ctypeslib.as_array(pointer, (count,)).copy() if count else np.empty((0,), np.int64)


def to_numpy(handle: Any) -> Union[np.ndarray, "RaggedArray", "SparseArray"]:
    """Takes ownership of a library-allocated inlay_array and returns it as NumPy, zero-copy.

    Dense arrays become an ndarray viewing the data; ragged ones a :class:`RaggedArray` whose flat values
    view the data (the small row_splits are copied); sparse ones a :class:`SparseArray` likewise. The
    handle is freed if the conversion fails (a dtype NumPy lacks).
    """
    try:
        kind = _lib.lib.inlay_array_kind_of(handle)
        if kind == _lib.ARRAY_RAGGED:
            n_splits = ctypes.c_size_t()
            splits = _copy_int64(_lib.lib.inlay_array_row_splits(handle, ctypes.byref(n_splits)), n_splits.value)
            flat_rank = ctypes.c_int()
            flat_dims = _lib.lib.inlay_array_flat_dims(handle, ctypes.byref(flat_rank))
            flat_shape = tuple(int(flat_dims[i]) for i in range(flat_rank.value))
            return RaggedArray(_view(handle, flat_shape), splits)
        if kind == _lib.ARRAY_SPARSE:
            nnz = ctypes.c_size_t()
            pointer = _lib.lib.inlay_array_sparse_indices(handle, ctypes.byref(nnz))
            shape = _dims(handle)
            indices = _copy_int64(pointer, nnz.value * len(shape)).reshape(nnz.value, len(shape))
            return SparseArray(indices, _view(handle, (nnz.value,)), shape)
        return _view(handle, _dims(handle))
    except BaseException:
        _lib.lib.inlay_array_free(handle)  # every failure happens before _view took the handle
        raise


# --- inputs


def _native_contiguous(a: np.ndarray) -> np.ndarray:
    """``a`` itself when the library can read it in place, else a C-contiguous native-order copy."""
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _dtype_code(a: np.ndarray) -> int:
    code = dtypes.from_numpy(a.dtype)
    if code is None:
        raise TypeError(f"inlay has no dtype for NumPy arrays of dtype {a.dtype}")
    return code


def _pointer(a: np.ndarray) -> Optional[int]:
    return a.ctypes.data if a.size else None


def _address_reader() -> Callable[[np.ndarray], int]:
    """The cheapest correct way to read an ndarray's data address, which the predict cache reads on every call.

    ``a.ctypes.data`` builds a helper object (~0.9 us). The address is the first field after the object
    header in NumPy's array struct (``PyArrayObject_fields.data``, the field the C macro ``PyArray_DATA``
    reads in every compiled extension, so NumPy's ABI fixes it), and on CPython ``id(a)`` is the struct's
    address: ctypes reads it in ~0.2 us. Used only when it gives ``a.ctypes.data`` for a few probe arrays on
    this interpreter (not PyPy, a free-threaded build with another header size, ...), else the slow way.
    """
    offset = object.__basicsize__  # sizeof(PyObject): 16 on the usual 64-bit CPython

    def from_struct(a: np.ndarray, _at: Any = ctypes.c_void_p.from_address, _offset: int = offset) -> int:
        return _at(id(a) + _offset).value or 0

    def from_ctypes(a: np.ndarray) -> int:
        return a.ctypes.data

    probes = [np.empty(3, np.float32), np.arange(12.0)[3:], np.zeros((2, 5), np.int64).T]
    if sys.implementation.name == "cpython" and all(from_struct(p) == p.ctypes.data for p in probes):
        return from_struct
    return from_ctypes


#: ``data_address(a)``: the address of an ndarray's first element (``a.ctypes.data``), read cheaply.
data_address = _address_reader()


class RaggedArray:
    """A ragged batch of ragged_rank 1 (``tf.RaggedTensor``): ``flat_values`` plus ``row_splits``.

    Row ``i`` is ``flat_values[row_splits[i]:row_splits[i + 1]]``. Pass it to ``predict`` for a
    ``ragged=True`` input; ragged outputs come back as RaggedArray.
    """

    def __init__(self, flat_values: Any, row_splits: Any) -> None:
        self.flat_values = flat_values if isinstance(flat_values, np.ndarray) else np.asarray(flat_values,
                                                                                                np.float32)
        self.row_splits = np.asarray(row_splits, dtype=np.int64)

    @classmethod
    def from_rows(cls, rows: Sequence[Any], dtype: Any = np.float32) -> "RaggedArray":
        """``tf.ragged.constant`` for ragged_rank 1: one array (or list) per row."""
        arrays = [np.asarray(r, dtype=dtype) for r in rows]
        splits = np.concatenate([[0], np.cumsum([len(a) for a in arrays])]).astype(np.int64)
        values = np.concatenate(arrays) if arrays else np.empty((0,), dtype)
        return cls(values, splits)

    @property
    def nrows(self) -> int:
        return len(self.row_splits) - 1

    @property
    def shape(self) -> Tuple[Optional[int], ...]:
        return (self.nrows, None) + tuple(self.flat_values.shape[1:])

    @property
    def dtype(self) -> np.dtype:
        return self.flat_values.dtype

    def rows(self) -> List[np.ndarray]:
        """Each row's values (views of flat_values)."""
        return [self.flat_values[self.row_splits[i]:self.row_splits[i + 1]] for i in range(self.nrows)]

    def to_list(self) -> List[Any]:
        return [r.tolist() for r in self.rows()]

    def __repr__(self) -> str:
        return f"RaggedArray({self.to_list()!r}, dtype={self.dtype})"


class SparseArray:
    """A COO sparse batch (``tf.SparseTensor(indices, values, dense_shape)``) for ``sparse=True`` inputs.

    Duplicated indices are summed where the values are used, as TensorFlow's sparse ops do.
    """

    def __init__(self, indices: Any, values: Any, dense_shape: Sequence[int]) -> None:
        self.dense_shape = tuple(int(d) for d in dense_shape)
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1, len(self.dense_shape))
        self.values = values if isinstance(values, np.ndarray) else np.asarray(values, np.float32)

    @property
    def shape(self) -> Tuple[int, ...]:
        return self.dense_shape

    @property
    def dtype(self) -> np.dtype:
        return self.values.dtype

    def to_dense(self) -> np.ndarray:
        dense = np.zeros(self.dense_shape, self.values.dtype)
        np.add.at(dense, tuple(self.indices.T), self.values)
        return dense

    def __repr__(self) -> str:
        return (f"SparseArray(indices={self.indices.tolist()!r}, values={self.values.tolist()!r}, "
                f"dense_shape={self.dense_shape})")


class Array:
    """An ``inlay_array`` wrapping NumPy memory in place, reusable across many ``predict`` calls.

    ``predict`` wraps plain NumPy arrays itself, and keeps the wrapper for the next call while the same
    buffer (address, shape, strides, dtype) comes back (see :mod:`inlay._calls`); an Array is wrapped once
    by the caller, for any use. It keeps the NumPy arrays it wraps alive; writes to them are seen by the
    next predict (the library reads the buffer, it never copied it). ``Array(x)`` wraps a dense array,
    ``Array(RaggedArray(...))`` and ``Array(SparseArray(...))`` the others.
    """

    def __init__(self, value: Union[np.ndarray, RaggedArray, SparseArray]) -> None:
        handle = _lib.ArrayP()
        if isinstance(value, RaggedArray):
            self._keep = self._wrap_ragged(value, handle)
        elif isinstance(value, SparseArray):
            self._keep = self._wrap_sparse(value, handle)
        elif isinstance(value, np.ndarray):
            self._keep = self._wrap_dense(value, handle)
        else:
            raise TypeError(f"inlay.Array wraps NumPy arrays, RaggedArray or SparseArray, got {type(value).__name__}")
        self.handle = handle
        self._finalizer = weakref.finalize(self, _lib.lib.inlay_array_free, handle)

    @staticmethod
    def _wrap_dense(value: np.ndarray, handle: Any) -> Tuple[np.ndarray, ...]:
        a = _native_contiguous(value)
        dims = _lib.int64_array(a.shape)
        _lib.lib.inlay_array_wrap(_dtype_code(a), dims, a.ndim, _pointer(a), ctypes.byref(handle))
        return (a,)

    @staticmethod
    def _wrap_ragged(value: RaggedArray, handle: Any) -> Tuple[np.ndarray, ...]:
        flat = _native_contiguous(value.flat_values)
        splits = np.ascontiguousarray(value.row_splits, dtype=np.int64)
        dims = _lib.int64_array(flat.shape)
        _lib.lib.inlay_array_wrap_ragged(_dtype_code(flat), _pointer(flat), dims, flat.ndim,
                                         splits.ctypes.data_as(_lib.Int64P), len(splits), ctypes.byref(handle))
        return (flat, splits)

    @staticmethod
    def _wrap_sparse(value: SparseArray, handle: Any) -> Tuple[np.ndarray, ...]:
        values = _native_contiguous(value.values)
        indices = np.ascontiguousarray(value.indices, dtype=np.int64)
        dims = _lib.int64_array(value.dense_shape)
        _lib.lib.inlay_array_wrap_sparse(_dtype_code(values), dims, len(value.dense_shape),
                                          indices.ctypes.data_as(_lib.Int64P), _pointer(values), len(values),
                                          ctypes.byref(handle))
        return (values, indices)

    def close(self) -> None:
        """Frees the inlay_array now (the NumPy arrays it wrapped are untouched)."""
        self._finalizer()

    @property
    def data_pointer(self) -> int:
        """``inlay_array_data``: the address of the wrapped buffer (the NumPy array's own data)."""
        return int(_lib.lib.inlay_array_data(self.handle) or 0)

    @property
    def shape(self) -> Tuple[Optional[int], ...]:
        return _lib.dims_tuple(_lib.lib.inlay_array_rank(self.handle), _lib.lib.inlay_array_dims(self.handle)) or ()

    @property
    def dtype(self) -> str:
        return dtypes.name(_lib.lib.inlay_array_dtype(self.handle))

    def __repr__(self) -> str:
        return f"<inlay.Array shape={self.shape}, dtype={self.dtype}>"


def load_npy(path: Union[str, "os.PathLike[str]"]) -> np.ndarray:
    """Reads a ``.npy`` file with the library's reader (``inlay_array_load_npy``), viewed without a copy."""
    handle = _lib.ArrayP()
    _lib.lib.inlay_array_load_npy(os.fsencode(path), ctypes.byref(handle))
    result = to_numpy(handle)
    assert isinstance(result, np.ndarray)
    return result


def save_npy(path: Union[str, "os.PathLike[str]"], array: np.ndarray) -> None:
    """Writes a dense array as ``.npy`` with the library's writer (``inlay_array_save_npy``)."""
    wrapped = Array(np.asarray(array))
    _lib.lib.inlay_array_save_npy(wrapped.handle, os.fsencode(path))


def zeros(shape: Sequence[int], dtype: Any = "float32") -> np.ndarray:
    """A zero-filled array allocated by the library (``inlay_array_create``), as a NumPy view."""
    handle = _lib.ArrayP()
    dims = _lib.int64_array(list(shape))
    _lib.lib.inlay_array_create(dtypes.parse(dtypes.standardize_dtype(dtype)), dims, len(shape), ctypes.byref(handle))
    result = to_numpy(handle)
    assert isinstance(result, np.ndarray)
    return result
