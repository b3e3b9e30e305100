"""diversify, row by row: hits written as labels, "a1" being article a's hit with the first (best) score
among a's hits; a row reads input order -> output order."""

from __future__ import annotations

import pytest

from assistant.fuse import diversify
from assistant.records import Hit


def run(order: str, per_article: int | None = None) -> str:
    """diversify over hits labelled as in `order` (space-separated), returning the labels in output order."""
    labels = order.split()
    hits = [Hit(passage_id=100 + i, score=1.0 - i / 100) for i in range(len(labels))]
    article = {h.passage_id: ord(label[0]) for h, label in zip(hits, labels, strict=True)}
    label_of = {h.passage_id: label for h, label in zip(hits, labels, strict=True)}
    kwargs = {} if per_article is None else {"per_article": per_article}
    out = diversify(hits, article.__getitem__, **kwargs)
    assert sorted(h.passage_id for h in out) == [h.passage_id for h in hits]  # a reordering: nothing lost or added
    return " ".join(label_of[h.passage_id] for h in out)


@pytest.mark.parametrize(
    "given, expected",
    [
        pytest.param("", "", id="empty"),
        pytest.param("a1", "a1", id="one-hit"),
        pytest.param("a1 a2 a3 a4 a5", "a1 a2 a3 a4 a5", id="single-article-unchanged"),
        pytest.param("a1 b1 c1 d1", "a1 b1 c1 d1", id="all-different-articles-unchanged"),
        pytest.param("a1 a2 b1 b2", "a1 a2 b1 b2", id="two-each-unchanged"),
        pytest.param("a1 a2 a3 b1", "a1 a2 b1 a3", id="third-of-an-article-after-other-article"),
        pytest.param("a1 a2 a3 a4 b1", "a1 a2 b1 a3 a4", id="overflow-keeps-its-order"),
        pytest.param("a1 a2 a3 b1 b2 b3 c1", "a1 a2 b1 b2 c1 a3 b3", id="overflow-of-several-articles-interleaved"),
        pytest.param("a1 b1 a2 b2 a3 b3", "a1 b1 a2 b2 a3 b3", id="interleaved-overflow-already-last"),
        pytest.param("a1 a2 b1 a3 c1", "a1 a2 b1 c1 a3", id="overflow-moves-behind-later-articles"),
        pytest.param("b1 a1 a2 a3 b2 b3", "b1 a1 a2 b2 a3 b3", id="first-two-of-each-article-in-input-order"),
        # The cap is "two before every other article's best", not round-robin: a third c hit waits even
        # behind a's second.
        pytest.param("c1 c2 c3 a1 a2", "c1 c2 a1 a2 c3", id="not-round-robin"),
    ],
)
def test_diversify_default_cap(given, expected):
    assert run(given) == expected


@pytest.mark.parametrize(
    "given, per_article, expected",
    [
        pytest.param("a1 a2 b1 b2", 1, "a1 b1 a2 b2", id="cap-1-alternates"),
        pytest.param("a1 a2 a3 b1 c1", 1, "a1 b1 c1 a2 a3", id="cap-1-best-of-each-first"),
        pytest.param("a1 a2 a3 a4 b1", 3, "a1 a2 a3 b1 a4", id="cap-3"),
        pytest.param("a1 a2 a3 b1", 3, "a1 a2 a3 b1", id="cap-3-nothing-to-move"),
        pytest.param("a1 a2 a3 b1", 2, "a1 a2 b1 a3", id="cap-2-explicit-same-as-default"),
        pytest.param("a1 a2 b1 a3", 10, "a1 a2 b1 a3", id="cap-larger-than-any-article"),
        pytest.param("a1 b1 a2 c1", 0, "a1 b1 a2 c1", id="cap-0-everything-overflows-order-kept"),
        pytest.param("", 1, "", id="empty-with-cap-1"),
    ],
)
def test_diversify_per_article(given, per_article, expected):
    assert run(given, per_article) == expected


def test_hits_are_returned_unchanged():
    hits = [Hit(1, 0.9, 0.5, 2.0), Hit(2, 0.8, 0.4, None), Hit(3, 0.7, None, 1.0)]
    out = diversify(hits, lambda pid: 0)
    assert out == hits and all(a is b for a, b in zip(out, hits, strict=True))
    assert out is not hits  # a new list; the input is left alone
