"""Quotes and citations: the sentence(s) of each hit that best answer the question, with their source.

A sentence is chosen by its similarity to the question, the question's words it contains, and, when
a learned model is present (models/quote.json, benchmarks/train_ranker.py), by whether it holds the
kind of answer the question wants and is a sentence rather than a heading.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .intent import Intent
from .language import has_hangul, language_of, verb_root
from .learned import load_model
from .records import Citation, Hit, Passage, Sentence
from .rerank import MODEL
from .signals import NameKeys, has_speech, is_heading, item_marks, name_overlap, names_someone
from .terms import english_terms, tokenize

if TYPE_CHECKING:
    from .index.store import Index

QUOTE_MODEL = MODEL.with_name("quote.json")
LEXICAL_BONUS = 0.15  # share of question terms found in the sentence, as a tie-breaker (without a model)
EXTEND_MARGIN = 0.03  # a neighbouring sentence nearly as good joins the quote
MAX_QUOTATION_SENTENCES = 3  # a quote runs on (or back) this far at most to close a quotation it opens
MIN_QUOTE_WORDS = 3  # a quote of fewer words ("그렇다.", "Yes, indeed.") says nothing alone: a neighbour joins it
# A citation whose re-ranked score is below this share of the best one's is related reading, not an
# answer: on the tune set it keeps 91% of the citations holding the gold evidence and labels 44% of
# the others as related.
RELATED_CUT = 0.1
NO_INTENT = Intent(frozenset())
LEAD_SENTENCES = 2  # a summary question is quoted this many opening sentences of an article's lead
UNFINISHED = re.compile(r"(?:[,，]|[가-힣](?:은|는|며))\s*$")  # a line that breaks off mid-sentence

QUOTE_FEATURES = (
    "cosine",  # the sentence's similarity with the question
    "relative",  # its similarity minus the passage's best
    "terms",  # share of the question's terms found in it
    "heading",  # short, with no sentence ending
    "figure_match",  # the question wants a figure and the sentence states one (of the kind asked)
    "date_match",
    "person_match",
    "first",  # the passage's first sentence
    "ordinal_match",  # the question asks for a list's n-th item and the sentence starts it
    "speech_match",  # the question asks what someone said and the sentence quotes or reports speech
    "translated",  # share of the question's words found in it as such or translated (a Korean question, an
    #               English sentence: "terms" sees none of them)
)
Translations = dict[str, tuple[str, ...]]  # a question's words with their translations (Bridge.translations_of)


def sentence_features(texts: list[str], cosines: np.ndarray, question: str, intent: Intent,
                      translations: Translations | None = None) -> np.ndarray:
    """One row of QUOTE_FEATURES per sentence of a passage (translations: the question's words with
    their translations)."""
    stems = {verb_root(t) for t in tokenize(question)}
    found_in = [_forms(word, words) for word, words in (translations or {}).items()]
    best = float(cosines.max()) if len(cosines) else 0.0
    rows = np.zeros((len(texts), len(QUOTE_FEATURES)), dtype=np.float64)
    for i, text in enumerate(texts):
        lower = text.lower()
        rows[i] = (
            cosines[i],
            cosines[i] - best,
            sum(1 for t in stems if t in lower) / len(stems) if stems else 0.0,
            float(is_heading(text)),
            float(intent.figure_in(text)),
            float(intent.date_in(text)),
            float(intent.wants("who") and names_someone(text)),
            float(i == 0),
            float(intent.ordinal is not None and intent.ordinal in item_marks(text)),
            float(intent.wants("said") and has_speech(text)),
            _share(found_in, lower, text),
        )
    return rows


def _share(found_in: list[tuple[frozenset[str], tuple[str, ...]]], lower: str, text: str) -> float:
    """The share of the question's words a sentence holds, as such or translated (found_in: _forms of each)."""
    if not found_in:
        return 0.0
    terms = _english_terms(text) if any(latin for latin, _ in found_in) else frozenset()
    hangul = has_hangul(text)
    held = 0
    for latin, korean in found_in:
        if (terms and not latin.isdisjoint(terms)) or (hangul and korean and any(f in lower for f in korean)):
            held += 1
    return held / len(found_in)


@lru_cache(maxsize=16_384)
def _english_terms(sentence: str) -> frozenset[str]:
    """A sentence's English terms, remembered like a passage's signals (Index.signals): the sentences of
    the passages cited are read for every question they answer."""
    return frozenset(english_terms(sentence))


@lru_cache(maxsize=4096)
def _forms(word: str, translations: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A question word's forms to find in a sentence: Latin ones among its English terms (companies ->
    company), Korean ones anywhere in its lower-cased text (particles and endings follow them)."""
    forms = {verb_root(f) for f in (word, *translations)}
    return frozenset(f for f in forms if not has_hangul(f)), tuple(f for f in forms if has_hangul(f))


def sentence_scores(texts: list[str], cosines: np.ndarray, question: str, intent: Intent,
                    translations: Translations | None = None) -> np.ndarray:
    """How well each sentence answers: the learned model's score, or cosine plus a term bonus."""
    model = load_model(QUOTE_MODEL, QUOTE_FEATURES)
    x = sentence_features(texts, cosines, question, intent, translations)
    if model is None:
        return cosines + LEXICAL_BONUS * x[:, QUOTE_FEATURES.index("terms")]
    return model.score(x)


def choose_quote(
    passage: Passage, article_text: str, qvec: np.ndarray, sentence_vectors: np.ndarray, question: str,
    intent: Intent = NO_INTENT, translations: Translations | None = None,
) -> tuple[int, int]:
    """Offsets (into the article text) of the best sentence, extended by a close runner-up neighbour."""
    sents = passage.sentences
    if not sents:
        return passage.start, passage.end
    texts = [article_text[s.start : s.end] for s in sents]
    scores = sentence_scores(texts, sentence_vectors @ qvec, question, intent, translations)
    best = int(np.argmax(scores))
    lo = hi = best
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(sents)]
    if neighbours:
        runner = max(neighbours, key=lambda i: scores[i])
        if scores[runner] >= scores[best] - EXTEND_MARGIN:
            lo, hi = min(best, runner), max(best, runner)
    lo, hi = _widened(sents, article_text, lo, hi, scores)
    lo, hi = _whole_quotation(sents, article_text, lo, hi)
    return sents[lo].start, sents[hi].end


def _open_marks(text: str) -> int:
    """Quotation marks opened and not closed in text (negative: closed and not opened). Straight double
    quotes alternate: with an odd count, the last one opens when a word follows it and closes otherwise."""
    curly = text.count("“") - text.count("”")
    if curly or text.count('"') % 2 == 0:
        return curly
    last = text.rindex('"')
    return 1 if last + 1 < len(text) and not text[last + 1].isspace() else -1


def _whole_quotation(sents: tuple[Sentence, ...], article_text: str, lo: int, hi: int) -> tuple[int, int]:
    """The quote lo..hi, run on to the sentence that closes a quotation it opens (He added, "Only 46.4% ...
    areas. We need ... locally.") or back to the one that opens a quotation it closes, within
    MAX_QUOTATION_SENTENCES; left as it is when no sentence that near does."""
    def text(a: int, b: int) -> str:
        return article_text[sents[a].start : sents[b].end]

    marks = _open_marks(text(lo, hi))
    if marks > 0:
        for end in range(hi + 1, min(hi + MAX_QUOTATION_SENTENCES, len(sents) - 1) + 1):
            if _open_marks(text(lo, end)) == 0:
                return lo, end
    elif marks < 0:
        for start in range(lo - 1, max(lo - MAX_QUOTATION_SENTENCES, 0) - 1, -1):
            if _open_marks(text(start, hi)) == 0:
                return start, hi
    return lo, hi


def _widened(sents: tuple[Sentence, ...], article_text: str, lo: int, hi: int, scores: np.ndarray) -> tuple[int, int]:
    """The quote lo..hi, joined by neighbours (the better scored first; none scored -inf) while it has
    fewer than MIN_QUOTE_WORDS words: "그렇다." says nothing alone."""
    while len(article_text[sents[lo].start : sents[hi].end].split()) < MIN_QUOTE_WORDS:
        after = scores[hi + 1] if hi + 1 < len(sents) else -np.inf
        before = scores[lo - 1] if lo > 0 else -np.inf
        if after == before == -np.inf:
            break
        lo, hi = (lo, hi + 1) if after >= before else (lo - 1, hi)
    return lo, hi


def lead_quote(passage: Passage, article_text: str) -> tuple[int, int]:
    """A summary's quote from an article's lead: its first LEAD_SENTENCES sentences that are not headings
    (the gist a news story opens with, whatever words the question used). A line that breaks off
    mid-sentence (a pull quote set over several lines: "…모델은 / 전략적이고 개방적이며, / … 한다.") is
    no heading, and the quote runs on to where its sentence ends."""
    sents = passage.sentences
    if not sents:
        return passage.start, passage.end
    texts = [article_text[s.start : s.end] for s in sents]
    first = next((i for i, text in enumerate(texts) if UNFINISHED.search(text) or not is_heading(text)), 0)
    last = min(first + LEAD_SENTENCES, len(sents)) - 1
    while last + 1 < len(sents) and UNFINISHED.search(texts[last]):
        last += 1
    return sents[first].start, sents[last].end


def mention_quote(passage: Passage, article_text: str, names: NameKeys) -> tuple[int, int] | None:
    """For a question of names alone: the passage's first sentence that mentions them (None if none does)."""
    sents = passage.sentences
    for i, sentence in enumerate(sents):
        if name_overlap(names, article_text[sentence.start : sentence.end]) > 0:
            onward = np.where(np.arange(len(sents)) > i, 0.0, -np.inf)  # widened by what follows only
            _, end = _widened(sents, article_text, i, i, onward)
            return sentence.start, sents[end].end
    return None


def cite(index: Index, hits: list[Hit], qvec: np.ndarray, question: str, intent: Intent = NO_INTENT,
         answered: bool = True, who_is: NameKeys | None = None) -> list[Citation]:
    """One citation per hit, in order: its passage, the quote inside it, and the article's metadata.

    A citation answers when the question is answered and its score is within RELATED_CUT of the best
    (scores are relative after re-ranking); the others are related reading. who_is: the names of a
    question of names alone, quoted where a passage first mentions them; a summary question is quoted
    from an article's lead by its opening sentences.
    """
    citations = []
    translations = index.bridge.translations_of(question, language_of(question))  # after the question's encode
    for rank, hit in enumerate(hits, start=1):
        passage = index.passage(hit.passage_id)
        article = index.article_of(hit.passage_id)
        vectors = index.sentence_vectors_of(hit.passage_id)
        mention = mention_quote(passage, article.text, who_is) if who_is else None
        if mention:
            q_start, q_end = mention
        elif intent.wants("summary") and index.lead_of(index.article_row(hit.passage_id)) == hit.passage_id:
            q_start, q_end = lead_quote(passage, article.text)
        else:
            q_start, q_end = choose_quote(passage, article.text, qvec, vectors, question, intent, translations)
        paragraph = next((s.paragraph for s in passage.sentences if s.start <= q_start < s.end), passage.paragraph)
        para = next((p for p in article.paragraphs if p.number == paragraph), None)
        # every paragraph is verbatim file text, so the quote's line is its paragraph's plus the line breaks
        # before it in a hard-wrapped paragraph
        line = para.line + article.text.count("\n", para.start, q_start) if para and para.line else None
        paragraph_end = next((s.paragraph for s in reversed(passage.sentences) if s.start < q_end <= s.end), paragraph)
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
                answers=answered and hit.score >= RELATED_CUT,
                page=article.page_of(paragraph),
                url=article.url,
                also_in=tuple(index.also_in(article.source)),
                paragraph_end=max(paragraph, paragraph_end),
                line=line,
            )
        )
    return citations
