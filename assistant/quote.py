"""Pick the sentence(s) of a passage that best answer the question: the quote to highlight."""

from __future__ import annotations

import numpy as np

from .lexical import tokenize
from .records import Passage

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
    stems = {t[:-1] if len(t) > 2 and t.endswith("다") else t for t in tokenize(question)}
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
