"""Fusion of dense and lexical evidence, checked against hand computation of the docstring formula.

score = (1 - w) * d + w * lex, where d = dense / best dense (a passage the dense retriever did not
see gets the lowest dense score seen), and lex = BM25 / best BM25 for passages in the question's
language, but lex = d for passages in another language.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assistant.fuse import fuse
from assistant.records import Hit


def scores(hits):
    return {h.passage_id: h.score for h in hits}


def test_empty_inputs_give_no_hits():
    assert fuse({}, {}, {}) == []


def test_hand_computed_same_language():
    # w = 0.5; top dense 0.8, floor 0.4; top BM25 10.
    # 1: d = 0.8/0.8 = 1.0, lex = 0        -> 0.5
    # 2: d = 0.4/0.8 = 0.5, lex = 10/10 = 1 -> 0.75
    # 3: d = floor 0.4/0.8 = 0.5, lex = 5/10 = 0.5 -> 0.5
    hits = fuse({1: 0.8, 2: 0.4}, {2: 10.0, 3: 5.0}, {1: True, 2: True, 3: True}, lexical_weight=0.5)
    assert [h.passage_id for h in hits] == [2, 1, 3]  # 1 and 3 tie: lower id first
    assert scores(hits) == pytest.approx({1: 0.5, 2: 0.75, 3: 0.5})
    by_id = {h.passage_id: h for h in hits}
    assert by_id[3].dense is None and by_id[3].lexical == 5.0
    assert by_id[1].dense == 0.8 and by_id[1].lexical is None
    assert by_id[2] == Hit(2, pytest.approx(0.75), 0.4, 10.0)


def test_hand_computed_other_weight():
    # w = 0.25: 1: 0.75*1 + 0.25*0 = 0.75; 2: 0.75*0.5 + 0.25*1 = 0.625
    hits = fuse({1: 0.6, 2: 0.3}, {2: 4.0}, {1: True, 2: True}, lexical_weight=0.25)
    assert scores(hits) == pytest.approx({1: 0.75, 2: 0.625})
    assert [h.passage_id for h in hits] == [1, 2]


def test_hand_computed_cross_lingual():
    # Question in English; passage 7 is Korean (other language), 8 and 9 English.
    # 7: d = 0.6/0.6 = 1, lex = d = 1                  -> 1.0
    # 8: d = 0.3/0.6 = 0.5, lex = 12/12 = 1            -> 0.75
    # 9: d = 0.45/0.6 = 0.75, lex = 3/12 = 0.25        -> 0.5
    hits = fuse({7: 0.6, 8: 0.3, 9: 0.45}, {8: 12.0, 9: 3.0}, {7: False, 8: True, 9: True}, lexical_weight=0.5)
    assert [h.passage_id for h in hits] == [7, 8, 9]
    assert scores(hits) == pytest.approx({7: 1.0, 8: 0.75, 9: 0.5})


def test_other_language_passage_uses_its_dense_score_twice():
    # 5 is in another language: score = d regardless of weight. d = 0.2/0.4 = 0.5.
    for w in (0.0, 0.3, 1.0):
        hits = fuse({4: 0.4, 5: 0.2}, {4: 2.0}, {4: True, 5: False}, lexical_weight=w)
        assert scores(hits)[5] == pytest.approx(0.5)


def test_lexical_only():
    # No dense scores: floor 0, so score = w * lex.  a: 0.5 * 1 = 0.5, b: 0.5 * 0.25 = 0.125
    hits = fuse({}, {1: 8.0, 2: 2.0}, {1: True, 2: True}, lexical_weight=0.5)
    assert scores(hits) == pytest.approx({1: 0.5, 2: 0.125})


def test_dense_only():
    # No lexical hits: same-language passages get lex 0; 1: 0.5*1 = 0.5, 2: 0.5*0.5 = 0.25.
    hits = fuse({1: 0.9, 2: 0.45}, {}, {1: True, 2: True}, lexical_weight=0.5)
    assert scores(hits) == pytest.approx({1: 0.5, 2: 0.25})


def test_unknown_language_counts_as_other_language():
    hits = fuse({1: 0.5, 2: 0.25}, {2: 1.0}, {}, lexical_weight=0.5)
    assert scores(hits) == pytest.approx({1: 1.0, 2: 0.5})


@given(
    data=st.data(),
    n=st.integers(min_value=2, max_value=12),
    weight=st.floats(min_value=0.0, max_value=0.95),
)
def test_property_cross_lingual_dense_top_hit_is_not_buried(data, n, weight):
    ids = list(range(n))
    dense_values = data.draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n, unique=True))
    dense = dict(zip(ids, dense_values, strict=True))
    top = max(dense, key=dense.get)
    # Every other passage is in the question's language and may match many of its words.
    same = {pid: pid != top for pid in ids}
    lexical = {
        pid: data.draw(st.floats(0.1, 100.0))
        for pid in ids
        if pid != top and data.draw(st.booleans())
    }
    extra = data.draw(st.dictionaries(st.integers(100, 200), st.floats(0.1, 100.0), max_size=5))
    lexical.update(extra)
    same.update(dict.fromkeys(extra, True))
    assume(top not in lexical)
    hits = fuse(dense, lexical, same, lexical_weight=weight)
    assert hits[0].passage_id == top
    assert hits[0].score == pytest.approx(1.0)
    assert all(h.score <= 1.0 + 1e-9 for h in hits)
    assert {h.passage_id for h in hits} == set(dense) | set(lexical)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_all_negative_cosines_keep_their_scale_and_order():
    """A narrow search (one article against a follow-up's words) may see only negative cosines: they are
    used as they are, not divided by a best near zero (which gave scores of minus millions)."""
    hits = fuse({1: -0.0001, 2: -0.05}, {}, {1: True, 2: True}, lexical_weight=0.5)
    assert [h.passage_id for h in hits] == [1, 2]
    assert scores(hits) == pytest.approx({1: -0.00005, 2: -0.025})
