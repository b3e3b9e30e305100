"""BM25 over Korean morphemes and English stems."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.lexical import LexicalIndex, top_k
from assistant.terms import stem, tokenize, tokenize_many_with_names, tokenize_with_names

KOREAN_QUESTION = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"


def test_korean_question_keeps_content_morphemes_and_drops_particles():
    tokens = tokenize(KOREAN_QUESTION)
    for morpheme in ("정부", "기업", "역할", "분야"):
        assert morpheme in tokens
    assert "ai" in tokens  # embedded Latin words go through the English path
    for particle_form in ("와", "은", "에서", "을", "정부와", "기업은", "역할을", "분야에서"):
        assert particle_form not in tokens
    assert "어떻다" not in tokens and "하다" not in tokens  # question words and light verbs


def test_korean_verbs_are_indexed_by_their_stem():
    assert "나누다" in tokenize("역할을 나눠야 한다")
    assert tokenize("역할을 나눠야 한다") == tokenize("역할을 나누어야 했다")


@pytest.mark.parametrize(
    "word, expected",
    [
        ("companies", "company"),
        ("governments", "government"),
        ("government's", "government"),
        ("classes", "class"),
        ("business", "business"),
        ("played", "play"),
        ("investing", "invest"),
        ("centers", "center"),
        ("data", "data"),
        ("is", "is"),  # too short to strip
    ],
)
def test_english_stem(word, expected):
    assert stem(word) == expected


def test_english_tokenize_drops_stopwords_and_lowercases():
    assert tokenize("The Governments and THE companies invested in AI data centers") == [
        "government", "company", "invest", "ai", "data", "center",
    ]


def test_numbers_are_kept():
    assert "426.9" in tokenize("Gwangju invested 426.9 billion won")
    assert "2030" in tokenize("중국은 2030년까지 투자한다")


def test_latin_words_of_a_text_with_hangul_are_the_terms_of_an_english_text():
    """An English story under a Korean byline, or a Korean one quoting English: the analyser would cut
    the English words into pieces (politicians -> politi + cians) that no question spells so."""
    english = "City mayor Lee Yong-seop met politicians on January 29th."
    mixed = tokenize(f"(AI타임스=박혜섭 기자) {english}")
    assert mixed[1 : 1 + len(tokenize(english))] == tokenize(english)  # after the byline's "ai"
    assert {"yong-seop", "politician", "29th", "타임스", "기자"} <= set(mixed)
    index = LexicalIndex.build([mixed, tokenize("The mayor of another city spoke.")])
    rows, _ = index.search("Who is Lee Yong-seop?", 5)
    assert list(rows) == [0]
    assert tokenize("광주 ai 데이터센터에 gpu 몇장? 2조원") == ["ai", "gpu", "2", "광주", "데이터", "센터"]


@pytest.mark.parametrize("query", ["", "   ", "the of and is", "어떻게 하나요?", "???", "a"])
def test_query_without_content_words_gives_no_hits(query):
    index = LexicalIndex.build([tokenize(t) for t in ["The government invests in data centers.", "Farmers use drones."]])
    rows, scores = index.search(query, 5)
    assert rows.size == 0 and scores.size == 0


TEXTS = [
    "The government should be responsible for infrastructure such as data centers.",
    "Private companies should swiftly carry out their businesses.",
    "Rice farmers use drones to spray fertilizer.",
    "정부는 데이터 센터 같은 기반 시설을 책임져야 한다.",
    "기업은 정부 지원을 바탕으로 사업을 빠르게 추진해야 한다.",
    "",
]


def test_many_texts_are_analysed_as_each_alone():
    """A build analyses its passages in one batch; the terms and names are those of one at a time."""
    texts = [*TEXTS, KOREAN_QUESTION, "광주시와 원주시가 AI 협약을 맺었다.", "123 abc", "정부" * 1200]
    assert tokenize_many_with_names(texts) == [tokenize_with_names(t) for t in texts]
    assert tokenize_many_with_names([]) == []


def test_search_ranks_matching_passages_first():
    index = LexicalIndex.build([tokenize(t) for t in TEXTS])
    rows, scores = index.search("Which governments fund data center infrastructure?", 10)
    assert rows[0] == 0
    assert list(scores) == sorted(scores, reverse=True)
    assert (scores > 0).all()
    assert 2 not in rows  # nothing in common with the farming passage


def test_korean_search_matches_across_particles():
    index = LexicalIndex.build([tokenize(t) for t in TEXTS])
    rows, _ = index.search(KOREAN_QUESTION, 10)
    assert set(rows[:2]) == {3, 4}
    assert not set(rows) & {0, 1, 2}  # no shared terms with English passages


def test_search_k_limits_and_large_k():
    index = LexicalIndex.build([tokenize(t) for t in TEXTS])
    rows, _ = index.search("government 정부 data 기업", 1)
    assert rows.shape == (1,)
    rows_all, _ = index.search("government 정부 data 기업", 1000)
    assert len(rows_all) <= len(TEXTS)
    assert rows_all.dtype == np.int64


def test_save_load_round_trip_gives_the_same_scores(tmp_path):
    index = LexicalIndex.build([tokenize(t) for t in TEXTS])
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    for query in ("government data centers", KOREAN_QUESTION, "drones fertilizer", "nothing matches zzz"):
        rows_a, scores_a = index.search(query, 10)
        rows_b, scores_b = loaded.search(query, 10)
        np.testing.assert_array_equal(rows_a, rows_b)
        np.testing.assert_allclose(scores_a, scores_b, rtol=1e-6)


# ---- the top-k selection against a full sort ---------------------------------------------------
def brute_top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference: every positive score sorted, best first, ties to the lower row."""
    rows = np.flatnonzero(scores > 0)
    rows = rows[np.lexsort((rows, -scores[rows]))][:k]
    return rows, scores[rows]


@pytest.mark.parametrize("n", [0, 1, 37, 999, 20_011, 100_003])
@pytest.mark.parametrize("k", [1, 10, 50, 2_000])
def test_top_k_equals_a_full_sort(n, k):
    rng = np.random.default_rng(n + k)
    # Few distinct values, many zeros: ties everywhere, including at the k-th score.
    scores = rng.choice(np.array([0, 0, 0, 0.5, 1.25, 2.0, 3.5], dtype=np.float32), size=n)
    scores[rng.random(n) < 0.01] = rng.random() * 10
    rows, values = top_k(scores, k)
    expected_rows, expected_values = brute_top_k(scores, k)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(values, expected_values)
    assert rows.dtype == np.int64 and values.dtype == np.float32


def test_top_k_of_nothing():
    assert top_k(np.zeros(50_000, dtype=np.float32), 10)[0].size == 0
    assert top_k(np.ones(100, dtype=np.float32), 0)[0].size == 0


def random_corpus(rng: np.random.Generator, docs: int, vocab: int) -> list[list[str]]:
    """Token lists with Zipf-like term frequencies, so common terms have long postings."""
    weights = 1 / np.arange(1, vocab + 1)
    weights /= weights.sum()
    lengths = rng.integers(0, 40, docs)
    return [[f"term{t}" for t in rng.choice(vocab, size=length, p=weights)] for length in lengths]


@pytest.mark.parametrize("seed, docs", [(1, 300), (2, 5_003), (3, 30_011)])
def test_search_equals_exact_bm25_scores_on_random_corpora(seed, docs):
    """search's top k are exact BM25's (bm25s scores every passage), with and without allowed rows."""
    rng = np.random.default_rng(seed)
    index = LexicalIndex.build(random_corpus(rng, docs, vocab=400))
    for _ in range(20):
        terms = [f"term{t}" for t in rng.integers(0, 420, rng.integers(1, 15))]  # some not in the vocabulary
        full = index.scores("", terms)
        allowed = np.sort(rng.choice(docs, size=max(1, docs // 7), replace=False))
        for k in (1, 10, 50):
            rows, scores = index.search("", k, extra_terms=terms)
            expected_rows, expected_scores = brute_top_k(full, k) if full is not None else ([], [])
            np.testing.assert_array_equal(rows, expected_rows)
            np.testing.assert_allclose(scores, expected_scores, rtol=1e-6)
            rows, scores = index.search("", k, allowed=allowed, extra_terms=terms)
            if full is None:
                assert rows.size == 0
                continue
            inside = np.zeros_like(full)
            inside[allowed] = full[allowed]
            expected_rows, expected_scores = brute_top_k(inside, k)
            np.testing.assert_array_equal(rows, expected_rows)
            np.testing.assert_allclose(scores, expected_scores, rtol=1e-6)


def test_held_by_finds_the_passages_holding_a_term_from_its_sorted_postings():
    docs = ["the port city builds robot cranes", "cranes and ships", "farmers fly drones",
            "드론 방제 비용", "the city budget for drones and cranes", ""]
    index = LexicalIndex.build([tokenize(d) for d in docs])
    rows = np.array([5, 0, 2, 4, 1, 3])
    for term in {t for d in docs for t in tokenize(d)} | {"unknown"}:
        postings = index.passages_with(term)
        assert (np.diff(postings) > 0).all()  # the binary search relies on passage order
        expected = np.array([term in tokenize(docs[r]) for r in rows])
        assert np.array_equal(index.held_by(term, rows), expected), term
