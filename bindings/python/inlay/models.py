"""``keras.models``: ``inlay.models.load_model(...)`` and friends (the same objects as ``inlay.*``)."""

from .model import Model, Sequential, load_model, model_from_json

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]
