"""Fuse dense and lexical rankings: a pure function over per-passage scores.

The dense score is normalised by the best dense score of the query. Lexical evidence (BM25,
normalised the same way) is mixed in only for passages written in the question's language:
for a passage in another language BM25 cannot match by construction, so its lexical slot is
filled with its own dense score. A lexical miss therefore never buries a cross-lingual dense
hit, while same-language passages that match the question's words move up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .records import Hit

LEXICAL_WEIGHT = 0.5  # chosen on the dev set (see README: retrieval choices)


def scale_of(best: float) -> float:
    """The divisor that makes the best of some scores 1.0, or 1.0 when the best is not positive: every
    cosine of a narrow search (one article's passages against a follow-up's words) may be negative,
    and dividing by a best near zero or below would blow the scores up or reverse their order."""
    return best if best > 0 else 1.0


def fuse(
    dense: Mapping[int, float],
    lexical: Mapping[int, float],
    same_language: Mapping[int, bool],
    lexical_weight: float = LEXICAL_WEIGHT,
) -> list[Hit]:
    """Hits for every passage seen by either retriever, best first.

    dense: passage id -> cosine similarity; lexical: passage id -> BM25 score (> 0);
    same_language: passage id -> whether the passage is in the question's language.
    A passage missing from `dense` is scored with the lowest dense score seen.
    """
    if not dense and not lexical:
        return []
    floor = min(dense.values()) if dense else 0.0
    top_dense = scale_of(max(dense.values()) if dense else 0.0)
    top_lexical = max(lexical.values()) if lexical else 0.0
    hits = []
    for pid in set(dense) | set(lexical):
        d = dense.get(pid, floor) / top_dense
        if same_language.get(pid, False):
            lex = lexical.get(pid, 0.0) / top_lexical if top_lexical > 0 else 0.0
        else:
            lex = d
        score = (1 - lexical_weight) * d + lexical_weight * lex
        hits.append(Hit(pid, score, dense.get(pid), lexical.get(pid)))
    hits.sort(key=lambda h: (-h.score, h.passage_id))
    return hits


def diversify(hits: list[Hit], article_of: Callable[[int], int], per_article: int = 2,
              decay: float = 0.0) -> list[Hit]:
    """Reorder so that an article's passages beyond its first per_article give way to other articles.

    Search engines call this host crowding: a memo needs the best passage of each relevant source,
    not five near-duplicates of one article. Each extra passage of an article has its score
    multiplied by decay (once more for each further one) before sorting, so with decay 0 they all
    come after every other article's hits, and with decay near 1 only near-ties are reordered: a
    question about one article keeps that article's answers first. Order is otherwise kept.
    """
    seen: dict[int, int] = {}
    keyed = []
    for position, hit in enumerate(hits):
        article = article_of(hit.passage_id)
        seen[article] = seen.get(article, 0) + 1
        extra = seen[article] - per_article
        keyed.append((hit.score * decay**extra if extra > 0 else hit.score, -position, hit))
    keyed.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [hit for _, _, hit in keyed]
