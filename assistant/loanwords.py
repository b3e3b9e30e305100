"""Loanwords across scripts by their sound: 스타게이트 and "stargate" share a consonant skeleton.

Korean writes borrowed words by ear (모빌리티, 스타트업, 엔비디아), and a multilingual encoder embeds
many of them too far from their English source for a translation by meaning alone (cosine about 0.5).
Their consonants survive the borrowing: each side is reduced to a skeleton of consonant classes
(b/p/f/v are one class, as Korean writes all four with ㅂ or ㅍ), vowels dropped, repeats merged,
and an English r before a consonant or at the end dropped, as Korean drops it (star -> 스타).
A match of skeletons is a hint, never proof (기반 and "govern" share one): the bridge asks for a
weaker similarity by meaning as well, and only for words long enough to carry a distinctive skeleton.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_CLASSES = 3  # skeletons shorter than this match too many unrelated words
MIN_SYLLABLES = 3  # two-syllable Korean words are mostly Sino-Korean, whose skeletons collide with English

# Consonant classes of the Hangul initials (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ; ㅇ is silent)
# and finals (none, ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ).
INITIALS = "KKNTTLMPPSS-JJJKTPH"
FINALS = "-KKKNNNTLKMLLLPLMPPTTNTTKTPT"
ENGLISH_DIGRAPHS = (("ph", "P"), ("ck", "K"), ("qu", "K"), ("sh", "S"), ("ch", "J"), ("th", "S"), ("dg", "J"),
                    ("ng", "N"), ("wh", "H"), ("x", "KS"), ("tio", "S"), ("c(?=[eiy])", "S"), ("g(?=[eiy])", "J"),
                    ("r(?![aeiouy])", ""))
ENGLISH_LETTERS = str.maketrans("bpfvckgqdtlrmnszjh", "PPPPKKKKTTLLMNSSJH")


def _merge(classes: str) -> str:
    return re.sub(r"(.)\1+", r"\1", classes)


@lru_cache(maxsize=65_536)
def korean_skeleton(word: str) -> str:
    """The consonant classes of a Hangul word ("" when it holds anything else)."""
    out = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            return ""
        initial, rest = divmod(code, 588)
        out.append(INITIALS[initial] + FINALS[rest % 28])
    return _merge("".join(out).replace("-", ""))


@lru_cache(maxsize=65_536)
def english_skeletons(word: str) -> frozenset[str]:
    """The consonant classes of an English word or stem; a stem's final c or g may be either sound, as
    the stem has lost the e that softened it (allianc(e) -> S, graphic -> K; challeng(e) -> J)."""
    w = word.lower()
    if not w.isascii() or not w.isalpha():
        return frozenset()
    forms = {w, w[:-1] + ("s" if w.endswith("c") else "j")} if w.endswith(("c", "g")) and len(w) > 3 else {w}
    out = set()
    for form in forms:
        for pattern, cls in ENGLISH_DIGRAPHS:
            form = re.sub(pattern, cls, form)
        out.add(_merge("".join(ch for ch in form.translate(ENGLISH_LETTERS) if ch.isupper())))
    return frozenset(out)


def skeletons(word: str, language: str) -> frozenset[str]:
    """A word's skeletons long enough to match on (empty for short words)."""
    if language == "ko":
        found = frozenset((korean_skeleton(word),)) if len(word) >= MIN_SYLLABLES else frozenset()
    else:
        found = english_skeletons(word)
    return frozenset(s for s in found if len(s) >= MIN_CLASSES)
