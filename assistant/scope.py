"""Decide whether the articles cover a question: similarity, plus what the question asks that the
articles lack.

Near-topic questions ("Busan's AI policy", "the second phase's budget") are as similar to
AI-policy passages as real ones, so similarity alone cannot decline them. What gives them away is
a name (a place, a person, a product) that no article mentions (see names.py), a number the
question gives that the passages lack (a year), or no sentence that both holds the kind of answer
asked for (a sum, a date, a person) and speaks of the question's subject.

The other way round, a question of names alone ("홍기월", "Lim Kinam?") has a low similarity to every
passage, yet an article that mentions the names answers it; so does the byline of an article a
question about its author or outlet identifies.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .intent import KINDS, Intent
from .language import language_of
from .learned import load_model
from .names import unknown_names
from .records import Hit
from .signals import NameKeys, has_organisation, name_overlap, names_someone
from .terms import tokenize

if TYPE_CHECKING:
    from .index.store import Index

# A question is answered when its closest passage is at least this similar (dense score, which
# mixes best-sentence and passage cosine). Calibrated on the dev set's in- and out-of-scope
# questions; see README "Deciding when the articles do not answer".
ANSWER_THRESHOLD = 0.24
# A question naming something no article mentions (a city, a person, a product) needs a much
# closer match to count as answered.
UNKNOWN_NAME_THRESHOLD = 0.60


def covered(question: str, hits: Sequence[Hit], known_names: set[str], korean_text: str) -> bool:
    """Whether the articles answer question, judged from all its retrieved hits.

    The closest passage counts wherever fusion ranked it; known_names and korean_text are the
    corpus's name keys and its Korean text, for the unknown-name check.
    """
    best = max((h.dense or 0.0 for h in hits), default=0.0)
    if best < ANSWER_THRESHOLD:
        return False
    if best >= UNKNOWN_NAME_THRESHOLD:
        return True
    return not unknown_names(question, known_names, korean_text)


SCOPE_FEATURES = (
    "best_dense",  # the closest passage's dense similarity, wherever it ranked
    "top_sentence",  # the first-ranked passage's closest sentence
    "unknown_names",  # names the question uses that no article mentions (0, 1, 2 or more)
    "has_names",  # the question names something at all
    "top_names",  # share of the question's names the first-ranked passage mentions
    "term_coverage",  # share of the question's terms (or their translations) found in the first three passages
    "answer_type",  # the first three passages hold the kind of answer asked for (a figure, a date, a person)
    "uncovered",  # share of the question's own terms found, neither as such nor translated, in the first three
    "unknown_terms",  # the question's terms no article uses, in any language (0 to 3)
    "followup",  # the question was read with the conversation before it
    "unknown_numbers",  # numbers the question gives (a year, a figure) that the first three passages lack (0 to 2)
    "answer_sentence",  # a question wanting a figure, a date or a person: the best weighted share of its terms in
    #                     a sentence of the first three passages that holds that kind of answer (1 when it wants none)
    "asks_kind",  # the question wants a figure, a date or a person
    "rank_score",  # the re-ranker's own score of the first passage: how well anything answers at all
    # What kind of question it is, for the trees to weigh the signals above by it (a low similarity
    # means less for a byline or a "who" question than for a summary):
    *(f"asks_{kind}" for kind in KINDS),  # the answer kinds the question asks for
    "korean_question",
    "other_language",  # the first-ranked passage is in the other language than the question
    "question_terms",  # the question's content terms (up to 15): a short question has fewer words to match
    "dense_gap",  # the closest passage's dense similarity above the fifth closest's (or the last's, when a
    #               filter leaves fewer): something stands out
)
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
TYPED = ("figure", "when", "who")  # answer kinds a sentence can be checked for
SCOPE_MODEL = Path(__file__).with_name("models") / "scope.json"


def scope_features(question: str, hits: Sequence[Hit], index: Index, qvec: np.ndarray, names: NameKeys,
                   intent: Intent, translations: Sequence[str], top_score: float, followup: bool = False) -> np.ndarray:
    """One row of SCOPE_FEATURES for a question and its ranked hits (top_score: the re-ranker's score of
    the first, see rerank.rerank_scored)."""
    best = max((h.dense or 0.0 for h in hits), default=0.0)
    top = [index.passage_text(h.passage_id) for h in hits[:3]]
    top_sentence = float((index.sentence_vectors_of(hits[0].passage_id) @ qvec).max()) if hits else 0.0
    unknown = len(set(unknown_names(question, index.names, index.korean_text)))
    top_ids = np.array([h.passage_id for h in hits[:3]])

    held: dict[str, bool] = {}  # a term is looked up once, though several checks ask about it

    def in_top(term: str) -> bool:  # through the BM25 postings: no second analysis of the passages
        found = held.get(term)
        if found is None:
            found = held[term] = bool(index.lexical.held_by(term, top_ids).any())
        return found

    terms = {t for t in tokenize(question) if len(t) > 1}
    translated = set(translations)
    coverage = 0.0
    if terms and top:
        own_share = sum(1 for t in terms if in_top(t)) / len(terms)
        across = sum(1 for t in translated if in_top(t)) / len(translated) if translated else 0.0
        coverage = max(own_share, across)
    wanted = [kind for intent_kind, kind in (("figure", "number"), ("when", "date"), ("who", "person"))
              if intent.wants(intent_kind)]
    found = [index.signals(h.passage_id) for h in hits[:3]]
    answer_type = float(all(any(getattr(s, kind) or (kind == "person" and has_organisation(text))
                                for s, text in zip(found, top, strict=True)) for kind in wanted)) if wanted else 1.0
    language = language_of(question)
    own = index.bridge.translations_of(question, language)
    uncovered = [t for t, words in own.items() if not in_top(t) and not any(in_top(w) for w in words)]
    unknown_terms = [t for t, words in own.items() if not words and not index.lexical.knows(t)]
    top_text = " ".join(top).replace(",", "")
    unknown_numbers = {n for n in (m.replace(",", "") for m in NUMBER.findall(question)) if n not in top_text}
    dense = sorted((h.dense or 0.0 for h in hits), reverse=True)[:5]
    top_language = index.articles[index.article_row(hits[0].passage_id)].language if hits else language
    return np.array([
        best,
        top_sentence,
        min(unknown, 2),
        float(bool(names)),
        name_overlap(names, top[0], found[0].words) if top else 0.0,
        coverage,
        answer_type,
        len(uncovered) / len(own) if own else 0.0,
        min(len(unknown_terms), 3),
        float(followup),
        min(len(unknown_numbers), 2),
        answer_sentence(hits[:3], index, intent, own),
        float(any(intent.wants(kind) for kind in TYPED)),
        top_score,
        *(float(intent.wants(kind)) for kind in KINDS),
        float(language == "ko"),
        float(top_language != language),
        min(len(tokenize(question)), 15),
        dense[0] - dense[-1] if dense else 0.0,
    ])


def answer_sentence(hits: Sequence[Hit], index: Index, intent: Intent, own: dict[str, tuple[str, ...]]) -> float:
    """For a question wanting a figure, a date or a person ("how much", "몇 명", "언제", "누가"): how much of
    the question a sentence holding that kind of answer covers, at best (its terms weighted by rarity,
    translations counted). A passage with some figure beside the question's topic does not answer
    "what was the budget?"; a sentence with a sum of money and the question's words may. 1.0 when
    no such kind is wanted."""
    if not any(intent.wants(kind) for kind in TYPED):
        return 1.0
    n = len(index)

    def holds_answer(span: str) -> bool:
        return ((not intent.wants("figure") or intent.figure_in(span))
                and (not intent.wants("when") or intent.date_in(span))
                and (not intent.wants("who") or names_someone(span)))

    # a word no article uses weighs most
    weighted = [(weight if weight > 0 else math.log(1 + n), forms) for weight, forms in index.weighted_terms(own)]
    total = sum(w for w, _ in weighted)
    if not total:
        return 0.0
    best = 0.0
    for hit in hits:
        passage, text = index.passage(hit.passage_id), index.article_of(hit.passage_id).text
        for sentence in passage.sentences:
            span = text[sentence.start : sentence.end]
            if holds_answer(span):
                words = set(tokenize(span))
                best = max(best, sum(w for w, forms in weighted if forms & words) / total)
    return best


def names_only(question: str, names: NameKeys) -> bool:
    """The question is nothing but names, with at most a question word ("홍기월", "Lim Kinam?", "이용섭
    누구야"): it asks who or what they are."""
    if not names:
        return False
    forms = {name for name, _ in names.korean} | set(names.latin)
    forms |= {w.lower() for w in re.findall(r"\b[A-Z][A-Za-z0-9-]*", question)}  # "Lim" opening "Lim Kinam?"
    rest = [t for t in tokenize(question) if len(t) > 1 and not any(t in form or form in t for form in forms)]
    return not rest


def identified(hits: Sequence[Hit], index: Index, names: NameKeys) -> bool:
    """The first hit's article mentions every name of the question, and the corpus knows them all."""
    if not hits or not names:
        return False
    return index.names_in_article(names, index.article_row(hits[0].passage_id)) >= 1.0


def answered_by_names(question: str, hits: Sequence[Hit], index: Index, names: NameKeys, intent: Intent) -> bool:
    """A question of names alone, or about an article's byline, whose names the first hit's article
    all mentions: answered without the model (see `decide`)."""
    return (names_only(question, names) or intent.wants("meta")) and identified(hits, index, names)


def unrelated(x: np.ndarray) -> bool:
    """Nothing in the articles relates to the question: no passage is even loosely similar (dense
    score below ANSWER_THRESHOLD) and none of its words, nor their translations, is in the first
    passages ("김치찌개 끓이는 법"). Declined without the model (on the tune, dev and validation
    sets this holds for 7 of 168 unanswerable questions and 2 of 445 answerable ones)."""
    best, coverage = x[SCOPE_FEATURES.index("best_dense")], x[SCOPE_FEATURES.index("term_coverage")]
    return bool(best < ANSWER_THRESHOLD and coverage == 0)


def decide(question: str, hits: Sequence[Hit], index: Index, qvec: np.ndarray, names: NameKeys, intent: Intent,
           translations: Sequence[str], top_score: float, followup: bool = False) -> bool:
    """Whether the articles answer the question: the learned model (models/scope.json) when present,
    else the similarity-and-names rule of `covered`.

    Two questions are answered whatever their similarity, when the first hit's article mentions every
    name they use: one that is nothing but names (who or what they are: a low similarity is no sign
    the articles lack them), and one about the article itself (its author, outlet, date), which the
    byline answers."""
    if answered_by_names(question, hits, index, names, intent):
        return True
    model = load_model(SCOPE_MODEL, SCOPE_FEATURES)
    if model is None or not hits:
        return covered(question, hits, index.names, index.korean_text)
    x = scope_features(question, hits, index, qvec, names, intent, translations, top_score, followup)
    if unrelated(x):
        return False
    return float(model.score(x[None, :])[0]) >= model.threshold
