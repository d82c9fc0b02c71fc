"""The ``keras.backend`` functions that concern inlay: ``inlay.backend.clear_session()`` and
``inlay.backend.standardize_dtype()``."""

from .dtypes import standardize_dtype
from .graph import clear_session

__all__ = ["clear_session", "standardize_dtype"]
