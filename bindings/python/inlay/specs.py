"""TensorFlow's TypeSpecs (``tf.TensorSpec``, ``tf.SparseTensorSpec``, ``tf.RaggedTensorSpec``) over inlay_spec.

Constructors validate as TensorFlow's do, with TensorFlow's messages (the library does the checking)::

    >>> inlay.TensorSpec((None, 32))
    TensorSpec(shape=(None, 32), dtype=tf.float32, name=None)
    >>> inlay.RaggedTensorSpec((None, None), ragged_rank=2)
    ValueError: Argument `ragged_rank` (2) must be less than rank (2).

Specs are immutable values: equal when their JSON forms are equal, hashable, usable as
``Input(type_spec=...)``.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, Optional, Tuple, Union
import weakref

from . import _json, _lib, dtypes

Shape = Optional[Tuple[Optional[int], ...]]
_UNSET: Any = object()


def _shape_text(shape: Shape) -> str:
    """TensorShape's ``repr`` contents: ``[None, 32]``, or ``None`` for an unknown rank."""
    return "None" if shape is None else "[" + ", ".join("None" if d is None else str(d) for d in shape) + "]"


class TypeSpec:
    """Base class of the specs. Build one with a subclass's constructor or :meth:`from_json`."""

    kind: str = ""

    def __init__(self) -> None:  # pragma: no cover - subclasses build through _build
        raise TypeError("use TensorSpec, SparseTensorSpec, RaggedTensorSpec or TypeSpec.from_json")

    # --- construction
    @classmethod
    def _build(cls, fields: Dict[str, Any]) -> "TypeSpec":
        handle = _lib.SpecP()
        _lib.lib.inlay_spec_from_json(_json.dumps(fields), ctypes.byref(handle))
        return _wrap_owned(handle)

    @staticmethod
    def from_json(spec: Union[str, bytes, Dict[str, Any]]) -> "TypeSpec":
        """A spec from inlay's JSON form or tf.keras's serialized forms (``inlay_spec_from_json``)."""
        text = spec if isinstance(spec, (str, bytes)) else json.dumps(spec)
        handle = _lib.SpecP()
        _lib.lib.inlay_spec_from_json(text.encode("utf-8") if isinstance(text, str) else text, ctypes.byref(handle))
        return _wrap_owned(handle)

    # --- accessors
    @property
    def shape(self) -> Shape:
        """The shape as a tuple (None for unknown dims), or None for an unknown rank."""
        return _lib.dims_tuple(_lib.lib.inlay_spec_rank(self._handle), _lib.lib.inlay_spec_dims(self._handle))

    @property
    def dtype(self) -> str:
        return dtypes.name(_lib.lib.inlay_spec_dtype(self._handle))

    def to_json(self) -> str:
        """inlay's JSON form, every field present (``inlay_spec_to_json``)."""
        return _lib.take_string(lambda out: _lib.lib.inlay_spec_to_json(self._handle, out))

    def _to_json_dict(self) -> Dict[str, Any]:
        return json.loads(self.to_json())

    def is_compatible_with(self, other: "TypeSpec") -> bool:
        """``TypeSpec.is_compatible_with`` as TensorFlow decides it (names are ignored)."""
        if not isinstance(other, TypeSpec):
            return False
        return bool(_lib.lib.inlay_spec_is_compatible_with(self._handle, other._handle))

    def most_specific_compatible_type(self, other: "TypeSpec") -> "TypeSpec":
        """The most specific spec both are compatible with; ValueError with TensorFlow's message if none."""
        handle = _lib.SpecP()
        _lib.lib.inlay_spec_most_specific_compatible(self._handle, other._handle, ctypes.byref(handle))
        return _wrap_owned(handle)

    # --- value semantics
    def __eq__(self, other: object) -> bool:
        return isinstance(other, TypeSpec) and self._to_json_dict() == other._to_json_dict()

    def __hash__(self) -> int:
        return hash(self.to_json())


class TensorSpec(TypeSpec):
    """``tf.TensorSpec(shape, dtype=tf.float32, name=None)``; ``shape=None`` is an unknown rank."""

    kind = "tensor"

    def __new__(cls, shape: Any = _UNSET, dtype: Any = "float32", name: Optional[str] = None) -> "TensorSpec":
        if shape is _UNSET:
            raise TypeError("TensorSpec.__init__() missing 1 required positional argument: 'shape'")
        return cls._build({"kind": "tensor", "shape": shape, "dtype": _dtype_arg(dtype), "name": name})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # built by __new__

    @property
    def name(self) -> Optional[str]:
        return _lib.text(_lib.lib.inlay_spec_name(self._handle))

    def __repr__(self) -> str:
        shape = self.shape
        shape_text = "<unknown>" if shape is None else _tuple_text(shape)
        name = "None" if self.name is None else repr(self.name)
        return f"TensorSpec(shape={shape_text}, dtype=tf.{self.dtype}, name={name})"


class SparseTensorSpec(TypeSpec):
    """``tf.SparseTensorSpec(shape=None, dtype=tf.float32)``."""

    kind = "sparse"

    def __new__(cls, shape: Any = None, dtype: Any = "float32") -> "SparseTensorSpec":
        return cls._build({"kind": "sparse", "shape": shape, "dtype": _dtype_arg(dtype)})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __repr__(self) -> str:
        return f"SparseTensorSpec(TensorShape({_shape_text(self.shape)}), tf.{self.dtype})"


class RaggedTensorSpec(TypeSpec):
    """``tf.RaggedTensorSpec(shape=None, dtype=tf.float32, ragged_rank=None, row_splits_dtype=tf.int64,
    flat_values_spec=None)``."""

    kind = "ragged"

    def __new__(cls, shape: Any = None, dtype: Any = "float32", ragged_rank: Optional[int] = None,
                row_splits_dtype: Any = "int64", flat_values_spec: Optional[TypeSpec] = None) -> "RaggedTensorSpec":
        fields: Dict[str, Any] = {"kind": "ragged", "shape": shape, "dtype": _dtype_arg(dtype),
                                  "row_splits_dtype": _dtype_arg(row_splits_dtype)}
        if ragged_rank is not None:
            fields["ragged_rank"] = ragged_rank
        if flat_values_spec is not None:
            fields["flat_values_spec"] = flat_values_spec
        return cls._build(fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @property
    def ragged_rank(self) -> int:
        return int(_lib.lib.inlay_spec_ragged_rank(self._handle))

    @property
    def row_splits_dtype(self) -> str:
        return str(self._to_json_dict().get("row_splits_dtype", "int64"))

    @property
    def flat_values_spec(self) -> Optional[TypeSpec]:
        fields = self._to_json_dict().get("flat_values_spec")
        return None if fields is None else TypeSpec.from_json(fields)

    def __repr__(self) -> str:
        flat = self.flat_values_spec
        return (f"RaggedTensorSpec(TensorShape({_shape_text(self.shape)}), tf.{self.dtype}, "
                f"{self.ragged_rank}, tf.{self.row_splits_dtype}" + ("" if flat is None else f", {flat!r}") + ")")


_CLASS_OF_KIND = {_lib.SPEC_TENSOR: TensorSpec, _lib.SPEC_SPARSE: SparseTensorSpec, _lib.SPEC_RAGGED: RaggedTensorSpec}


def _tuple_text(shape: Tuple[Optional[int], ...]) -> str:
    return repr(tuple(shape))


def _dtype_arg(dtype: Any) -> Any:
    """TensorFlow takes dtype objects too; the library takes names (None stays None: TF's own error)."""
    if dtype is None or isinstance(dtype, str):
        return dtype
    return dtypes.standardize_dtype(dtype)


def _new_instance(handle: Any, owner: Any) -> TypeSpec:
    cls = _CLASS_OF_KIND.get(_lib.lib.inlay_spec_kind_of(handle), TypeSpec)
    spec = object.__new__(cls)
    spec._handle = handle
    spec._owner = owner  # keeps a borrowed spec's tensor (and its graph) alive
    return spec


def _wrap_owned(handle: Any) -> TypeSpec:
    """A spec the caller owns: freed with inlay_spec_free when collected."""
    spec = _new_instance(handle, None)
    weakref.finalize(spec, _lib.lib.inlay_spec_free, handle)
    return spec


def wrap_borrowed(handle: Any, owner: Any) -> TypeSpec:
    """A spec borrowed from a tensor; ``owner`` keeps the tensor's graph (or model) alive."""
    return _new_instance(handle, owner)
