"""The placeholder graph: ``Input()``, symbolic tensors (``KerasTensor``) and the session's current graph.

Keras keeps implicit global state: auto-names ("input_layer", "input_layer_1", "dense", ...) are unique per
Python session until ``keras.backend.clear_session()``. inlay's names are unique per ``inlay_graph``, so
this module keeps one *current graph* that ``Input()`` and new layers use, and :func:`clear_session` starts
a fresh one. Tensors, layers and models made earlier keep their own graph alive through Python references,
so nothing already built is invalidated.

Lifetime rules: ``inlay_tensor`` and ``inlay_layer`` handles are borrowed from their graph (or from the model
a file was loaded into). Every Python wrapper holds a reference to that owner, so a handle can never outlive
what owns it.
"""

from __future__ import annotations

import ctypes
import threading
import weakref
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

from . import _json, _lib, dtypes, specs

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Layer


class HandleOwner:
    """Owner of borrowed tensor and layer handles: a :class:`Graph`, or a model loaded without one.

    It hands out one Python wrapper per handle (cached weakly by address: handles are never freed before
    their owner, so an address is unique while the owner lives), so ``model.layers[1] is dense`` holds.
    """

    def __init__(self) -> None:
        self._tensor_cache: "weakref.WeakValueDictionary[int, KerasTensor]" = weakref.WeakValueDictionary()
        self._layer_cache: "weakref.WeakValueDictionary[int, Layer]" = weakref.WeakValueDictionary()
        self._cache_lock = threading.Lock()

    def _require_open(self) -> None:
        """Raises if the owner's handles are gone (a closed model); graphs are never closed."""

    def tensor(self, handle: Any) -> "KerasTensor":
        key = _lib.address(handle)
        with self._cache_lock:
            t = self._tensor_cache.get(key)
            if t is None:
                t = KerasTensor._wrap(self, _lib.detached(handle, _lib.TensorP))
                self._tensor_cache[key] = t
            return t

    def layer(self, handle: Any) -> "Layer":
        from .layers import Layer  # layers imports this module

        key = _lib.address(handle)
        with self._cache_lock:
            layer = self._layer_cache.get(key)
            if layer is None:
                layer = Layer._wrap(self, _lib.detached(handle, _lib.LayerP))
                self._layer_cache[key] = layer
            return layer

    def _remember_layer(self, layer: "Layer") -> None:
        with self._cache_lock:
            self._layer_cache[_lib.address(layer._handle)] = layer


class Graph(HandleOwner):
    """An ``inlay_graph``: owns its layers and symbolic tensors; auto-names are unique within it.

    Mutations of one graph are serialized by ``lock`` (the library asks that a graph is not mutated from two
    threads at once); different graphs are independent.
    """

    def __init__(self) -> None:
        super().__init__()
        handle = _lib.GraphP()
        _lib.lib.inlay_graph_create(ctypes.byref(handle))
        self._handle = handle
        self.lock = threading.RLock()
        # Models share the C graph, so freeing it here never invalidates a model made from it.
        self._finalizer = weakref.finalize(self, _lib.lib.inlay_graph_free, handle)

    def __repr__(self) -> str:
        return f"<inlay.Graph at 0x{_lib.address(self._handle):x}>"


_current: Optional[Graph] = None
_current_lock = threading.Lock()


def get_graph() -> Graph:
    """The graph ``Input()`` and new layers are made in (created on first use)."""
    global _current
    with _current_lock:
        if _current is None:
            _current = Graph()
        return _current


def clear_session() -> None:
    """``keras.backend.clear_session()``: starts a new current graph, so auto-names start over.

    Tensors, layers and models made before keep working: each keeps its own graph alive.
    """
    global _current
    with _current_lock:
        _current = Graph()


class KerasTensor:
    """A symbolic tensor (Keras's ``KerasTensor``), as returned by :func:`Input` and by calling layers.

    It has a shape, a dtype and a TypeSpec, but no values: build a :class:`inlay.Model` from inputs and
    outputs and run it with ``predict``.
    """

    _owner: HandleOwner
    _handle: Any

    def __init__(self) -> None:
        raise TypeError("KerasTensor is made by inlay.Input() and by calling layers")

    @classmethod
    def _wrap(cls, owner: HandleOwner, handle: Any) -> "KerasTensor":
        t = object.__new__(cls)
        t._owner = owner  # keeps the graph (or model) that owns the handle alive
        t._handle = handle
        return t

    def _h(self) -> Any:
        self._owner._require_open()
        return self._handle

    @property
    def shape(self) -> Optional[Tuple[Optional[int], ...]]:
        """The shape including the batch dimension; None entries are unknown dims (None: unknown rank)."""
        h = self._h()
        return _lib.dims_tuple(_lib.lib.inlay_tensor_rank(h), _lib.lib.inlay_tensor_dims(h))

    @property
    def ndim(self) -> Optional[int]:
        rank = _lib.lib.inlay_tensor_rank(self._h())
        return None if rank < 0 else rank

    @property
    def dtype(self) -> str:
        return dtypes.name(_lib.lib.inlay_tensor_dtype(self._h()))

    @property
    def name(self) -> str:
        return _lib.text(_lib.lib.inlay_tensor_name(self._h())) or ""

    @property
    def spec(self) -> specs.TypeSpec:
        """The TensorSpec / SparseTensorSpec / RaggedTensorSpec of the placeholder."""
        return specs.wrap_borrowed(_lib.lib.inlay_tensor_spec(self._h()), self)

    @property
    def sparse(self) -> bool:
        return _lib.lib.inlay_spec_kind_of(_lib.lib.inlay_tensor_spec(self._h())) == _lib.SPEC_SPARSE

    @property
    def ragged(self) -> bool:
        return _lib.lib.inlay_spec_kind_of(_lib.lib.inlay_tensor_spec(self._h())) == _lib.SPEC_RAGGED

    @property
    def layer(self) -> "Layer":
        """The layer that produced this tensor (an InputLayer for inputs): Keras's ``_keras_history``."""
        return self._owner.layer(_lib.lib.inlay_tensor_layer(self._h()))

    @property
    def graph(self) -> HandleOwner:
        return self._owner

    def __repr__(self) -> str:
        shape = "None" if self.shape is None else repr(self.shape)
        return (f"<KerasTensor shape={shape}, dtype={self.dtype}, sparse={self.sparse}, ragged={self.ragged}, "
                f"name={self.name}>")

    def __bool__(self) -> bool:
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean.")

    def __iter__(self) -> Any:
        raise NotImplementedError("Iterating over a symbolic KerasTensor is not supported.")

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("A symbolic KerasTensor has no values: build an inlay.Model and call predict() on it.")


def graph_of(tensors: "list[KerasTensor]", what: str) -> Graph:
    """The one graph all the tensors belong to; ValueError if they come from several or from a loaded model."""
    owners = {id(t._owner): t._owner for t in tensors}
    if len(owners) > 1:
        raise ValueError(
            f"{what}: the tensors belong to different graphs (inlay.clear_session() was called between "
            "them, or they come from different models); use tensors of one graph."
        )
    owner = next(iter(owners.values()))
    if not isinstance(owner, Graph):
        raise ValueError(f"{what}: the tensors belong to a model loaded from a file or JSON; its graph is not "
                         "extensible. Build new models from inlay.Input() tensors.")
    return owner


def Input(
    shape: Any = None,
    batch_size: Optional[int] = None,
    dtype: Any = None,
    sparse: Optional[bool] = None,
    ragged: Optional[bool] = None,
    batch_shape: Any = None,
    name: Optional[str] = None,
    tensor: Optional[KerasTensor] = None,
    optional: bool = False,
    *,
    batch_input_shape: Any = None,
    type_spec: Any = None,
) -> KerasTensor:
    """``keras.Input()``: a symbolic input tensor, in the current graph (or ``tensor``'s graph).

    Takes Keras 3's arguments, in Keras 3's order, plus tf.keras's ``batch_input_shape`` and ``type_spec``
    (an :class:`inlay.TypeSpec` or its JSON dict). Validation, messages and auto-names are Keras's::

        x = inlay.Input(shape=(32,))       # <KerasTensor shape=(None, 32), dtype=float32, ..., name=keras_tensor>
    """
    kwargs: Dict[str, Any] = {
        "shape": shape, "batch_size": batch_size, "dtype": dtype, "sparse": sparse, "ragged": ragged,
        "batch_shape": batch_shape, "name": name, "batch_input_shape": batch_input_shape,
    }
    # None is each argument's default in Keras, so leaving it out of the JSON means the same.
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    if optional is not False:
        kwargs["optional"] = optional  # Keras keeps a non-bool value as given
    spec_handle = None
    if isinstance(type_spec, specs.TypeSpec):
        spec_handle = type_spec._handle
    elif type_spec is not None:
        kwargs["type_spec"] = type_spec
    return make_input(kwargs, spec_handle, tensor)


def make_input(kwargs: Dict[str, Any], spec_handle: Any, tensor: Optional[KerasTensor]) -> KerasTensor:
    """``inlay_input`` in ``tensor``'s graph, or the current one."""
    if tensor is not None:
        if not isinstance(tensor, KerasTensor):
            raise ValueError(
                "Argument `input_tensor` must be a KerasTensor. "
                f"Received invalid type: input_tensor={tensor} (of type {type(tensor)})"
            )
        graph = graph_of([tensor], "Input(tensor=...)")
    else:
        graph = get_graph()
    out = _lib.TensorP()
    with graph.lock:
        _lib.lib.inlay_input(graph._handle, _json.dumps(kwargs), spec_handle,
                             tensor._handle if tensor is not None else None, ctypes.byref(out))
    return graph.tensor(out)
