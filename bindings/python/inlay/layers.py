"""Keras layers: ``inlay.layers.Dense(16, activation="softmax")(x)``.

Every class takes Keras 3's arguments — positional ones in Keras's order (``Dense(units)``,
``Conv2D(filters, kernel_size)``, ``Reshape(target_shape)``, ...), the rest as keywords — and passes them to
the library as the layer's config, so defaults, validation, messages and ``get_config()`` are Keras's own.
Any class the library knows can also be made with :func:`deserialize` or ``Layer.from_config``.

Like Keras, a layer gets its (auto-)name when it is made, in the current graph. Calling it on tensors
builds it (its weights take their shapes from the inputs) and records a node; calling it again shares it.
A layer that was never called can still be called on tensors of a newer graph (after
``inlay.clear_session()``): it is then re-made there. A layer that was called belongs to its graph for good.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Tuple, Type, Union

from . import _json, _lib
from ._layer_table import LAYER_CLASSES
from .graph import Graph, HandleOwner, KerasTensor, Input, get_graph, graph_of, make_input

TensorOrList = Union[KerasTensor, List[KerasTensor]]

# Most outputs a supported layer makes; the library says INVALID_ARGUMENT if a layer ever needed more.
_MAX_OUTPUTS = 16


class Layer:
    """Base of every layer class: a Keras class name and its config (Keras's keyword arguments).

    Subclasses only declare the Keras class name (their own name by default) and the names of the
    positional arguments in Keras's order.
    """

    class_name: ClassVar[str] = ""
    _positional: ClassVar[Tuple[str, ...]] = ()

    _owner: HandleOwner
    _handle: Any
    _config: Optional[Dict[str, Any]]
    _called: bool

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "class_name" not in cls.__dict__:
            cls.class_name = cls.__name__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.class_name:
            raise TypeError("inlay.layers.Layer is abstract: use a layer class or inlay.layers.deserialize()")
        self._config = self._bind(args, kwargs)
        self._called = False
        self._create_in(get_graph())

    # --- construction
    @classmethod
    def _bind(cls, args: Sequence[Any], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        """Keras's signature: positional arguments named in Keras's order, then the keywords."""
        if len(args) > len(cls._positional):
            raise TypeError(f"{cls.__name__}() takes at most {len(cls._positional)} positional argument(s) "
                            f"({', '.join(cls._positional) or 'none'}), {len(args)} were given")
        config = dict(zip(cls._positional, args))
        for key, value in kwargs.items():
            if key in config:
                raise TypeError(f"{cls.__name__}() got multiple values for argument '{key}'")
            config[key] = value
        return config

    def _create_in(self, graph: Graph) -> None:
        handle = _lib.LayerP()
        with graph.lock:
            _lib.lib.inlay_layer_create(graph._handle, self.class_name.encode("utf-8"), _json.dumps(self._config),
                                        ctypes.byref(handle))
        self._owner, self._handle = graph, handle
        graph._remember_layer(self)

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Layer":
        """``Layer.from_config``: a new layer (in the current graph) from a ``get_config()`` dict."""
        return cls(**config)

    @classmethod
    def _wrap(cls, owner: HandleOwner, handle: Any) -> "Layer":
        """The Python object for an existing C layer (of a model or graph), of its Keras class."""
        class_name = _lib.text(_lib.lib.inlay_layer_class_name(handle)) or "Layer"
        layer = object.__new__(get(class_name))
        layer._owner, layer._handle = owner, handle
        layer._config = None
        layer._called = True  # a layer of a model; an InputLayer is built when made
        return layer

    # --- calling
    def __call__(self, inputs: Any, training: Any = None, **kwargs: Any) -> Any:
        """Calls the layer on symbolic tensors; returns a tensor (or a list when it makes several)."""
        if kwargs:
            raise TypeError(f"{self.class_name}.__call__() got unexpected keyword arguments {sorted(kwargs)}")
        tensors = _as_tensor_list(inputs, self.class_name)
        graph = graph_of(tensors, f"Layer '{self.name}'")
        handle = self._handle_in(graph)
        ins = (_lib.TensorP * len(tensors))(*(t._handle for t in tensors))
        outs = (_lib.TensorP * _MAX_OUTPUTS)()
        n = ctypes.c_size_t()
        with graph.lock:
            _lib.lib.inlay_layer_call(handle, ins, len(tensors), outs, _MAX_OUTPUTS, ctypes.byref(n))
        self._called = True
        results = [graph.tensor(outs[i]) for i in range(n.value)]
        return results[0] if len(results) == 1 else results

    def _handle_in(self, graph: Graph) -> Any:
        """This layer's handle in ``graph``; an uncalled layer of another graph is re-made there."""
        self._owner._require_open()
        if self._owner is graph:
            return self._handle
        if self._called or self._config is None:
            raise ValueError(
                f"Layer '{self.name}' was already called on tensors of another graph and cannot be called on "
                "these (inlay.clear_session() started a new graph since, or they belong to another model). "
                "Make a new layer for these tensors."
            )
        self._create_in(graph)
        return self._handle

    # --- accessors
    def _h(self) -> Any:
        self._owner._require_open()
        return self._handle

    @property
    def name(self) -> str:
        return _lib.text(_lib.lib.inlay_layer_name(self._h())) or ""

    @property
    def built(self) -> bool:
        return self._called

    def get_config(self) -> Dict[str, Any]:
        """``layer.get_config()`` in Keras 3's form."""
        h = self._h()
        return json.loads(_lib.take_string(lambda out: _lib.lib.inlay_layer_get_config(h, out)))

    @property
    def output(self) -> TensorOrList:
        """The tensor(s) this layer made at its first call (an InputLayer's placeholder)."""
        h = self._h()
        n = _lib.lib.inlay_layer_output_count(h)
        if n == 0:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined output.")
        outs = [self._owner.tensor(_lib.lib.inlay_layer_output(h, i)) for i in range(n)]
        return outs[0] if n == 1 else outs

    def __repr__(self) -> str:
        return f"<{self.class_name} name={self.name}, built={self.built}>"


def _as_tensor_list(inputs: Any, class_name: str) -> List[KerasTensor]:
    items = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    for item in items:
        if not isinstance(item, KerasTensor):
            raise TypeError(
                f"{class_name} is called on symbolic tensors (inlay.Input() and layer outputs), got "
                f"{type(item).__name__}. To compute values, build an inlay.Model and call predict()."
            )
    if not items:
        raise ValueError(f"{class_name} was called on an empty list of tensors")
    return items


class InputLayer(Layer):
    """``keras.layers.InputLayer(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
    batch_shape=None, input_tensor=None, optional=False, name=None)``; also tf.keras's ``input_shape``,
    ``batch_input_shape`` and ``type_spec``. Built at once; ``layer.output`` is its placeholder."""

    _positional = ("shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape", "input_tensor",
                   "optional", "name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        config = self._bind(args, kwargs)
        tensor = config.pop("input_tensor", None)
        # None and optional=False are Keras's defaults: leaving them out means the same.
        config = {k: v for k, v in config.items() if v is not None and not (k == "optional" and v is False)}
        self._config = config
        self._called = True
        if tensor is not None:
            # input_tensor has no JSON form: it goes through inlay_input's tensor argument.
            out = make_input(config, None, tensor)
            self._owner, self._handle = out._owner, _lib.lib.inlay_tensor_layer(out._handle)
            self._owner._remember_layer(self)
        else:
            self._create_in(get_graph())


# --- the layer classes inlay runs (generated from the library's table, src/layers/layer_classes.def), with
# Keras 3's positional arguments


def _make_class(class_name: str, positional: Tuple[str, ...]) -> Type[Layer]:
    signature = ", ".join(positional + ("**kwargs",))
    doc = f"``keras.layers.{class_name}({signature})``."
    return type(class_name, (Layer,), {"class_name": class_name, "_positional": positional, "__module__": __name__,
                                       "__doc__": doc})


_CLASSES: Dict[str, Type[Layer]] = {"InputLayer": InputLayer}
for _name, _positional in LAYER_CLASSES:
    _CLASSES[_name] = globals()[_name] = _make_class(_name, _positional)
del _name, _positional


def get(class_name: str) -> Type[Layer]:
    """The Python class for a Keras layer class name. Names this module lacks get a generic keyword-only
    class, so a newer library's layers work too (the library rejects the ones it does not know)."""
    cls = _CLASSES.get(class_name)
    if cls is None:
        cls = type(class_name, (Layer,), {"class_name": class_name, "__module__": __name__,
                                          "__doc__": f"Keras layer {class_name} (keyword arguments only)."})
        _CLASSES[class_name] = cls
    return cls


def deserialize(config: Dict[str, Any]) -> Layer:
    """``keras.layers.deserialize({"class_name": ..., "config": {...}})``: a new layer in the current graph."""
    return get(config["class_name"]).from_config(dict(config.get("config") or {}))


__all__ = ["Input", "InputLayer", "Layer", "deserialize", "get"] + [name for name, _ in LAYER_CLASSES]
