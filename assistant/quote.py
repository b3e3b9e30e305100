"""Quotes and citations: the sentence(s) of each hit that best answer the question, with their source."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .language import verb_root
from .records import Citation, Hit, Passage
from .terms import tokenize

if TYPE_CHECKING:
    from .index.store import Index

LEXICAL_BONUS = 0.15  # share of question terms found in the sentence, as a tie-breaker
EXTEND_MARGIN = 0.03  # a neighbouring sentence nearly as good joins the quote


def choose_quote(
    passage: Passage, article_text: str, qvec: np.ndarray, sentence_vectors: np.ndarray, question: str
) -> tuple[int, int]:
    """Offsets (into the article text) of the best sentence, extended by a close runner-up neighbour."""
    sents = passage.sentences
    if not sents:
        return passage.start, passage.end
    # Substring matching keeps this free of a second morphological analysis per sentence.
    stems = {verb_root(t) for t in tokenize(question)}
    scores = sentence_vectors @ qvec
    if stems:
        for i, s in enumerate(sents):
            text = article_text[s.start : s.end].lower()
            scores[i] += LEXICAL_BONUS * sum(1 for t in stems if t in text) / len(stems)
    best = int(np.argmax(scores))
    lo = hi = best
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(sents)]
    if neighbours:
        runner = max(neighbours, key=lambda i: scores[i])
        if scores[runner] >= scores[best] - EXTEND_MARGIN:
            lo, hi = min(best, runner), max(best, runner)
    return sents[lo].start, sents[hi].end


def cite(index: Index, hits: list[Hit], qvec: np.ndarray, question: str) -> list[Citation]:
    """One citation per hit, in order: its passage, the quote inside it, and the article's metadata."""
    citations = []
    for rank, hit in enumerate(hits, start=1):
        passage = index.passage(hit.passage_id)
        article = index.article_of(hit.passage_id)
        q_start, q_end = choose_quote(passage, article.text, qvec, index.sentence_vectors_of(hit.passage_id), question)
        paragraph = next((s.paragraph for s in passage.sentences if s.start <= q_start < s.end), passage.paragraph)
        citations.append(
            Citation(
                rank=rank,
                score=round(float(hit.score), 4),
                similarity=round(float(hit.dense or 0.0), 4),
                source=article.source,
                title=article.title,
                outlet=article.outlet,
                author=article.author,
                date=article.date,
                paragraph=paragraph,
                passage=passage.text,
                quote=article.text[q_start:q_end],
                passage_start=passage.start,
                passage_end=passage.end,
                quote_start=q_start,
                quote_end=q_end,
                language=article.language,
            )
        )
    return citations
