"""Models: ``inlay.Model(inputs, outputs)``, ``inlay.Sequential([...])``, ``load_model``, ``model_from_json``.

A Model owns its ``inlay_model`` handle: it is freed when the model is collected, or at once by
``close()`` / leaving a ``with`` block. Tensors and layers of a model loaded from a file are borrowed from
it: they keep the Python model alive, and raise ValueError once it was closed.

``predict`` runs on the CPU through oneDNN, zero-copy both ways (see :mod:`inlay.arrays`). It may be called
from several Python threads at once on one model: ctypes releases the GIL for the call, and the library
runs concurrent predicts on one model safely.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
import weakref
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _calls, _lib, dtypes
from .arrays import Array, RaggedArray, SparseArray, to_numpy
from .graph import Graph, HandleOwner, KerasTensor, graph_of
from .layers import Layer

ArrayLike = Union[np.ndarray, RaggedArray, SparseArray, Array]
_ARRAY_TYPES = (np.ndarray, RaggedArray, SparseArray, Array)
_PRECISIONS = {"float32": _lib.PRECISION_FLOAT32, "float32_strict": _lib.PRECISION_FLOAT32_STRICT,
               "bfloat16": _lib.PRECISION_BFLOAT16}


class Weight:
    """One entry of ``model.weights`` (Keras's Variable, read-only view of its metadata).

    ``numpy()`` copies the current values out; ``assign(value)`` copies new ones in (float32).
    """

    def __init__(self, model: "Model", index: int, path: str, shape: Tuple[int, ...]) -> None:
        self._model, self._index, self.path, self.shape = model, index, path, shape

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def dtype(self) -> str:
        return "float32"

    def numpy(self) -> np.ndarray:
        return self._model._get_weight(self._index, self.shape)

    def assign(self, value: Any) -> None:
        self._model._set_weight(self._index, self, value)

    def __array__(self, dtype: Any = None) -> np.ndarray:
        values = self.numpy()
        return values if dtype is None else values.astype(dtype)

    def __repr__(self) -> str:
        return f"<Weight path={self.path}, shape={self.shape}, dtype=float32>"


class Model(HandleOwner):
    """``keras.Model(inputs, outputs, name=None)``: the Functional model between Input tensors and outputs.

    ``inputs`` and ``outputs`` are a tensor, a list of tensors, or (inputs only) a dict of named Input
    tensors. Keras's checks apply ("Graph disconnected", duplicate names, ...), with Keras's messages.
    """

    _handle: Any
    _graph: Optional[Graph]

    def __init__(self, inputs: Any = None, outputs: Any = None, name: Optional[str] = None) -> None:
        if inputs is None or outputs is None:
            raise TypeError("inlay.Model(inputs, outputs, name=None): inputs and outputs are required "
                            "(subclassed models are not supported)")
        ins = _tensor_list(inputs, "inputs")
        outs = _tensor_list(outputs, "outputs")
        graph = graph_of(ins + outs, "Model")
        handle = _lib.ModelP()
        in_arr = (_lib.TensorP * len(ins))(*(t._handle for t in ins))
        out_arr = (_lib.TensorP * len(outs))(*(t._handle for t in outs))
        with graph.lock:
            _lib.lib.inlay_model_create(graph._handle, in_arr, len(ins), out_arr, len(outs),
                                        name.encode("utf-8") if name is not None else None, ctypes.byref(handle))
        self._init(handle, graph)

    # --- lifetime
    def _init(self, handle: Any, graph: Optional[Graph]) -> None:
        HandleOwner.__init__(self)
        self._graph = graph  # the Python graph a model built here came from (None: loaded)
        self._closed = False
        self._handle = None
        self._finalizer: Optional[weakref.finalize] = None
        self._json_text: Optional[str] = None
        self._set_handle(handle)

    def _set_handle(self, handle: Any) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._handle = handle
        self._json_text = None
        self._calls = threading.local()  # each thread's CallCache for this handle (see _new_call_cache)
        self._finalizer = weakref.finalize(self, _lib.lib.inlay_model_free, handle) if handle is not None else None

    @classmethod
    def _from_handle(cls, handle: Any) -> "Model":
        model = object.__new__(cls)
        model._init(handle, None)
        return model

    def close(self) -> None:
        """Frees the model now (``inlay_model_free``). Do not close a model another thread is predicting on."""
        self._closed = True
        if self._finalizer is not None:
            self._finalizer()
        self._handle = None

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _require_open(self) -> None:
        if self._closed:
            raise ValueError(f"{type(self).__name__} was closed: its handles are freed")

    def _h(self) -> Any:
        self._require_open()
        return self._handle

    def _wrapper_owner(self) -> HandleOwner:
        """Who owns the model's tensor/layer wrappers: the Python graph it was built in, else the model."""
        return self._graph if self._graph is not None else self

    # --- structure
    @property
    def name(self) -> str:
        return _lib.text(_lib.lib.inlay_model_name(self._h())) or ""

    @property
    def inputs(self) -> List[KerasTensor]:
        h = self._h()
        return [self._wrapper_owner().tensor(_lib.lib.inlay_model_input(h, i))
                for i in range(_lib.lib.inlay_model_input_count(h))]

    @property
    def outputs(self) -> List[KerasTensor]:
        h = self._h()
        return [self._wrapper_owner().tensor(_lib.lib.inlay_model_output(h, i))
                for i in range(_lib.lib.inlay_model_output_count(h))]

    @property
    def input(self) -> Union[KerasTensor, List[KerasTensor]]:
        inputs = self.inputs
        return inputs[0] if len(inputs) == 1 else inputs

    @property
    def output(self) -> Union[KerasTensor, List[KerasTensor]]:
        outputs = self.outputs
        return outputs[0] if len(outputs) == 1 else outputs

    @property
    def input_shape(self) -> Any:
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def layers(self) -> List[Layer]:
        """``model.layers`` in Keras's order (the same Python objects for layers made in Python)."""
        h = self._h()
        return [self._wrapper_owner().layer(_lib.lib.inlay_model_layer(h, i))
                for i in range(_lib.lib.inlay_model_layer_count(h))]

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Layer:
        """``model.get_layer(name=None, index=None)``."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, name={name}.")
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(layers)} layers.")
            return layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in layers]}.")

    @property
    def built(self) -> bool:
        return True

    # --- serialization
    def _config_text(self) -> str:
        if self._json_text is None:
            h = self._h()
            self._json_text = _lib.take_string(lambda out: _lib.lib.inlay_model_to_json(h, out))
        return self._json_text

    def to_json(self, **kwargs: Any) -> str:
        """``model.to_json(**kwargs)``: Keras 3's JSON. The library's text is already ``json.dumps``'s;
        keyword arguments (``indent=2``, ...) are passed to ``json.dumps`` as Keras does."""
        text = self._config_text()
        return json.dumps(json.loads(text), **kwargs) if kwargs else text

    def get_config(self) -> Dict[str, Any]:
        """``model.get_config()``: the ``"config"`` part of ``to_json()``."""
        return dict(json.loads(self._config_text())["config"])

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Model":
        """A model (zero weights) from ``get_config()``'s dict."""
        class_name = "Sequential" if issubclass(cls, Sequential) else "Functional"
        return model_from_json(json.dumps({"class_name": class_name, "config": config}))

    def summary(self, print_fn: Any = None) -> None:
        """``model.summary()``: prints Keras's table (or passes the whole text to ``print_fn``)."""
        text = self.summary_text()
        if print_fn is not None:
            print_fn(text)
        else:
            print(text, end="" if text.endswith("\n") else "\n")

    def summary_text(self) -> str:
        """The text ``model.summary()`` prints: Keras's table, character for character."""
        h = self._h()
        return _lib.take_string(lambda out: _lib.lib.inlay_model_summary(h, out))

    # --- weights
    @property
    def weights(self) -> List[Weight]:
        """``model.weights`` in Keras's order (per layer: trainable, then non-trainable)."""
        h = self._h()
        out = []
        for i in range(_lib.lib.inlay_model_weight_count(h)):
            path, rank, dims = ctypes.c_char_p(), ctypes.c_int(), _lib.Int64P()
            _lib.lib.inlay_model_weight_info(h, i, ctypes.byref(path), ctypes.byref(rank), ctypes.byref(dims))
            shape = _lib.dims_tuple(rank.value, dims) or ()
            out.append(Weight(self, i, _lib.text(path.value) or "", tuple(int(d) for d in shape)))
        return out

    def count_params(self) -> int:
        return sum(int(np.prod(w.shape, dtype=np.int64)) for w in self.weights)

    def get_weights(self) -> List[np.ndarray]:
        """Copies of every weight, as float32 arrays of the weights' shapes."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Sets every weight from arrays of the weights' shapes (cast to float32, as Keras casts).

        Checks everything before anything is written, with Keras's messages.
        """
        current = self.weights
        weights = list(weights)
        if len(weights) != len(current):
            raise ValueError(f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                             f"length {len(weights)}, but the layer was expecting {len(current)} weights.")
        values = [self._checked_weight(w, v) for w, v in zip(current, weights)]
        for w, v in zip(current, values):
            self._write_weight(w._index, v)

    def load_weights(self, filepath: "os.PathLike[str] | str") -> None:
        """Keras's model.load_weights for HDF5 weights files: Keras 3's ``save_weights("x.weights.h5")``,
        tf.keras 2's ``save_weights("x.h5")`` or a legacy ``.h5`` model file. All or nothing."""
        _lib.lib.inlay_model_load_weights(self._h(), os.fsencode(filepath))

    def _checked_weight(self, weight: Weight, value: Any) -> np.ndarray:
        array = np.ascontiguousarray(value, dtype=np.float32)
        if array.shape != weight.shape:
            # The library only compares element counts; a transposed kernel must not pass.
            raise ValueError(f"Layer {self.name} weight shape {weight.shape} is not compatible with provided "
                             f"weight shape {array.shape}.")
        return array

    def _set_weight(self, index: int, weight: Weight, value: Any) -> None:
        self._write_weight(index, self._checked_weight(weight, value))

    def _write_weight(self, index: int, array: np.ndarray) -> None:
        ptr = array.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        _lib.lib.inlay_model_set_weight(self._h(), index, ptr, array.size)

    def _get_weight(self, index: int, shape: Tuple[int, ...]) -> np.ndarray:
        out = np.empty(shape, np.float32)
        _lib.lib.inlay_model_get_weight(self._h(), index, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                                        out.size)
        return out

    # --- inference settings
    def set_num_threads(self, n: int) -> None:
        """Threads each predict uses; 0: INLAY_NUM_THREADS, else every core. Not while predicting."""
        _lib.lib.inlay_model_set_num_threads(self._h(), int(n))

    @property
    def num_threads(self) -> int:
        """The effective thread count of a predict call."""
        return int(_lib.lib.inlay_model_num_threads(self._h()))

    def set_precision(self, precision: str) -> None:
        """``"float32"`` (default; wide 3x3 convolutions may use Winograd's algorithm), ``"float32_strict"`` (every
        convolution direct) or ``"bfloat16"`` (Dense/Conv in bf16; UnsupportedError without CPU support)."""
        if precision not in _PRECISIONS:
            raise ValueError(f"precision must be one of {sorted(_PRECISIONS)}, got {precision!r}")
        _lib.lib.inlay_model_set_precision(self._h(), _PRECISIONS[precision])

    # --- inference
    def predict(self, x: Any, batch_size: Optional[int] = None, verbose: Any = "auto", steps: Any = None,
                callbacks: Any = None, *, out: Any = None) -> Any:
        """``model.predict(x)``: the outputs for a batch, as NumPy arrays viewing the library's memory.

        ``x``: an array for a one-input model; a list (in ``model.inputs`` order) or a dict keyed by input
        names for several. NumPy arrays are passed zero-copy and never converted (see :mod:`inlay.arrays`);
        nested lists are converted to the input's dtype. ``batch_size``: run in chunks of that many rows
        (default: one call for the whole batch). ``out``: arrays (one per output, None entries allowed) to
        write the outputs into instead; they are returned. Returns one array, or a list for several outputs.
        """
        if steps is not None or callbacks is not None:
            raise NotImplementedError("inlay's predict takes no steps or callbacks")
        # The common cases inline (one array, no out=, one call): issue 19 item 7 counts every 0.1 us here.
        h = self._handle
        if h is None:
            h = self._h()  # raises for a closed model; builds a Sequential on first use
        calls = getattr(self._calls, "cache", None) or self._new_call_cache(h)
        inputs = [x] if type(x) is np.ndarray else self._standardize_inputs(x, calls.n_inputs)
        if out is None:
            outs = calls.library_outputs
        elif type(out) is np.ndarray and calls.n_outputs == 1:
            outs = (out,)
        else:
            outs = _standardize_out(out, calls.n_outputs)
        if batch_size is not None and _batchable(inputs, batch_size):
            results = self._predict_batches(h, calls, inputs, int(batch_size), outs)
        else:
            try:
                results = calls.run(h, inputs, outs)  # NumPy arrays usable in place: the steady state
            except _calls.NotCacheable:
                results = self._run_uncached(h, inputs, outs)
        return results[0] if len(results) == 1 else results

    def predict_on_batch(self, x: Any) -> Any:
        return self.predict(x)

    def prepare(self, x: Any) -> None:
        """Compiles the execution plan for inputs of these shapes now (``inlay_model_prepare``)."""
        wrapped, per_call = _wrap_inputs(self._standardize_inputs(x))
        try:
            handles = (_lib.ArrayP * len(wrapped))(*(w.handle for w in wrapped))
            _lib.lib.inlay_model_prepare(self._h(), handles, len(wrapped))
        finally:
            _release(per_call)

    def _new_call_cache(self, h: Any) -> _calls.CallCache:
        """This thread's CallCache for the current handle ``h``, made on the thread's first predict."""
        cache = _calls.CallCache(_lib.lib.inlay_model_input_count(h), _lib.lib.inlay_model_output_count(h))
        self._calls.cache = cache
        return cache

    def _run(self, h: Any, calls: _calls.CallCache, inputs: List[ArrayLike],
             outs: Sequence[Optional[np.ndarray]]) -> List[Any]:
        try:
            return calls.run(h, inputs, outs)  # NumPy arrays usable in place: the steady state, nothing made
        except _calls.NotCacheable:
            return self._run_uncached(h, inputs, outs)

    def _run_uncached(self, h: Any, inputs: List[ArrayLike], outs: Sequence[Optional[np.ndarray]]) -> List[Any]:
        """A predict whose inlay_arrays and ctypes arrays are made for this call only."""
        wrapped_in, per_call = _wrap_inputs(inputs)
        try:
            wrapped_out = [None if o is None else _wrap_output(o, i) for i, o in enumerate(outs)]
            per_call += [w for w in wrapped_out if w is not None]
            in_arr = (_lib.ArrayP * len(wrapped_in))(*(w.handle for w in wrapped_in))
            out_arr = (_lib.ArrayP * len(outs))(*(_lib.ArrayP() if w is None else w.handle for w in wrapped_out))
            _lib.lib.inlay_model_predict(h, in_arr, len(wrapped_in), out_arr, len(outs))
        finally:
            _release(per_call)
        # The library allocated the outputs passed as NULL: each now belongs to a NumPy view.
        return _take_outputs(out_arr, outs)

    def _predict_batches(self, h: Any, calls: _calls.CallCache, inputs: List[np.ndarray], batch_size: int,
                         outs: Sequence[Optional[np.ndarray]]) -> List[Any]:
        total = inputs[0].shape[0]
        chunks: List[List[Any]] = []
        for start in range(0, total, batch_size):
            stop = min(start + batch_size, total)
            # Slices of C-contiguous arrays along axis 0 stay C-contiguous: still no copies.
            chunk_out = [None if o is None else o[start:stop] for o in outs]
            chunks.append(self._run(h, calls, [a[start:stop] for a in inputs], chunk_out))
        return [outs[i] if outs[i] is not None else np.concatenate([c[i] for c in chunks]) for i in range(len(outs))]

    def _standardize_inputs(self, x: Any, n_inputs: Optional[int] = None) -> List[ArrayLike]:
        """Keras's input forms -> one array per model input, in model.inputs order."""
        if type(x) is np.ndarray:
            return [x]  # the most common case, first: one array (the library checks the count)
        if n_inputs is None:
            n_inputs = _lib.lib.inlay_model_input_count(self._h())
        if isinstance(x, dict):
            items = _inputs_from_dict(x, self.inputs)
        elif isinstance(x, (list, tuple)) and (n_inputs > 1 or _all_arrays(x)):
            items = list(x)  # the library checks the count, with Keras's message
        else:
            items = [x]
        if all(isinstance(item, _ARRAY_TYPES) for item in items):
            return items  # the common case: no conversions, no tensor lookups
        model_inputs = self.inputs
        return [_as_array(item, model_inputs[i] if i < len(model_inputs) else None) for i, item in enumerate(items)]

    def __repr__(self) -> str:
        if self._closed:
            return f"<{self._class_name()} (closed)>"
        return f"<{self._class_name()} name={self.name}, built=True>"

    def _class_name(self) -> str:
        return "Sequential" if isinstance(self, Sequential) else "Functional"


class Sequential(Model):
    """``keras.Sequential(layers=None, name=None)``: layers stacked in order.

    The first entry is an ``inlay.Input()`` tensor, an InputLayer, or a layer made with ``input_shape=``.
    Given layers, the model is built at once (so errors surface here, as in Keras); ``Sequential()`` +
    ``add()`` builds on first use. ``add()`` on a built model re-creates it under the same name.
    """

    def __init__(self, layers: Optional[Iterable[Any]] = None, name: Optional[str] = None) -> None:
        self._init(None, None)
        self._stack: List[Any] = []
        self._name_arg = name
        for item in layers or []:
            self._stack.append(item)
        if self._stack:
            self._build()

    def add(self, layer: Any) -> None:
        """Appends a layer (or an Input tensor first)."""
        self._require_open()
        if not isinstance(layer, (Layer, KerasTensor)):
            raise ValueError("Only instances of `keras.Layer` can be added to a Sequential model. "
                             f"Received: {layer} (of type {type(layer)})")
        self._stack.append(layer)
        if self._handle is not None:
            self._name_arg = self.name  # keep Keras's name across the rebuild
            try:
                self._build()
            except BaseException:
                self._stack.pop()  # the model stays as it was, as when Keras's add() raises
                raise

    def pop(self) -> None:
        raise NotImplementedError("inlay builds models eagerly: make a new Sequential without the last layer")

    def _build(self) -> None:
        if any(not isinstance(item, (Layer, KerasTensor)) for item in self._stack):
            bad = next(item for item in self._stack if not isinstance(item, (Layer, KerasTensor)))
            raise ValueError("Only instances of `keras.Layer` can be added to a Sequential model. "
                             f"Received: {bad} (of type {type(bad)})")
        first = self._stack[0]
        graph = first._owner if isinstance(first._owner, Graph) else None
        if graph is None:
            raise ValueError("Sequential: the layers belong to a model loaded from a file; make new layers")
        handles = [self._layer_handle(item, graph) for item in self._stack]
        layer_arr = (_lib.LayerP * len(handles))(*handles)
        handle = _lib.ModelP()
        name = self._name_arg.encode("utf-8") if self._name_arg is not None else None
        with graph.lock:
            _lib.lib.inlay_sequential_create(graph._handle, layer_arr, len(handles), name, ctypes.byref(handle))
        for item in self._stack:
            if isinstance(item, Layer):
                item._called = True
        self._graph = graph
        self._set_handle(handle)

    @staticmethod
    def _layer_handle(item: Any, graph: Graph) -> Any:
        if isinstance(item, KerasTensor):
            if item._owner is not graph:
                raise ValueError("Sequential: the layers and Input tensors belong to different graphs")
            return _lib.lib.inlay_tensor_layer(item._handle)
        return item._handle_in(graph)

    def _h(self) -> Any:
        self._require_open()
        if self._handle is None:
            if not self._stack:
                raise ValueError("This Sequential model has no layers yet: add() an Input and layers first.")
            self._build()
        return self._handle


# --- loading


def _model_class(handle: Any) -> type:
    text = _lib.take_string(lambda out: _lib.lib.inlay_model_to_json(handle, out))
    return Sequential if json.loads(text).get("class_name") == "Sequential" else Model


def _adopt(handle: Any) -> Model:
    """A Python model (Sequential or Functional, as Keras's loader returns) owning a new handle."""
    try:
        cls = _model_class(handle)
    except BaseException:
        _lib.lib.inlay_model_free(handle)
        raise
    model = cls._from_handle(handle)
    if isinstance(model, Sequential):
        model._stack, model._name_arg = [], None
    return model


def load_model(filepath: Union[str, "os.PathLike[str]"], custom_objects: Any = None, compile: bool = True,
               safe_mode: bool = True, *, max_weight_bytes: Optional[int] = None) -> Model:
    """``keras.models.load_model``: a Keras 3 ``.keras`` file, a TensorFlow.js ``model.json`` (or its
    directory), or a tf.keras ``.h5`` file (``model.save("m.h5")``), weights included.

    ``max_weight_bytes`` (inlay's own keyword) caps the bytes the model's weights may take as float32:
    a model needing more raises :class:`inlay.OutOfMemoryError` (a MemoryError) before any weight is
    read. ``None``: the default budget, at most 4 times the weight data the file holds.

    A missing or unreadable file raises :class:`inlay.IoError` (an OSError); malformed contents
    :class:`inlay.ParseError` (a ValueError).
    """
    if custom_objects:
        raise NotImplementedError("inlay has no custom layers: custom_objects is not supported")
    handle = _lib.ModelP()
    if max_weight_bytes is None:
        _lib.lib.inlay_model_load(os.fsencode(filepath), ctypes.byref(handle))
    else:
        if isinstance(max_weight_bytes, bool) or not isinstance(max_weight_bytes, int):
            raise TypeError(f"max_weight_bytes must be an int or None, got {type(max_weight_bytes).__name__}")
        options = json.dumps({"max_weight_bytes": max_weight_bytes}).encode("utf-8")
        _lib.lib.inlay_model_load_with_options(os.fsencode(filepath), options, ctypes.byref(handle))
    return _adopt(handle)


def model_from_json(json_string: Union[str, bytes, Dict[str, Any]], custom_objects: Any = None) -> Model:
    """``keras.models.model_from_json``: Keras 3 / tf.keras ``to_json()``, a ``.keras`` config or a
    TensorFlow.js ``model.json`` topology. Weights are zero until set."""
    if custom_objects:
        raise NotImplementedError("inlay has no custom layers: custom_objects is not supported")
    if isinstance(json_string, dict):
        json_string = json.dumps(json_string)
    data = json_string.encode("utf-8") if isinstance(json_string, str) else json_string
    handle = _lib.ModelP()
    _lib.lib.inlay_model_from_json(data, ctypes.byref(handle))
    return _adopt(handle)


# --- helpers


def _tensor_list(value: Any, what: str) -> List[KerasTensor]:
    items = list(value.values()) if isinstance(value, dict) else (
        list(value) if isinstance(value, (list, tuple)) else [value])
    for item in items:
        if not isinstance(item, KerasTensor):
            raise ValueError(f"All `{what}` values must be KerasTensors. Received: {what}={value} including "
                             f"invalid value {item} of type {type(item)}")
    return items


def _all_arrays(items: Sequence[Any]) -> bool:
    return len(items) > 0 and all(isinstance(i, _ARRAY_TYPES) for i in items)


def _inputs_from_dict(x: Dict[str, Any], model_inputs: List[KerasTensor]) -> List[Any]:
    """Keras matches dict keys to the input tensors' names; inlay also accepts the InputLayers' names."""
    out = []
    for t in model_inputs:
        if t.name in x:
            out.append(x[t.name])
        elif t.layer.name in x:
            out.append(x[t.layer.name])
        else:
            expected = [t.name for t in model_inputs]
            received = {k: f"Tensor(shape={getattr(v, 'shape', None)})" for k, v in x.items()}
            raise ValueError("The structure of `inputs` doesn't match the expected structure.\n"
                             f"Expected: {expected}\nReceived: inputs={received}")
    return out


def _as_array(item: Any, model_input: Optional[KerasTensor]) -> ArrayLike:
    if isinstance(item, _ARRAY_TYPES):
        return item
    # Not an array yet (nested lists, scalars): make one of the input's dtype, as Keras converts.
    dtype = None
    if model_input is not None:
        try:
            dtype = dtypes.to_numpy(_lib.lib.inlay_tensor_dtype(model_input._handle))
        except TypeError:
            dtype = None
    return np.asarray(item, dtype=dtype)


def _wrap_inputs(items: List[ArrayLike]) -> Tuple[List[Array], List[Array]]:
    """inlay_arrays over the inputs: (all of them, the ones made for this call only)."""
    wrapped: List[Array] = []
    per_call: List[Array] = []
    try:
        for item in items:
            if isinstance(item, Array):
                wrapped.append(item)  # the caller's: theirs to keep
            else:
                w = Array(item)
                wrapped.append(w)
                per_call.append(w)
    except BaseException:
        _release(per_call)
        raise
    return wrapped, per_call


def _release(per_call: List[Array]) -> None:
    """Frees this call's wrappers now rather than whenever the garbage collector gets to them."""
    for w in per_call:
        w.close()


def _standardize_out(out: Any, n_out: int) -> List[Optional[np.ndarray]]:
    if out is None:
        return [None] * n_out
    items = [out] if isinstance(out, np.ndarray) else list(out)
    if len(items) != n_out:
        raise ValueError(f"out: the model has {n_out} output(s), got {len(items)} array(s)")
    return items


def _wrap_output(o: Any, i: int) -> Array:
    if not isinstance(o, np.ndarray) or not o.flags.c_contiguous or not o.flags.writeable or not o.dtype.isnative:
        raise ValueError(f"out[{i}] must be a writeable, C-contiguous NumPy array in native byte order "
                         "(it is written in place)")
    return Array(o)


def _take_outputs(out_arr: Any, outs: Sequence[Optional[np.ndarray]]) -> List[Any]:
    results: List[Any] = []
    try:
        for i, provided in enumerate(outs):
            if provided is not None:
                results.append(provided)
                continue
            handle = _lib.detached(out_arr[i], _lib.ArrayP)
            out_arr[i] = _lib.ArrayP()  # to_numpy owns it from here on, failing or not
            results.append(to_numpy(handle))
    finally:
        for i in range(len(outs)):
            if outs[i] is None and out_arr[i]:
                _lib.lib.inlay_array_free(out_arr[i])  # outputs not converted because an earlier one failed
    return results


def _batchable(inputs: List[ArrayLike], batch_size: int) -> bool:
    if batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    dense = all(isinstance(a, np.ndarray) and a.ndim > 0 for a in inputs)
    return dense and len({a.shape[0] for a in inputs}) == 1 and inputs[0].shape[0] > batch_size
