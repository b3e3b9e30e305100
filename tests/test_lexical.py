"""BM25 over Korean morphemes and English stems."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.lexical import LexicalIndex
from assistant.terms import stem, tokenize

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
