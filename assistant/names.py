"""Names in questions and articles: romanised Korean names, a country gazetteer, and the look-up of
names no article mentions.

Korean names are also looked up through their romanisations, so "광주" finds "Gwangju" in an English
article, and "Yong-seop" finds 이용섭.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

from .language import has_hangul

T = TypeVar("T")

# Revised Romanization, with the common alternatives seen in names (initial g/k, eo/u, ...).
INITIALS = [["g", "k"], ["kk", "gg"], ["n"], ["d", "t"], ["tt"], ["r", "l"], ["m"], ["b", "p"], ["pp"], ["s"],
            ["ss"], [""], ["j", "ch"], ["jj"], ["ch"], ["k"], ["t"], ["p"], ["h"]]
VOWELS = [["a"], ["ae"], ["ya"], ["yae"], ["eo", "u", "o"], ["e"], ["yeo", "yo", "you"], ["ye"], ["o"], ["wa"], ["wae"],
          ["oe"], ["yo"], ["u", "oo"], ["wo"], ["we"], ["wi"], ["yu", "yoo"], ["eu", "u"], ["ui"], ["i", "ee"]]
FINALS = [[""], ["k", "g"], ["k"], ["k"], ["n"], ["n"], ["n"], ["t"], ["l"], ["k"], ["m"], ["l"], ["l"], ["l"],
          ["p"], ["l"], ["m"], ["p", "b"], ["p"], ["t"], ["t"], ["ng"], ["t"], ["t"], ["k"], ["t"], ["p"], ["t"]]
SURNAMES = {"이": ["lee", "yi", "rhee"], "임": ["lim", "im"], "박": ["park", "bak"], "김": ["kim", "gim"],
            "최": ["choi", "choe"], "정": ["jeong", "jung", "chung"], "유": ["yu", "yoo"], "노": ["roh", "no"],
            "류": ["ryu", "yoo"], "조": ["cho", "jo"], "윤": ["yoon", "yun"], "신": ["shin", "sin"]}
MAX_VARIANTS = 256
CORPUS_SPELLINGS = 64  # spellings kept per Korean name of the corpus (the most standard ones)
ENGLISH_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b(?:[A-Z][a-zA-Z]+|[A-Z0-9]*\d[A-Z0-9]*[A-Z][A-Z0-9]*|[A-Z]{2,}\d*)\b")


def _syllable(ch: str) -> list[str]:
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return [ch]
    i, rest = divmod(code, 588)
    v, f = divmod(rest, 28)
    return ["".join(p) for p in itertools.product(INITIALS[i], VOWELS[v], FINALS[f])]


def spellings(word: str) -> list[str]:
    """Plausible Latin spellings of a Korean name, the most standard first, surname conventions included."""
    options = [_syllable(ch) for ch in word]
    if len(word) == 3 and word[0] in SURNAMES:
        options[0] = options[0] + SURNAMES[word[0]]
    out: dict[str, None] = {}
    for combo in itertools.product(*options):
        spelled = "".join(combo)
        out[spelled] = None
        if "nl" in spelled or "ln" in spelled or "nr" in spelled:  # ㄴ and ㄹ meet as ll: 전라 -> jeolla
            out[spelled.replace("nl", "ll").replace("ln", "ll").replace("nr", "ll")] = None
        if len(out) >= MAX_VARIANTS:
            break
    if len(word) == 3:  # a person's given name alone: "Yong-seop" for 이용섭
        out.update(dict.fromkeys("".join(c) for c in itertools.islice(itertools.product(*options[1:]), MAX_VARIANTS)))
    return list(out)


@lru_cache(maxsize=4096)
def romanizations(word: str) -> frozenset[str]:
    """The set of spellings(word), for look-ups (cached: names recur in every question about them)."""
    return frozenset(spellings(word))


@lru_cache(maxsize=16_384)
def standard_spellings(word: str) -> tuple[str, ...]:
    """The CORPUS_SPELLINGS most standard spellings(word): how an article's or a byline's Korean name is
    looked up (cached: a corpus's names recur from article to article)."""
    return tuple(spellings(word)[:CORPUS_SPELLINGS])


# Names whose English form is not a romanisation (countries and regions), both directions.
GAZETTEER = {
    "미국": ["america", "unitedstates", "us", "usa"], "중국": ["china"], "일본": ["japan"], "한국": ["korea"],
    "대한민국": ["korea", "southkorea"], "북한": ["northkorea"], "영국": ["uk", "britain", "unitedkingdom"],
    "유럽": ["europe", "eu"], "독일": ["germany"], "프랑스": ["france"], "러시아": ["russia"], "인도": ["india"],
    "캐나다": ["canada"], "호주": ["australia"], "대만": ["taiwan"], "싱가포르": ["singapore"], "베트남": ["vietnam"],
}
ENGLISH_ALIASES = {v: k for k, vs in GAZETTEER.items() for v in vs}
# Longest first: the first that fits is cut. The full names of provinces and metropolitan cities and their
# heads (광주광역시장: the mayor of Gwangju, 강원특별자치도지사) come before the short suffixes.
KOREAN_SUFFIXES = tuple(sorted((
    "특별자치도지사", "특별자치시장", "특별자치도", "특별자치시", "광역시의회", "광역시장", "광역시청",
    "광역시", "특별시장", "특별시", "도지사", "구청장", "군수", "시의회", "시청", "시장", "의회", "도청",
    "시", "도", "군", "구", "권", "형",
), key=len, reverse=True))
MAX_NAME_SYLLABLES = 3
# A government body, however short (과기부, 국토부, 기상청): its name translates (Ministry of Science and ICT).
GOVERNMENT_SUFFIXES = ("부", "청", "처")
PARTICLES = ("에서", "으로", "가", "이", "은", "는", "의", "를", "을", "와", "과", "에", "로", "도", "만")


def name_keys(text: str) -> set[str]:
    """Lower-cased words and glued runs of capitalised words ("Hong Giwol" -> honggiwol)."""
    keys = {w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)}
    for run in re.findall(r"[A-Z][A-Za-z0-9]*(?:[\s-]+-?[A-Za-z][A-Za-z0-9]*)+", text):
        parts = [p.lower() for p in re.findall(r"[A-Za-z0-9]+", run)]
        for i in range(len(parts)):
            for j in range(i + 2, min(len(parts), i + 3) + 1):
                keys.add("".join(parts[i:j]))
    return keys


def corpus_names(articles, korean_names: set[str]) -> set[str]:
    """Name keys of the corpus; korean_names: the proper nouns the Korean analyser found in it."""
    keys: set[str] = set()
    bylines = set()
    for article in articles:
        byline = article.byline()  # "Asia Business Daily", 김장기
        keys |= name_keys(article.title + "\n" + article.text + "\n" + byline)
        bylines.update(re.findall(r"[가-힣]{2,4}", byline))
    for name in set(korean_names) | bylines:
        if 2 <= len(name) <= 4:
            keys.update(standard_spellings(name))
            keys.update(GAZETTEER.get(name, []))
    return keys


def spelled_as(entries: Iterable[tuple[str, T]]) -> dict[str, set[T]]:
    """Every spelling a question may use for each name -> the values filed under it: a Korean name
    (2 to 4 syllables) as written and in its most standard romanisations ("kimjanggi" for 김장기), a
    Latin name lower-cased and glued ("yangjoonseok" for Yang Joon-seok)."""
    out: dict[str, set[T]] = {}
    for name, value in entries:
        keys = {"".join(re.findall(r"[a-z0-9]+", name.lower()))} - {""}
        for korean in re.findall(r"[가-힣]{2,4}", name):
            keys |= {korean, *standard_spellings(korean)}
        for key in keys:
            out.setdefault(key, set()).add(value)
    return out


def korean_names_in(question: str, known: set[str] = frozenset()) -> list[str]:
    """The Korean names a question uses: the analyser's proper nouns, and the person's names it missed
    (임기남 read as a common noun, 홍기월 cut into 홍기|월) that spell a full name the corpus writes in
    Latin letters (known: the corpus's name keys, where "Lim Kinam" is limkinam)."""
    from .terms import tokenize_with_names

    names = list(dict.fromkeys(tokenize_with_names(question)[1]))
    if known:
        names += _typed_places(question, known, names)
        names = _places_of_offices(names, known)
        for word in re.findall(r"[가-힣]{3,}", question):
            head = word[:3]  # a name opens its word: 임기남은, 홍기월의원
            if head not in names and any(len(s) >= 6 and s in known for s in romanizations(head)):
                names = [n for n in names if n not in head] + [head]
    return names


def _places_of_offices(names: list[str], known: set[str]) -> list[str]:
    """The names, each one the analyser kept whole with its administrative suffix replaced by its place
    (광주광역시장 -> 광주) when the corpus writes the place in Latin letters: the whole form has no
    spelling any article uses."""
    out: list[str] = []
    for name in names:
        place = _strip_suffix(name)
        found = place if place != name and romanizations(place) & known else name
        if found not in out:
            out.append(found)
    return out


# Suffixes that make a place name an adjective: 원주형 (Wonju-style), 광주식, 호남권 (the Honam region).
PLACE_SUFFIXES = frozenset("형 식 권".split())


def _typed_places(question: str, known: set[str], found: list[str]) -> list[str]:
    """Names the analyser read as common nouns before such a suffix (원주형 -> 원주|NNG 형|XSN), when the
    corpus writes them in Latin letters (wonju)."""
    from .terms import analyze

    morphemes = analyze(question)
    return [form for (form, tag), (suffix, suffix_tag) in itertools.pairwise(morphemes)
            if tag == "NNG" and suffix_tag == "XSN" and suffix in PLACE_SUFFIXES and len(form) >= 2
            and form not in found and any(len(s) >= 5 and s in known for s in romanizations(form))]


def known_name(name: str, known: set[str], korean_text: str) -> bool:
    """Whether some article mentions a name (a Korean name, or a Latin one lower-cased), in any spelling
    we can derive. known: the corpus's name keys; korean_text: its Korean text."""
    return _known_korean(name, known, korean_text) if has_hangul(name) else _known_english(name, known)


def _known_english(name: str, known: set[str]) -> bool:
    w = name.lower()
    candidates = {w, w + "s", w.removesuffix("s"), w.removesuffix("n"), w.removesuffix("an"), w.removesuffix("ese")}
    if candidates & known or (len(w) >= 5 and _has_prefix(known, w)):  # Jeolla -> Jeollanam
        return True
    if any(stem in known for stem in word_stems(w)):  # Councillor -> council
        return True
    korean = ENGLISH_ALIASES.get(w)
    return bool(korean and set(GAZETTEER[korean]) & known)


def word_stems(word: str) -> list[str]:
    """The lower-cased word cut by one to three letters, down to six: the word it may derive from
    (councillor -> council), for names matched by their root."""
    return [word[:cut] for cut in range(max(len(word) - 3, 6), len(word))]


def _strip_suffix(form: str) -> str:
    for suffix in KOREAN_SUFFIXES + PARTICLES:
        if form.endswith(suffix) and len(form) - len(suffix) >= 2:
            return form[: -len(suffix)]
    return form


def _known_korean(form: str, known: set[str], korean_text: str) -> bool:
    stems = {form}
    for suffix in KOREAN_SUFFIXES + PARTICLES:
        if form.endswith(suffix) and len(form) - len(suffix) >= 2:
            stems.add(form[: -len(suffix)])
    for stem in stems:
        if stem in korean_text or set(GAZETTEER.get(stem, [])) & known:
            return True
        spellings = romanizations(stem)
        if spellings & known or (len(stem) >= 2 and any(_has_prefix(known, r) for r in spellings if len(r) >= 4)):
            return True
    return False


class Names(set):
    """The corpus's name keys, with prefix look-up (kiwi may cut a name short: 홍기|월)."""

    def __init__(self, keys=()) -> None:
        super().__init__(keys)
        self.sorted = sorted(self)


def _has_prefix(known: set[str], prefix: str) -> bool:
    ordered = getattr(known, "sorted", None)
    if ordered is None:
        return False
    i = bisect.bisect_left(ordered, prefix)
    return i < len(ordered) and ordered[i].startswith(prefix)


def unknown_names(question: str, known: set[str], korean_text: str) -> list[str]:
    """Names in the question that no article mentions, in any spelling we can derive."""
    from .terms import analyze

    # a word of a known full name is known: "Kim" in "Kim Jang-gi" (spelled 김장기 in the article)
    runs = [k for k in name_keys(question) if len(k) >= 6 and k in known]
    missing = [n for n in ENGLISH_NAME.findall(question) if len(n) > 1 and not _known_english(n, known)
               and not any(n.lower() in run for run in runs)]
    if has_hangul(question):
        for form, tag in analyze(question):
            # Short names (places, people, brands) romanise; long ones are organisations that translate
            # (과학기술정보통신부 = Ministry of Science and ICT), so they are not evidence either way.
            short_name = (tag == "NNP" and 2 <= len(_strip_suffix(form)) <= MAX_NAME_SYLLABLES and has_hangul(form)
                          and not _strip_suffix(form).endswith(GOVERNMENT_SUFFIXES))
            code = tag == "SL" and len(form) > 1 and (form.isupper() or any(c.isdigit() for c in form))
            if (short_name and not _known_korean(form, known, korean_text)) or (
                code and not _known_english(form, known)
            ):
                missing.append(form)
    return missing
