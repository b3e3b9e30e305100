"""Cheap signals of what a span of text holds: figures, dates, people, names, and whether it is a heading.

They let the ranker and the quote chooser match a sentence to the kind of answer a question wants
(intent.py). Each is a plain function of the text, general to news in Korean and English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .language import has_hangul
from .names import ENGLISH_NAME, korean_names_in, romanizations, word_stems

NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|퍼센트|명|개|곳|원|억|조|만|배|건|위|차|기|호|billion|million|trillion|thousand|"
    r"percent|won|people|companies|firms|specialists|jobs|startups)?|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|hundred|thousand)\b",
    re.IGNORECASE,
)
# Each branch starts with a cheap look-ahead at its first character, so most positions are passed over
# without trying every month name (same matches, 40% faster on a build's passages).
DATE = re.compile(
    r"(?=\d)(?:(?:19|20)\d{2}\s*(?:년|[-./])|\d{1,2}\s*월\s*\d{1,2}\s*일|\d{1,2}\s*(?:월|일)(?![가-힣]*[년월]))|"
    r"지난\s*\d+일|"
    r"(?=[jfmasond])\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}|(?=\d)\b(?:19|20)\d{2}\b|"
    r"(?=[lnt])\b(?:last|next|this) (?:year|month|week)|(?=\d)\b\d{1,2}(?:st|nd|rd|th)\b|"
    r"(?=o)\bon (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
    re.IGNORECASE,
)
# A person: two or three capitalised name parts ("Hong Giwol", "Lee Yong-seop"), or a Korean name
# followed by the role that introduces people in Korean news.
PERSON = re.compile(
    r"\b[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+){1,2}\b(?=,| said| stated| noted| added| urged| emphasi[sz]ed| explained)|"
    r"\b(?:Mr|Ms|Mrs|Dr|Prof)\.? [A-Z][a-z]+|"
    r"\b(?:Mayor|Governor|Minister|President|CEO|Director|Professor|member|members|lawmaker|reporter|"
    r"Executive|Head|Chairman|Chairwoman)\b[^.]{0,40}?\b[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+){1,2}|"
    r"[가-힣]{2,4}\s*(?:의원|시장|도지사|지사|장관|대표|교수|기자|상무|전무|이사|원장|센터장|총장|위원장|회장|사장|"
    r"차관|청장|국장|박사|씨)"
)
# An organisation, the other answer to "who" ("누구랑 MOU 맺었어?", "which institution leads it?"): capitalised
# words before an institution's head noun, or a Korean name glued to one (세브란스기독병원, 한국인터넷기업협회).
ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w&.'-]*\s+){1,5}(?:Corporation|Corp\.?|Association|Institute|University|College|Hospital|"
    r"Center|Centre|Company|Foundation|Agency|Ministry|Council|Group|Bank|Party|Assembly|Committee|Authority|"
    r"Office|Organi[sz]ation|Federation|Union|Cloud|Electronics|Telecom)\b|"
    r"(?<![가-힣A-Za-z])[가-힣A-Za-z]{2,15}(?:병원|대학교|공사|협회|재단|연구원|연구소|주식회사|위원회|공단|은행|"
    r"그룹|협의회|연합회|"
    r"클라우드|전자|텔레콤)(?:은|는|이|가|을|를|의|와|과|에|로|으로|에서|도|과의|와의)?(?![가-힣])"
)
# Kinds of figure a sentence states: a sum of money, a count of people or things, a share, a rank.
FIGURE_KINDS = {
    "money": re.compile(r"\d[\d,.]*\s*(?:원|억|조|만\s*원|달러|won|dollars?|euros?|billion|trillion|million)|"
                        r"[$€£]\s*\d", re.IGNORECASE),
    # a number with a counter (명, 개, 곳...) or before a plural noun: "700 people", "12 robotic cranes", "two years"
    "count": re.compile(r"\d[\d,]*\s*(?:명|개|곳|군데|건|사|대|척|권|편|회|차례|가구|세대|기관|개국)|"
                        r"\b(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
                        r"thousands?)\s+(?:[a-z-]+\s+)?[a-z]+s\b", re.IGNORECASE),
    "percent": re.compile(r"\d[\d,.]*\s*(?:%|퍼센트|percent)", re.IGNORECASE),
    # a count of people: "700 people", "5,150 AI experts", "참석자 700명"
    "people": re.compile(r"\d[\d,]*\s*(?:만\s*)?명|\b(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|"
                         r"dozens?|hundreds?|thousands?)\s+(?:[a-z-]+\s+)?(?:people|persons|attendees|participants|"
                         r"residents|citizens|students|graduates|experts|professionals|specialists|workers|employees|"
                         r"members|officials|visitors)\b", re.IGNORECASE),
    "age": re.compile(r"\d+\s*(?:세|살)(?![가-힣])|\baged \d+|\b\d+[- ]years?[- ]old\b", re.IGNORECASE),
    "area": re.compile(r"\d[\d,.]*\s*(?:만|천)?\s*(?:㎡|㎢|m2|m²|km2|km²|평(?:(?![가-힣])|(?=[에의은이을과]))|헥타르|"
                       r"ha\b|hectares?|acres?|"
                       r"square (?:met|kilomet|feet|mile))", re.IGNORECASE),
    "rank": re.compile(r"\d+\s*위|\b\d+(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
                       r"ninth|tenth)\b[^.]{0,20}\b(?:place|largest|biggest|rank)|\branks?\b", re.IGNORECASE),
}
# Enumerations: "첫째, ...", "Second, ...", "3) ..." at the start of a sentence, and the question's "두 번째 제안",
# "the third point". Both sides map to the item's number, so a Korean question finds an English list.
KOREAN_ORDINALS = {"첫": 1, "한": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6}
ENGLISH_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}
QUESTION_ORDINAL = re.compile(r"(첫|한|두|둘|세|셋|네|넷|다섯|여섯|[1-6])\s*(?:번\s*)?째|"
                              r"\b(first|second|third|fourth|fifth|sixth|[1-6](?:st|nd|rd|th))\b", re.IGNORECASE)
ITEM_MARK = re.compile(r"(?:^|(?<=[.!?。\n]))\s*(?:(첫|둘|셋|넷|다섯|여섯)째|"
                       r"(first|second|third|fourth|fifth|sixth)(?:ly)?(?=,)|\(?([1-6])[.)](?=\s)|([①-⑥]))",
                       re.IGNORECASE)
# Someone's words: a quotation, or speech reported with its verb.
SPEECH = re.compile(r"[“”\"「」『』]|\b(?:said|says|stated|noted|added|stressed|emphasi[sz]ed|argued|urged|explained|"
                    r"suggested|proposed|claimed|pointed out|called for)\b|"
                    r"(?:말했|밝혔|강조했|주장했|덧붙였|설명했|지적했|제안했|촉구했|언급했|당부했)", re.IGNORECASE)
YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?!\d|[.,]\d)|(?<![\w'’])['’]\d{2}\b|"
                  r"(?<![\d.,])\d{2}\s*년(?!\s*(?:간|동안|째|만|전|후|이상|이내|여|뒤|가량|쯤))")
TERMINAL = re.compile(r"[.!?。！？…][\"'”’)\]」』]*\s*$|다\s*$")
HEADING_CHARS = 90
LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
# Signals of a text are asked for again by every question that retrieves it: each is computed once per
# distinct text (a corpus sentence or passage) and remembered, like the passage flags the index stores.
TEXTS_REMEMBERED = 65_536


@lru_cache(maxsize=TEXTS_REMEMBERED)
def has_number(text: str) -> bool:
    return NUMBER.search(text) is not None


@lru_cache(maxsize=TEXTS_REMEMBERED)
def has_date(text: str) -> bool:
    return DATE.search(text) is not None


@lru_cache(maxsize=TEXTS_REMEMBERED)
def has_year(text: str) -> bool:
    """The text states a year (2020, 2020년, '20), not only a month or a day."""
    return YEAR.search(text) is not None


@lru_cache(maxsize=TEXTS_REMEMBERED)
def has_person(text: str) -> bool:
    return PERSON.search(text) is not None


@lru_cache(maxsize=TEXTS_REMEMBERED)
def has_organisation(text: str) -> bool:
    return ORGANISATION.search(text) is not None


def names_someone(text: str) -> bool:
    """The text names a person or an organisation: an answer to "who" (누구, 어디랑 MOU, which institution)."""
    return has_person(text) or has_organisation(text)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def has_speech(text: str) -> bool:
    return SPEECH.search(text) is not None


@lru_cache(maxsize=TEXTS_REMEMBERED)
def is_heading(text: str) -> bool:
    """A headline or sub-heading: short and not ended like a sentence. It points at an answer; it is not one.

    A passage of several lines is a heading when every line is: a headline over its sub-headline (the
    title block of a scraped page) holds no more of an answer than either line alone.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bool(lines) and all(len(line) <= HEADING_CHARS and not TERMINAL.search(line) for line in lines)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def figure_kinds(text: str) -> frozenset[str]:
    """The kinds of figure (FIGURE_KINDS) the text states (a count of people is a count too)."""
    kinds = {kind for kind, pattern in FIGURE_KINDS.items() if pattern.search(text)}
    return frozenset(kinds | {"count"} if "people" in kinds else kinds)


def question_ordinal(question: str) -> int | None:
    """The item of a list a question asks for ("두 번째 제안은?", "the third point"), or None."""
    match = QUESTION_ORDINAL.search(question)
    if match is None:
        return None
    korean, english = match.group(1), match.group(2)
    if korean:
        return int(korean) if korean.isdigit() else KOREAN_ORDINALS[korean]
    return ENGLISH_ORDINALS[english.lower()]


@lru_cache(maxsize=TEXTS_REMEMBERED)
def item_marks(text: str) -> frozenset[int]:
    """The numbers of the list items that start a sentence of text (첫째, / Second, / 3) / ③)."""
    out = set()
    for korean, english, digit, circled in ITEM_MARK.findall(text):
        if korean:
            out.add(KOREAN_ORDINALS[korean])
        elif english:
            out.add(ENGLISH_ORDINALS[english.lower()])
        elif digit:
            out.add(int(digit))
        else:
            out.add(ord(circled) - ord("①") + 1)
    return frozenset(out)


@dataclass(frozen=True)
class TextSignals:
    """What a passage or sentence holds, computed once per text."""

    words: tuple[set[str], str]  # latin_words(text)
    number: bool
    date: bool
    person: bool
    heading: bool


FLAGS = ("number", "date", "person", "heading")  # bit order of signal_flags


def signal_flags(text: str) -> int:
    """The text's yes/no signals as bits (stored per passage at build time)."""
    # A build sees each text once: the uncached functions, nothing to remember.
    checks = (has_number.__wrapped__, has_date.__wrapped__, has_person.__wrapped__, is_heading.__wrapped__)
    return sum(1 << bit for bit, check in enumerate(checks) if check(text))


def text_signals(text: str, flags: int | None = None) -> TextSignals:
    """The signals of a text; flags: its signal_flags when already known (from the index)."""
    flags = signal_flags(text) if flags is None else flags
    return TextSignals(latin_words(text), *(bool(flags >> bit & 1) for bit in range(len(FLAGS))))


@dataclass(frozen=True)
class NameKeys:
    """The names a question mentions: Korean ones with their romanised spellings, and Latin ones."""

    korean: tuple[tuple[str, frozenset[str]], ...] = ()
    latin: frozenset[str] = frozenset()  # lower-cased; spellings of the Korean names are not repeated here
    # How much each name (a Korean name or a Latin key) says, by its rarity in the corpus (Index.names_in):
    # "Wonju", in one article, says more about where an answer is than "AI", in all of them. 1.0 when unweighed.
    weights: Mapping[str, float] = field(default_factory=dict, compare=False)

    def weight(self, key: str) -> float:
        return self.weights.get(key, 1.0)

    def __bool__(self) -> bool:
        return bool(self.korean or self.latin)

    def __len__(self) -> int:
        return len(self.korean) + len(self.latin)


def question_names(question: str, known: set[str] = frozenset()) -> NameKeys:
    """The names a question mentions, in the spellings an article may use (광주 -> gwangju); known: the
    corpus's name keys, which reveal Korean person's names the analyser missed (names.korean_names_in)."""
    # Capitalised words, not the one that opens a sentence ("When", "Who"); acronyms; Latin words in Korean.
    latin = {w.lower() for w in ENGLISH_NAME.findall(question) if len(w) > 1}
    korean = []
    if has_hangul(question):
        for name in korean_names_in(question, known):
            korean.append((name, romanizations(name) if len(name) <= 4 else frozenset()))
    spelled = set().union(*(spellings for _, spellings in korean)) if korean else set()
    return NameKeys(tuple(korean), frozenset(latin - spelled))


def latin_words(text: str) -> tuple[set[str], str]:
    """The text's Latin words, lower-cased, and the same glued together in order (for split names)."""
    ordered = " ".join(LATIN_WORD.findall(text)).lower().split()  # one lower() for all: the words are ASCII
    return set(ordered), "".join(ordered)


def name_overlap(keys: NameKeys, text: str, words: tuple[set[str], str] | None = None) -> float:
    """The share of the question's names (each counted once, in any spelling, by its weight) found in text.

    words: latin_words(text), when the caller keeps it for a text it asks about often.
    """
    if not keys:
        return 0.0
    words, glued = words or latin_words(text)
    found = sum(
        keys.weight(name) for name, spellings in keys.korean
        if name in text or not spellings.isdisjoint(words) or any(len(s) >= 5 and s in glued for s in spellings)
    )  # the glued text finds hyphenated spellings: "Yong-seop" for 이용섭
    found += sum(keys.weight(key) for key in keys.latin if key in words or (len(key) >= 5 and key in glued)
                 or any(stem in words for stem in word_stems(key)))  # Councillor: council
    total = sum(keys.weight(name) for name, _ in keys.korean) + sum(keys.weight(key) for key in keys.latin)
    return found / total if total > 0 else 0.0
