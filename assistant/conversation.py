"""Follow-up questions: an incomplete question is read together with the conversation before it.

"그럼 시장은 뭐라고 했어?" after "광주 AI 선포식에 몇 명 왔어?" is about the ceremony; searched alone it
is about any mayor. A question is a follow-up when it leans on what came before: it opens with a
connective (그럼, 그래서, "and", "what about"), points back with a demonstrative (그거, 거기, 그 사람,
"it", "they", "that", "the article"; opening on one, "그 사람이 ...", "Did he say ...?", even beside
other names), asks for an item of a list without naming the list ("두 번째는?",
"the first one"), names a new topic and asks nothing of it ("중국은?", "원주는 어때?"), adds something
with 도 ("과기부 장관도 왔어?": also, beside what came before), or is too short to stand alone, unless
it names its subject: a name the corpus knows ("임기남 누구임"), or a Korean question's opening Latin
word ("GIST 뭐임"). A
follow-up is searched together with the earlier question it continues (itself resolved the same way);
a self-contained question is left alone, whatever the history. One that is a follow-up only for
being short stays one only if the articles know something it asks about: "김치찌개 어떻게 끓여"
after "광주 날씨 어때?" is read alone (resolve's foreign check).

A follow-up's vector leans towards its own words: the context steers the search to the right article
and passage, the question picks what is asked of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .config import MAX_QUESTION_CHARS
from .intent import Intent, intent_of
from .language import has_hangul
from .names import ENGLISH_NAME
from .signals import NameKeys, question_names, question_ordinal
from .terms import analyze, tokenize

# Question words in Korean are pronouns too (뭐, 누구); only these point back at something said before.
KOREAN_DEMONSTRATIVES = frozenset("그 이 저 그거 그것 이거 이것 저거 저것 거기 여기 저기 그곳 이곳 그분 이분 그들 "
                                  "그때 해당 나머지".split())
# Words that always point back, even in a question that names its own subject ("한전 말고 나머지는?",
# "그중에 광주로 온 곳은?"): a part of something said before, or its time.
KOREAN_BACK_REFERENCES = frozenset("그중 이중 나머지 당시 그간 그외 걔 걔네 걔들".split())
# A connective opening the question, after an acknowledgement ("ㅇㅋ 그럼", "네, 그렇다면").
KOREAN_OPENERS = re.compile(r"^\W*(?:(?:ㅇㅋ|ㅇㅇ|오케이|오키|아하?|음+|네|응|좋아요?|알겠(?:어|습니다)|ok(?:ay)?)\W+)?"
                            r"(?:그렇다면|그러면|그렇담|그럼|그래서|근데|그런데|그리고|아니면|그러니까|그니까|그밖에|"
                            r"그\s*중|그\s*외)", re.IGNORECASE)
ENGLISH_OPENERS = re.compile(r"^\s*(and|also|so|then|but|what about|how about|and what about|what else|"
                             r"the (?:other|rest|same))\b", re.IGNORECASE)
ENGLISH_CLOSERS = re.compile(r"\b(?:then|instead)\s*\??\s*$", re.IGNORECASE)  # "who's second, then?"
# "did he say anything about AI?": a person pointed at, and no name but an acronym (AI, MOU, GPU), which
# names no subject of its own.
ENGLISH_PERSONS = frozenset("he him his she her hers".split())
ACRONYM = re.compile(r"[A-Z0-9]{2,5}")
OPENING_DETERMINERS = frozenset("그 이 저".split())  # "그 사람", "이 기사", "저 회사": pointing when a noun follows
BACK_REFERENCE_WORDS = 3  # a back-reference among a question's first words points before it ("그중에 ...")
ENGLISH_POINTERS = frozenset("it its it's they them their theirs he him his she her that those these this there "
                             "ones former latter".split())
# "according to the piece", "who wrote the article?": the article the conversation is about.
ENGLISH_DOCUMENT = re.compile(r"\bthe (?:article|piece|column|story|op-?ed|report|writer|author|columnist|reporter)\b",
                              re.IGNORECASE)
# "어때", "어떻습니까": all that may follow "X는" in "what about X" ("원주는 어때?", "중국의 경우는 어떻습니까?").
KOREAN_HOW_ABOUT = frozenset({"어떻", "어떠하", "어떠"})
# "the first one", "that one", "the other ones": a pronoun standing for something named before.
ENGLISH_ONE = re.compile(r"\b(?:first|second|third|fourth|fifth|last|next|other|same|that|this|which)\s+ones?\b",
                         re.IGNORECASE)
# A Korean question opening on a Latin word of four letters or more names its subject ("AIDC가 뭐야",
# "GIST 뭐임"): Korean has no capital to open a sentence with, so the word is a name. Shorter ones are
# mostly common acronyms that name no subject of their own ("AI 예산 얼마야?", "MOU 언제 맺었어?").
LEADING_LATIN = re.compile(r"^\W*([A-Za-z][A-Za-z0-9]{3,})(?![A-Za-z0-9])")
ACKNOWLEDGEMENTS = frozenset({"okay", "okey"})
MIN_TERMS = 3  # a question with fewer content terms than this rarely stands alone ("그래서 얼마?", "When?")
REACH_BACK = 4  # earlier questions a chain of follow-ups can reach back through
POINTS, SHORT = "points", "short"  # why a question leans on the conversation (_leaning)


def leans_on_history(question: str, known: set[str] = frozenset()) -> bool:
    """Whether the question needs the conversation before it to be understood.

    An opening connective always continues the conversation. A question that names its own topic
    stands alone, even with a pronoun in it ("How many companies joined the Wonju alliance, and what
    did they build?"), unless it opens on one ("그 사람이 ...", "Did he say ...?"); without a name, a
    pointer word or too few words lean back.
    """
    return _leaning(question, known) is not None


def _leaning(question: str, known: set[str]) -> str | None:
    """Why the question leans on the conversation: SHORT when only for having too few words to stand
    alone (nothing in it points back), "points" for any other reason; None when it stands alone."""
    korean = has_hangul(question)
    morphemes = analyze(question) if korean else ()
    if korean and ((morphemes and morphemes[0][1] == "MAJ") or KOREAN_OPENERS.match(question)):
        return POINTS  # 그럼, 그래서, 근데, 그렇다면
    if not korean and (ENGLISH_OPENERS.match(question) or ENGLISH_CLOSERS.search(question)):
        return POINTS  # "and", "what about"; "... then?"
    if korean and len(tokenize(question)) < MIN_TERMS and _what_about(morphemes):
        return POINTS  # "중국은?", "미국도?", "원주는 어때?": a name and nothing asked of it ("광주 AI 예산은?" asks)
    opening = " ".join(question.split()[:BACK_REFERENCE_WORDS])
    if korean and any(form in KOREAN_BACK_REFERENCES for form, _ in analyze(opening)):
        return POINTS  # "한전 말고 나머지는?" (not "기업 수와 그중 광주에 온 수")
    if _opens_pointing_back(question, morphemes):
        return POINTS  # "그 사람이 LLM은 ...", "거기 원주 얼라이언스에도 ...?", "Did he say Korea should ...?"
    names = question_names(question, known)  # known: the corpus's name keys reveal names the analyser missed
    if korean and _also(morphemes, names):
        return POINTS  # "과기부 장관도 왔어?", "삼성도 들어가 있어?": also, beside what was said before
    words = {w.lower() for w in re.findall(r"[A-Za-z']+", question)}
    if not korean and words & ENGLISH_PERSONS and all(ACRONYM.fullmatch(n) for n in ENGLISH_NAME.findall(question)):
        return POINTS
    if names:
        return None  # "임기남 누구임": it names its subject
    if not korean and (ENGLISH_ONE.search(question) or ENGLISH_DOCUMENT.search(question)):
        return POINTS
    if question_ordinal(question) is not None:
        return POINTS  # "두 번째 제안은?", "what's the third point?": an item of a list given before
    if korean:
        points = any(form in KOREAN_DEMONSTRATIVES and tag in ("NP", "MM", "NNG") for form, tag in morphemes)
    else:
        points = bool(words & ENGLISH_POINTERS)
    if points:
        return POINTS
    opening = LEADING_LATIN.match(question) if korean else None
    if opening and opening.group(1).lower() not in ACKNOWLEDGEMENTS:
        return None  # "GIST 뭐임", "AIDC가 뭐야": a short question naming its subject
    return SHORT if len(tokenize(question)) < MIN_TERMS else None


def _opens_pointing_back(question: str, morphemes: tuple[tuple[str, str], ...]) -> bool:
    """The question opens on a demonstrative ("그 사람이", "이 기사", "거기", "해당 기사") or has a person's
    pronoun among its first words ("Did he say ...?", "What did she propose ...?"): its subject is
    something said before, whatever else it names (a self-contained question does not open so)."""
    if morphemes:
        words = [(form, tag) for form, tag in morphemes if not tag.startswith("S") or tag in ("SL", "SH", "SN")]
        if not words:
            return False
        form, tag = words[0]
        if form in OPENING_DETERMINERS and tag in ("MM", "IC"):
            return len(words) > 1 and words[1][1].startswith("N")  # 그 사람, 이 기사 (not 그래, 이제)
        return form in KOREAN_DEMONSTRATIVES and form not in OPENING_DETERMINERS and tag in ("NP", "NNG")
    opening = {w.lower() for w in re.findall(r"[A-Za-z']+", question)[:BACK_REFERENCE_WORDS]}
    return bool(opening & ENGLISH_PERSONS)


def _also(morphemes: tuple[tuple[str, str], ...], names: NameKeys) -> bool:
    """A Korean question that adds something with the particle 도 (also, too) after a noun, naming at
    most that one thing: in a conversation it presupposes what came before ("과기부 장관도 왔어?",
    "삼성도 들어가 있어?"), where "광주 AI 선포식에 대통령도 왔어?" names its own topic besides."""
    if not any(form == "도" and tag == "JX" and i > 0 and morphemes[i - 1][1].startswith(("N", "SL", "SH"))
               for i, (form, tag) in enumerate(morphemes)):
        return False
    return len(names.korean) + len(names.latin) <= 1


def _what_about(morphemes: tuple[tuple[str, str], ...]) -> bool:
    """A Korean question that ends on a topic particle ("중국은?", "미국도?"), or on one followed by
    nothing but "how is it" ("원주는 어때?"): it asks what was asked before, of another topic."""
    words = [(form, tag) for form, tag in morphemes if not tag.startswith("S")]  # no punctuation or symbols
    last = max((i for i, (_, tag) in enumerate(words) if tag == "JX"), default=None)
    if last is None or last == 0 or not words[last - 1][1].startswith(("N", "SL", "SH", "SN")):
        return False  # the polite 요 after an ending ("뭔가요?") is tagged a particle too
    rest = words[last + 1 :]
    return not rest or (rest[0][0] in KOREAN_HOW_ABOUT and all(tag.startswith("E") for _, tag in rest[1:]))


@dataclass(frozen=True)
class Turn:
    """A question as it is searched: the question itself and, for a follow-up, the context it continues."""

    question: str
    context: str | None = None  # the earlier question(s) a follow-up leans on, already resolved
    earlier: tuple[str, ...] = ()  # those earlier questions one by one, the latest first

    @property
    def text(self) -> str:
        """Context and question as one text (what lexical search and the answer report use)."""
        return f"{self.context} {self.question}"[-MAX_QUESTION_CHARS:] if self.context else self.question


def resolve(question: str, history: Sequence[str], known: set[str] = frozenset(),
            foreign: Callable[[str], bool] | None = None) -> Turn:
    """The question, with the earlier question it continues when it is a follow-up (known: the corpus's
    name keys, see leans_on_history). foreign: whether a question asks about nothing the articles know;
    one that leans back only for being short, with nothing in it pointing back, is then read alone
    ("김치찌개 어떻게 끓여" after "광주 날씨 어때?"), and so are earlier turns the chain reaches back through."""
    earlier = [h.strip() for h in history if isinstance(h, str) and h.strip()][-REACH_BACK:]
    why = _leaning(question, known) if earlier else None
    if why == SHORT and foreign is not None and foreign(question):
        why = None
    if why is None:
        return Turn(question)
    previous = resolve(earlier[-1], earlier[:-1], known, foreign)
    return Turn(question, previous.text, (previous.question, *previous.earlier))


def asked_before(turn: Turn, intent: Intent) -> Intent:
    """What a follow-up that asks nothing of its own ("시장은?", "And Wonju?") asks: what the latest earlier
    question that asked something did ("장관은 뭐래?" after "몇 명 왔어?": what the mayor said, not how
    many), with the follow-up's own list item ("두 번째는?"). The intent itself when none asked anything."""
    earlier = next((found for found in map(intent_of, turn.earlier) if found.kinds), None)
    if earlier is None:
        return intent
    return replace(earlier, ordinal=earlier.ordinal if intent.ordinal is None else intent.ordinal)
