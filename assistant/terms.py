"""Index terms: Korean content morphemes (kiwipiepy) and English word stems, for BM25 and the term bridge."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .language import has_hangul, verb_term

WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d+(?:[.,]\d+)*[A-Za-z]*")
# Content morphemes: nouns, roots, verb/adjective stems, hanja (Latin words and numbers come from the text:
# see _korean_terms).
KEEP_TAGS = ("NNG", "NNP", "XR", "VV", "VA", "SH", "MAG")
STOPWORDS = frozenset(
    """a an the and or but if then than of in on at to for from by with without about into over
    under as is are was were be been being do does did have has had will would shall should can
    could may might must this that these those it its it's they them their there here he she his
    her we our you your i me my what which who whom whose when where why how not no nor so such
    also just only very too more most other some any all each both either neither up down out off
    again further once s t d ll ve re""".split()
)


# Question words and light verbs carry no topic.
KOREAN_STOPWORDS = frozenset(
    "어떻다 어떠하다 무엇 무슨 어디 언제 누구 왜 얼마 몇 어느 하다 되다 있다 없다 이다 아니다 같다 않다 "
    "것 수 등 때 중 점 말 좀 더 잘 또 및 그 이 저 대하다 위하다 통하다 관하다 알다 주다 보다 "
    "얼마나 어떻게 어떤 어찌 왜 대체 정말 진짜 혹시 다시 많이 실제로 과연 도대체 그냥".split()
)


@lru_cache(maxsize=1)
def kiwi():
    from kiwipiepy import Kiwi

    # The typo and multi-word dictionaries triple start-up time and add nothing to index terms.
    return Kiwi(load_typo_dict=False, load_multi_dict=False)


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light English stemmer: enough to match plurals and common verb endings (cached: words repeat)."""
    w = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            return w[: -len(suffix)] + repl
    return w


def english_terms(text: str) -> list[str]:
    return [term for term in map(_term, WORD.findall(text)) if term is not None]


@lru_cache(maxsize=65_536)
def _term(word: str) -> str | None:
    """A word's index term, or None for a stop word (cached: a word's term is looked up once)."""
    w = word.lower()
    if w in STOPWORDS or (len(w) < 2 and not w.isdigit()):
        return None
    return stem(w)


@lru_cache(maxsize=2048)
def analyze(text: str) -> tuple[tuple[str, str], ...]:
    """Korean morphological analysis as (form, tag) pairs; cached, since a question is analysed often."""
    return tuple((t.form, t.tag) for t in kiwi().tokenize(text))


def forget() -> None:
    """Drop the remembered analyses (benchmarks time each question as if asked for the first time)."""
    analyze.cache_clear()
    _short_terms.cache_clear()


def tokenize(text: str) -> list[str]:
    """Index terms: Korean content morphemes (stem form) and English stems, lower-cased."""
    return tokenize_with_names(text)[0]


def tokenize_with_names(text: str) -> tuple[list[str], list[str]]:
    """Index terms, and the Korean proper nouns among the morphemes (one analysis for both)."""
    if len(text) >= 2000:  # a document, not a question or a sentence: analysed once, not remembered
        return _terms_of(text)
    terms, names = _short_terms(text)
    return list(terms), list(names)


@lru_cache(maxsize=4096)
def _short_terms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """tokenize_with_names of a question or a sentence, remembered: one question is tokenized by the
    search, the term bridge, the name look-up and the decline check alike."""
    terms, names = _terms_of(text)
    return tuple(terms), tuple(names)


def _terms_of(text: str) -> tuple[list[str], list[str]]:
    if not has_hangul(text):
        return english_terms(text), []
    morphemes = analyze(text) if len(text) < 2000 else tuple((t.form, t.tag) for t in kiwi().tokenize(text))
    return _korean_terms(morphemes, text)


def tokenize_many_with_names(texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """tokenize_with_names of many texts (a build's passages): the Korean ones analysed in one batch,
    which Kiwi spreads over its worker threads (8 s down to 4 s for 4,300 passages on 2 cores)."""
    out: list[tuple[list[str], list[str]]] = []
    korean: list[int] = []
    for i, text in enumerate(texts):
        if has_hangul(text):
            korean.append(i)
            out.append(([], []))  # analysed below, all together
        else:
            out.append((english_terms(text), []))
    analysed = kiwi().tokenize([texts[i] for i in korean]) if korean else []
    for i, tokens in zip(korean, analysed, strict=True):
        out[i] = _korean_terms([(t.form, t.tag) for t in tokens], texts[i])
    return out


def _korean_terms(morphemes: Sequence[tuple[str, str]], text: str) -> tuple[list[str], list[str]]:
    """Index terms and proper nouns from a Korean text's (form, tag) morphemes.

    Its Latin words and numbers are taken from the text itself, as in an English one: Kiwi cuts
    them into pieces ("politicians" -> politi + cians, "Yong-seop" -> yong + seop), so an English
    story under a Korean byline, or a Korean one quoting English, would index words no question
    spells that way."""
    out: list[str] = english_terms(text)
    names: list[str] = []
    for form, full_tag in morphemes:
        tag = full_tag.split("-")[0]
        if tag not in KEEP_TAGS:
            continue
        if tag == "NNP":
            names.append(form)
        form = verb_term(form) if tag in ("VV", "VA") else form.lower()
        if form not in KOREAN_STOPWORDS:
            out.append(form)
    return out, names
