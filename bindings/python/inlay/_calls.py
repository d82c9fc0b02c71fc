"""The steady-state path of ``Model.predict``: the ctypes arguments of a call, kept for the next one.

Issue 19 item 7 asks for a predict through Python within 3 us of the C call. Done naively, a call makes
everything anew: an ``inlay_array_wrap`` + ``inlay_array_free`` per input and ``out=`` array, two ctypes
arrays of handles, reads of the outputs' kind, rank, dims and dtype. A :class:`CallCache` keeps all of it
from one call to the next, so a repeated call only compares a few attributes and calls the library.

Ownership and threads: a CallCache belongs to one model handle and one Python thread (the model keeps them
in a ``threading.local``). Nothing in it is ever shared, so no lock is needed and a handle it frees is never
one another thread's call is using. A call that re-enters on the same thread (a signal handler or a
finalizer that predicts) finds the cache ``busy`` and takes the uncached path.

Why wrapped arrays are keyed by address, not by object: ``inlay_array_wrap`` records only a dtype, the dims
and the data address. Any array with the same address, shape, strides and dtype would be wrapped into the
same inlay_array, whichever Python object it is. So the key is that tuple: an array that was collected,
and another one that NumPy placed at the same address with the same shape, reuses the wrapper correctly.
The cache holds no reference to any array (it keeps nothing alive and does not stop ``ndarray.resize``);
a wrapper it holds may point at freed memory between calls, but it is only passed to the library when a
live array sits at that address with that shape, i.e. while the memory is that array's. The strides and
the dtype (byte order included) in the key also prove that an array matching a key is C-contiguous and
native like the one that was checked when the wrapper was made. Writes to an array between calls are
seen: the library reads the memory at call time.
"""

from __future__ import annotations

import ctypes
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from . import _lib
from .arrays import LibraryBuffer, _dtype_code, _pointer, buffer_type, data_address, library_view, to_numpy

_HANDLE_SIZE = ctypes.sizeof(_lib.ArrayP)
Key = Tuple[int, Tuple[int, ...], Tuple[int, ...], np.dtype]


class _Wrapper:
    """An inlay_array over a NumPy array's buffer, holding no reference to the array (see the module doc)."""

    __slots__ = ("handle",)

    def __init__(self, a: np.ndarray) -> None:
        handle = _lib.ArrayP()
        code = _dtype_code(a)  # TypeError for dtypes inlay lacks, as Array() raises
        _lib.lib.inlay_array_wrap(code, _lib.int64_array(a.shape), a.ndim, _pointer(a), ctypes.byref(handle))
        self.handle = handle

    def __del__(self) -> None:
        handle = getattr(self, "handle", None)
        if handle is None:
            return
        try:
            _lib.lib.inlay_array_free(handle)
        except (AttributeError, TypeError):
            pass  # interpreter shutdown: the module's globals are gone


class NotCacheable(Exception):
    """An argument the cache does not take (a copy would be needed): the caller uses the uncached path."""


class CallCache:
    """One thread's ctypes arguments for predicts on one model handle (see the module docstring).

    ``in_arr`` / ``out_arr`` are the arrays of handles passed to ``inlay_model_predict``; entry ``i`` of
    ``in_arr`` is ``in_wrappers[i].handle``, made for an array of key ``in_keys[i]``. ``out_arr[i]`` is NULL
    (a library-allocated output) unless ``out_keys[i]`` names the ``out=`` array it wraps (the two change
    together, in ``_set_output`` / ``_clear_output``). ``out_info[i]``: the shape, dtype and
    ``arrays.buffer_type`` output ``i`` had for the inputs' current shapes, so that its NumPy view is made
    without asking the library again (a plan's output dims follow from its input dims alone); cleared
    whenever an input's shape, strides or dtype changes.
    """

    __slots__ = ("n_inputs", "n_outputs", "in_arr", "out_arr", "in_keys", "in_wrappers", "out_keys", "out_wrappers",
                 "out_info", "library_outputs", "wrapped_outputs", "busy")

    def __init__(self, n_inputs: int, n_outputs: int) -> None:
        self.n_inputs, self.n_outputs = n_inputs, n_outputs
        self.in_arr = (_lib.ArrayP * max(n_inputs, 1))()
        self.out_arr = (_lib.ArrayP * max(n_outputs, 1))()
        self.in_keys: List[Optional[Key]] = [None] * n_inputs
        self.in_wrappers: List[Optional[_Wrapper]] = [None] * n_inputs
        self.out_keys: List[Optional[Key]] = [None] * n_outputs
        self.out_wrappers: List[Optional[_Wrapper]] = [None] * n_outputs
        self.out_info: List[Optional[Tuple[Tuple[int, ...], np.dtype, type]]] = [None] * n_outputs
        self.library_outputs = (None,) * n_outputs  # predict's ``outs`` when no out= is given
        self.wrapped_outputs = 0  # entries of out_keys that are not None
        self.busy = False

    def run(self, handle: Any, inputs: List[np.ndarray], outs: Sequence[Optional[np.ndarray]]) -> List[Any]:
        """``inlay_model_predict`` on these arrays; NotCacheable when one is not an in-place NumPy array.

        The caller checked that there is one entry of ``outs`` per model output; ``inputs`` may have the
        wrong count (the library raises Keras's error for it), which this passes through uncached. Written
        for the steady state: a repeated call compares keys and calls the library, nothing else.
        """
        if self.busy or len(inputs) != self.n_inputs:
            raise NotCacheable()
        self.busy = True
        try:
            i = 0
            for a in inputs:
                if type(a) is not np.ndarray:  # subclasses may override anything: the uncached path
                    raise NotCacheable()
                key = (data_address(a), a.shape, a.strides, a.dtype)
                if key != self.in_keys[i]:
                    self._set_input(i, a, key)
                i += 1
            if outs is not self.library_outputs or self.wrapped_outputs:
                for i, o in enumerate(outs):
                    self._set_output(i, o)
            _lib.lib.inlay_model_predict(handle, self.in_arr, self.n_inputs, self.out_arr, self.n_outputs)
            return self._take_outputs(outs)
        finally:
            self.busy = False

    def _set_input(self, i: int, a: np.ndarray, key: Key) -> None:
        if not (a.flags.c_contiguous and a.dtype.isnative):
            raise NotCacheable()  # needs a copy made for this call only
        old = self.in_keys[i]
        if old is None or old[1:] != key[1:]:
            self.out_info = [None] * self.n_outputs  # the output shapes follow the inputs' shapes
        self.in_keys[i] = None  # until the new wrapper is in place
        wrapper = _Wrapper(a)
        self.in_arr[i] = wrapper.handle
        self.in_wrappers[i] = wrapper  # frees the previous one
        self.in_keys[i] = key

    def _set_output(self, i: int, o: Optional[np.ndarray]) -> None:
        if o is None:
            self._clear_output(i)  # NULL: the library allocates this output
            return
        if type(o) is not np.ndarray:
            raise NotCacheable()
        key = (data_address(o), o.shape, o.strides, o.dtype)
        if key == self.out_keys[i]:
            if not o.flags.writeable:  # a read-only view of the same memory: refused as before
                raise NotCacheable()
            return
        if not (o.flags.c_contiguous and o.flags.writeable and o.dtype.isnative):
            raise NotCacheable()  # the uncached path raises the error message
        self._clear_output(i)  # first: should wrapping fail, no stale handle is left in out_arr
        wrapper = _Wrapper(o)
        self.out_arr[i] = wrapper.handle
        self.out_wrappers[i] = wrapper
        self.out_keys[i] = key
        self.wrapped_outputs += 1

    def _clear_output(self, i: int) -> None:
        """Entry ``i`` of out_arr back to NULL, its wrapper freed."""
        if self.out_keys[i] is not None:
            self.out_arr[i] = None
            self.out_keys[i] = self.out_wrappers[i] = None
            self.wrapped_outputs -= 1

    def _take_outputs(self, outs: Sequence[Optional[np.ndarray]]) -> List[Any]:
        """The results: the ``out=`` arrays, and NumPy views taking over the library-allocated outputs."""
        out_arr, out_info = self.out_arr, self.out_info
        results: List[Any] = []
        try:
            for i, provided in enumerate(outs):
                if provided is not None:
                    results.append(provided)
                    continue
                # A pointer object of our own: out_arr[i] would be a view of out_arr's memory.
                handle = _lib.ArrayP.from_buffer_copy(out_arr, i * _HANDLE_SIZE)
                out_arr[i] = None  # the view takes it over from here on, failing or not
                info = out_info[i]
                if info is None:
                    results.append(self._first_view(i, handle))  # to_numpy frees it should it fail
                    continue
                try:
                    results.append(library_view(handle, *info))
                except BaseException:
                    _lib.lib.inlay_array_free(handle)  # (a MemoryError) the view never took it
                    raise
        except BaseException:
            for i in range(self.n_outputs):
                if outs[i] is None and out_arr[i]:
                    _lib.lib.inlay_array_free(out_arr[i])  # not converted because an earlier one failed
                    out_arr[i] = None
            raise
        return results

    def _first_view(self, i: int, handle: Any) -> Any:
        """Output ``i`` converted by asking the library what it is; remembered when dense and not empty."""
        result = to_numpy(handle)
        if type(result) is np.ndarray and isinstance(result.base, LibraryBuffer):
            self.out_info[i] = (result.shape, result.dtype, buffer_type(result.nbytes))
        return result
