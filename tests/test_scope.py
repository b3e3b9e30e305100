"""covered, row by row: the best dense similarity among the hits against ANSWER_THRESHOLD, and, between
it and UNKNOWN_NAME_THRESHOLD, names in the question that no article mentions."""

from __future__ import annotations

import pytest

from assistant.names import Names
from assistant.records import Hit
from assistant.scope import ANSWER_THRESHOLD, UNKNOWN_NAME_THRESHOLD, covered
from assistant.terms import kiwi

LOW = ANSWER_THRESHOLD
HIGH = UNKNOWN_NAME_THRESHOLD
MIDDLE = (LOW + HIGH) / 2
KNOWN = Names({"gwangju", "lee", "yong", "seop", "yongseop", "leeyongseop", "ai", "robot", "city"})
KOREAN_TEXT = "광주시는 로봇 산업을 키운다."
KNOWN_QUESTION = "What did Gwangju say about AI?"
UNKNOWN_QUESTION = "What did Daegu say about AI?"  # Daegu: no article mentions it


@pytest.fixture(scope="module", autouse=True)
def _warm_kiwi():
    """Load the Korean analyser and run it once (about a second), so no single test pays for it."""
    kiwi().tokenize("대구의 로봇 산업은?")


def hits(*dense: float | None) -> list[Hit]:
    """Hits in the given order, fused scores falling, with the given dense similarities."""
    return [Hit(passage_id=i, score=1.0 - i / 10, dense=d, lexical=3.0 if d is None else None) for i, d in enumerate(dense)]


@pytest.mark.parametrize(
    "retrieved, question, expected",
    [
        pytest.param([], KNOWN_QUESTION, False, id="no-hits"),
        pytest.param(hits(0.10), KNOWN_QUESTION, False, id="well-below-threshold"),
        pytest.param(hits(LOW - 0.001), KNOWN_QUESTION, False, id="just-below-threshold"),
        pytest.param(hits(LOW), KNOWN_QUESTION, True, id="at-threshold-known-names"),
        pytest.param(hits(MIDDLE), KNOWN_QUESTION, True, id="between-thresholds-known-names"),
        pytest.param(hits(MIDDLE), "How do cities use robots?", True, id="between-thresholds-no-names"),
        pytest.param(hits(MIDDLE), UNKNOWN_QUESTION, False, id="between-thresholds-unknown-name"),
        pytest.param(hits(LOW), UNKNOWN_QUESTION, False, id="at-threshold-unknown-name"),
        pytest.param(hits(HIGH - 0.001), UNKNOWN_QUESTION, False, id="just-below-high-threshold-unknown-name"),
        pytest.param(hits(HIGH), UNKNOWN_QUESTION, True, id="at-high-threshold-unknown-name"),
        pytest.param(hits(0.85), UNKNOWN_QUESTION, True, id="above-high-threshold-unknown-name"),
        pytest.param(hits(0.10, MIDDLE), KNOWN_QUESTION, True, id="best-hit-second-in-list"),
        pytest.param(hits(0.10, 0.05, 0.70), UNKNOWN_QUESTION, True, id="best-hit-last-above-high-threshold"),
        pytest.param(hits(0.10, 0.05, MIDDLE), UNKNOWN_QUESTION, False, id="best-hit-last-between-unknown-name"),
        pytest.param(hits(None, None), KNOWN_QUESTION, False, id="lexical-only-hits-count-as-zero"),
        pytest.param(hits(None, MIDDLE), KNOWN_QUESTION, True, id="lexical-only-hit-beside-a-dense-one"),
        pytest.param(hits(MIDDLE), "광주의 로봇 산업은?", True, id="korean-between-known-name"),
        pytest.param(hits(MIDDLE), "대구의 로봇 산업은?", False, id="korean-between-unknown-name"),
        pytest.param(hits(0.70), "대구의 로봇 산업은?", True, id="korean-above-high-unknown-name"),
        pytest.param(hits(0.10), "광주의 로봇 산업은?", False, id="korean-below-threshold-known-name"),
    ],
)
def test_covered(retrieved, question, expected):
    assert covered(question, retrieved, KNOWN, KOREAN_TEXT) is expected


def test_thresholds_are_ordered():
    """The table assumes a band between the two thresholds."""
    assert 0 < ANSWER_THRESHOLD < MIDDLE < UNKNOWN_NAME_THRESHOLD < 1


def test_order_of_hits_does_not_matter():
    retrieved = hits(0.10, MIDDLE, 0.05)
    for question in (KNOWN_QUESTION, UNKNOWN_QUESTION):
        expected = covered(question, retrieved, KNOWN, KOREAN_TEXT)
        assert covered(question, list(reversed(retrieved)), KNOWN, KOREAN_TEXT) is expected
        assert covered(question, sorted(retrieved, key=lambda h: h.dense), KNOWN, KOREAN_TEXT) is expected
