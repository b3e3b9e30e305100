"""Scale features: IVF search against exact search, the embedding cache, the fast USE path."""

import numpy as np
import pytest

from assistant import Assistant
from assistant.encoders.base import PassageTexts
from assistant.encoders.usem import UsemEncoder
from assistant.index import ann


@pytest.mark.parametrize("n", [1, 37, 999])
def test_flat_index_equals_brute_force(n):
    rng = np.random.default_rng(n)
    vectors = rng.standard_normal((n, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index, params = ann.build(vectors)
    assert params["index_type"] == "flat"
    q = vectors[0] + 0.1 * rng.standard_normal(32).astype(np.float32)
    rows = ann.search(index, q, min(10, n))
    brute = np.argsort(-(vectors @ q))[: min(10, n)]
    assert list(rows) == list(brute)


def test_ivf_recall_against_exact_search(monkeypatch):
    """Above the threshold the index is IVF; on clustered data its recall@10 stays high."""
    monkeypatch.setattr(ann, "IVF_THRESHOLD", 2_000)
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((60, 48)).astype(np.float32)
    vectors = centres[rng.integers(0, 60, 5_003)] + 0.35 * rng.standard_normal((5_003, 48)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index, params = ann.build(vectors)
    assert params["index_type"] == "ivf" and params["nprobe"] >= 8
    recalls = []
    for i in range(50):
        q = vectors[i * 97]
        exact = set(np.argsort(-(vectors @ q))[:10].tolist())
        recalls.append(len(exact & set(ann.search(index, q, 10).tolist())) / 10)
    assert np.mean(recalls) >= 0.95
    allowed = np.arange(100, 200)
    rows = ann.search(index, vectors[150], 10, allowed=allowed)
    assert len(rows) and set(rows.tolist()) <= set(allowed.tolist())


def test_rebuild_embeds_only_new_text(tmp_path, make_corpus):
    folder = make_corpus({
        "a.txt": "Port robots\nThe port installed robotic cranes last year. They move containers at night.\n",
        "b.txt": "Farm drones\nDrones now spray fertilizer over rice paddies. Farmers say costs fell.\n",
    })
    assistant = Assistant(tmp_path / "index", encoder="hashing")
    first = assistant.build(folder)
    assert first.reused == 0 and first.encoded > 0
    second = assistant.build(folder)
    assert second.encoded == 0 and second.reused == first.encoded
    (folder / "c.txt").write_text("Sea data\nA marine data center opened in the harbor. It cools servers.\n")
    third = assistant.build(folder)
    assert 0 < third.encoded < first.encoded
    assert assistant.ask("marine data center", k=1).citations[0].source == "c.txt"


def test_damaged_cache_is_ignored(tmp_path, make_corpus):
    folder = make_corpus({"a.txt": "Title\nThe port installed robotic cranes last year. They move boxes.\n"})
    assistant = Assistant(tmp_path / "index", encoder="hashing")
    assistant.build(folder)
    for f in (tmp_path / "index" / "cache").rglob("vectors.npy"):
        f.write_bytes(b"garbage")
    report = assistant.build(folder)
    assert report.reused == 0 and assistant.ask("robotic cranes", k=1).citations


def test_usem_fast_path_matches_library_sentences():
    encoder = UsemEncoder()
    items = [PassageTexts("AI 정책", "정부가 투자한다. 기업이 실행한다.", ("정부가 투자한다.", "기업이 실행한다.")),
             PassageTexts("Port", "Robots work. Ships dock.", ("Robots work.", "Ships dock."))]
    passages, sentences = encoder.encode_passages(items)
    direct = encoder.encode_documents([s for item in items for s in item.sentences])
    assert np.allclose(sentences, direct, atol=1e-4)
    titled = encoder.encode_documents([f"{i.title}\n{i.text}" for i in items])
    assert np.min(np.sum(passages * titled, axis=1)) > 0.95


def test_usem_fast_path_across_several_piece_tables(monkeypatch):
    """With room for only a few pieces per table, one batch spans several tables; the vectors stay the same."""
    from assistant.encoders import usem

    encoder = UsemEncoder()
    assert encoder._fast_path_ok()  # otherwise this would compare the library with itself
    sentences = ("정부가 데이터센터에 투자한다.", "기업이 실행한다.", "Robots work at the port.", "Ships dock at night.")
    items = [PassageTexts("AI 정책", " ".join(sentences[:2]), sentences[:2]),
             PassageTexts("Port news", " ".join(sentences[2:]), sentences[2:])]
    passages, vectors = encoder.encode_passages(items)
    monkeypatch.setattr(usem, "MAX_PIECES", 12)
    small_passages, small_vectors = encoder.encode_passages(items)
    np.testing.assert_allclose(small_passages, passages, atol=1e-5)
    np.testing.assert_allclose(small_vectors, vectors, atol=1e-5)
    direct = encoder.encode_documents(list(sentences))
    assert np.min(np.sum(small_vectors * direct, axis=1)) > 0.9999


def test_usem_questions_reuse_piece_tables_and_match_the_library(monkeypatch):
    """Questions keep the tables of the pieces asked before; when they fill up they start over. The
    vectors are the library's own throughout."""
    from assistant.encoders import usem

    encoder = UsemEncoder()
    assert encoder._fast_path_ok()
    questions = ["정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?", "Who wrote the op-ed?",
                 "광주 AI 집적단지 부지는 몇 제곱미터야?", "How much will Gwangju invest over five years?"]
    library = encoder._model.encode(questions)
    first = encoder.encode_queries(questions[:2])
    kept = encoder._query_tables.size
    again = encoder.encode_queries(questions[:2])  # nothing new to compute
    assert encoder._query_tables.size == kept
    np.testing.assert_allclose(again, first, atol=1e-6)
    monkeypatch.setattr(usem, "QUERY_PIECES", 40)
    encoder._query_tables = None
    one_by_one = np.vstack([encoder.encode_queries([q]) for q in questions * 2])  # the tables fill and restart
    assert encoder._query_tables.size <= 40
    assert np.min(np.sum(one_by_one[:4] * library, axis=1)) > 0.9999
    np.testing.assert_allclose(one_by_one[4:], one_by_one[:4], atol=1e-5)
    big = encoder.encode_queries([f"question number {i} about {w}" for i, w in enumerate(questions * 3)])
    assert big.shape == (12, 512)  # more pieces than the tables hold: its own tables
