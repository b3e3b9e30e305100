"""People's titles in Korean and English: the words the term bridge cannot translate by meaning.

A title is how a question names a person it cannot name ("시장은 뭐라고 했어?", "what did the
governor say?"). Their embedding neighbours across languages are poor: 시장 is closer to "market"
(its homonym) than to "mayor", 기자 to "announcement" than to "reporter", 상무 to "office". Titles
are a small closed class of the language, not of any article, so they are listed here once, as
the dictionary the bridge adds to what it finds by meaning (both are kept: 시장 stays "market" too,
and the passages decide).
"""

from __future__ import annotations

from functools import lru_cache

from .terms import english_terms

# Korean title -> English words for it (stemmed when used). "member", "executive" and "vice" translate
# the Korean title (a council member, an executive director) but are not titles by themselves in English.
PARTS = frozenset({"member", "executive", "vice"})
TITLES: dict[str, tuple[str, ...]] = {
    "시장": ("mayor",),
    "부시장": ("mayor",),
    "구청장": ("mayor",),
    "군수": ("governor",),
    "도지사": ("governor",),
    "지사": ("governor",),
    "의원": ("lawmaker", "councillor", "councilor", "assemblyman", "member"),
    "의장": ("speaker", "chairman", "chairperson"),
    "장관": ("minister",),
    "차관": ("minister",),
    "대통령": ("president",),
    "총리": ("minister",),
    "교수": ("professor",),
    "박사": ("doctor",),
    "연구원": ("researcher",),
    "기자": ("reporter", "journalist"),
    "대표": ("ceo", "representative"),
    "사장": ("president", "ceo"),
    "회장": ("chairman", "chairperson"),
    "위원장": ("chairman", "chairperson"),
    "부위원장": ("vice", "chairman", "chairperson"),
    "이사": ("director",),
    "상무": ("executive", "director"),
    "전무": ("executive", "director"),
    "국장": ("director",),
    "원장": ("president", "director"),
    "소장": ("director",),
    "청장": ("commissioner",),
}


@lru_cache(maxsize=1)
def _english_to_korean() -> dict[str, tuple[str, ...]]:
    """English title stem -> the Korean titles it translates."""
    out: dict[str, list[str]] = {}
    for korean, words in TITLES.items():
        for word in words:
            if word in PARTS:
                continue  # "member" of anything is not a 의원
            for stem in english_terms(word):
                out.setdefault(stem, []).append(korean)
    return {stem: tuple(dict.fromkeys(titles)) for stem, titles in out.items()}


@lru_cache(maxsize=1)
def _korean_to_english() -> dict[str, tuple[str, ...]]:
    """Korean title -> the English index terms (stems) for it."""
    return {korean: tuple(dict.fromkeys(stem for word in words for stem in english_terms(word)))
            for korean, words in TITLES.items()}


def title_translations(term: str, language: str) -> tuple[str, ...]:
    """The other language's index terms for a title (empty for any other term)."""
    table = _korean_to_english() if language == "ko" else _english_to_korean()
    return table.get(term, ())
