"""What a question asks for: a figure, a person, a time, a place, a summary, or the article's byline.

The answer type decides which sentences can answer at all: "몇 명…" wants a sentence with a number,
"누가…" one that names someone, "요약해줘" the article's thesis. Cues are the languages' own question
words, not anything about a particular article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import has_hangul
from .signals import figure_kinds, has_date, has_number, has_year, question_ordinal

CUES: dict[str, dict[str, re.Pattern]] = {
    "figure": {
        "ko": re.compile(r"얼마|몇\s*(?:명|개|곳|%|퍼|프로|억|조|만|원|배|년|차|위|건|호|기수)?|"
                         r"(?<!대)규모|액수|금액|비율|비중|퍼센트|예산|사업비|인원|수치|나이|연세|면적|넓이"),
        "en": re.compile(r"\bhow (?:much|many|large|big|old)\b|\bwhat (?:share|percentage|proportion|amount|number|"
                         r"budget|size|scale|age|area)\b|\bnumber of\b|\bpercent", re.IGNORECASE),
    },
    "when": {
        # not the 시기 of "알려 주시기 바랍니다" (please tell me) nor the 일정 of "일정한" (steady)
        "ko": re.compile(r"언제|며칠|몇\s*(?:월|일|년도)|날짜|시기(?!\s*(?:를\s*)?바[라랍란])|일정(?![하한히])"),
        "en": re.compile(r"\bwhen\b|\bwhat (?:date|day|year|month|time)\b|\bwhich (?:date|day|year|month)\b",
                         re.IGNORECASE),
    },
    "who": {
        "ko": re.compile(r"누구|누가|어떤\s*(?:사람|인물|의원|분(?![야석량류담산]))|누군|성함|이름"),
        "en": re.compile(r"\bwho\b|\bwhose\b|\bwhich (?:person|official|lawmaker|member|company|companies|"
                         r"organi[sz]ation|institution)\b|\bname of\b", re.IGNORECASE),
    },
    "where": {
        "ko": re.compile(r"어디(?!서\s*(?:썼|쓴))|장소|지역구|위치"),
        "en": re.compile(r"\bwhere\b|\bwhich (?:city|region|place|district|venue)\b", re.IGNORECASE),
    },
    "said": {  # what someone said, argued or proposed: answered by their words, quoted or reported
        "ko": re.compile(r"뭐라(?:고)?|뭐래|뭐랬|발언|말했|말한|말씀|(?:얘|이야)기(?:했|한|하)|주장|강조|언급|"
                         r"밝혔|밝힌|입장|의견|제안|제언|촉구|당부|지적"),
        "en": re.compile(r"\bsa(?:y|id|ys)\b|\bargu|\bclaim|\bstress|\bemphasi[sz]|\bsuggest|\bpropos|\burg(?:e|ed)\b|"
                         r"\bcall(?:s|ed)? for\b|\bposition\b|\bstance\b|\bview\b|\bopinion\b|\brecommend",
                         re.IGNORECASE),
    },
    "summary": {
        "ko": re.compile(r"요약|핵심|요지|주장|논지|주된\s*내용|무슨\s*내용|줄거리|한\s*줄로|간단히\s*정리|정리해"),
        "en": re.compile(r"\bsummar|\bmain (?:point|argument|idea|message|claim)|\bgist\b|\bin short\b|"
                         r"\bkey (?:point|message|argument)|"
                         r"\bwhat is (?:it|the (?:article|piece|op-ed|column)) about\b|"
                         r"\bthesis\b|\btl;?dr\b", re.IGNORECASE),
    },
    "meta": {
        "ko": re.compile(r"기자|작성자|필자|글쓴이|쓴\s*사람|누가\s*(?:썼|씀|쓴|작성)|어디서\s*(?:썼|쓴|냈|낸|보도)|"
                         r"언론사|매체|신문사|보도한|게재|발행|작성일|기사\s*날짜|"
                         r"언제\s*(?:쓴|썼|나온|나왔|실린|실렸|올라온|올라왔|올린|올렸|게시)"),
        "en": re.compile(r"\b(?:who|which (?:reporter|journalist|writer))\s+(?:wrote|authored|reported|penned)\b|"
                         r"\bauthor\b|\bbyline\b|"
                         r"\b(?:which|what) (?:news |media )?(?:outlet|newspaper|paper|publication|media)\b|"
                         r"\bpublished (?:by|in|on|when)\b|\bpublication date\b|"
                         # when the story itself appeared: "When was the Wonju column published?"
                         r"\b(?:when|(?:what|which) (?:date|day)) (?:was|were|did|is)\b[^?]{0,80}?"
                         r"\b(?:it|article|piece|column|op-?ed|story|report|contribution|commentary|editorial)\b"
                         r"[^?]{0,80}?\b(?:published|written|posted|released|come out|came out|"
                         r"approved for publication)\b", re.IGNORECASE),
    },
}
KINDS = tuple(CUES)
# A greeting or thanks and nothing else ("안녕하세요", "고마워요!", "thanks"): it asks nothing of the
# articles, however the term bridge reads its word (안녕 lands near "well").
SMALL_TALK = re.compile(r"^[\W_]*(?:(?:안녕(?:하세요|하십니까|하세여|하신가요)?|하이|헬로|반가워요?|반갑습니다|"
                        r"고마워요?|고맙습니다|감사(?:합니다|해요|드립니다)|ㄳ|ㄱㅅ|수고(?:하세요|하셨습니다)|"
                        r"hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|bye|goodbye)[\W_]*)+$",
                        re.IGNORECASE)
# What a question asks of the byline itself (a name, an outlet, a date), beside naming its author.
BYLINE_ASKED = {
    "ko": re.compile(r"누가|누구|이름|성함|언론사|매체|신문사|어디서|언제|날짜|게재|발행"),
    "en": re.compile(r"\bwho\b|\bwhich\b|\bname\b|\boutlet|\bnewspaper|\bpublicat|\bpublished\b|\bwhen\b|"
                     r"\bdate\b", re.IGNORECASE),
}
# A question asking which year: answered by a sentence that states one, not by a month and day alone
# (news stories often leave the year to their dateline).
YEAR_ASKED = {
    "ko": re.compile(r"몇\s*년(?:도|에(?!\s*걸))|연도(?!\s*별)"),
    "en": re.compile(r"\b(?:what|which) year\b", re.IGNORECASE),
}
# Which kind of figure a figure question wants (signals.FIGURE_KINDS says which a sentence states).
FIGURE_CUES: dict[str, dict[str, re.Pattern]] = {
    "money": {
        "ko": re.compile(r"얼마(?!나\s*(?:많|오래|걸))|예산|사업비|투자금|투자액|금액|액수|비용|돈"),
        "en": re.compile(r"\bhow much\b|\bbudget|\bcost|\bfund|\binvest|\bspend|\bworth\b|\bprice", re.IGNORECASE),
    },
    "count": {
        "ko": re.compile(r"몇\s*(?:명|개|곳|군데|건|사|社)|인원|얼마나\s*많"),
        "en": re.compile(r"\bhow many\b|\bnumber of\b", re.IGNORECASE),
    },
    "people": {
        "ko": re.compile(r"몇\s*명|인원|참석자\s*수|참가자\s*수|사람\s*(?:수|몇)"),
        "en": re.compile(r"\bhow many (?:[A-Za-z-]+\s+)?(?:people|persons|attendees|participants|residents|"
                         r"citizens|students|graduates|experts|professionals|specialists|workers|employees|members|"
                         r"officials|visitors)\b|"
                         r"\bnumber of (?:people|attendees|participants|graduates|experts|specialists|workers)\b",
                         re.IGNORECASE),
    },
    "percent": {
        "ko": re.compile(r"비율|비중|몇\s*(?:%|퍼|프로)|퍼센트"),
        "en": re.compile(r"\bpercent|\brate\b|\bshare\b|\bproportion", re.IGNORECASE),
    },
    "age": {
        "ko": re.compile(r"나이|몇\s*살|연세"),
        "en": re.compile(r"\bhow old\b|\bage\b", re.IGNORECASE),
    },
    "area": {
        "ko": re.compile(r"면적|넓이|몇\s*(?:평|제곱|㎡|헥타르)"),
        "en": re.compile(r"\barea\b|\bsquare (?:met|kilomet|feet|mile)|\bhectare|\bacre|\bhow (?:big|large) is the "
                         r"(?:site|plot|land|area)\b", re.IGNORECASE),
    },
    "rank": {
        "ko": re.compile(r"몇\s*위|순위|등수"),
        "en": re.compile(r"\brank|\bwhat place\b|\bposition\b", re.IGNORECASE),
    },
}


def small_talk(question: str) -> bool:
    """The question is a greeting or thanks and nothing more."""
    return bool(SMALL_TALK.match(question.strip()))


@dataclass(frozen=True)
class Intent:
    """The answer types a question asks for (several may hold: 'who wrote it, and when?')."""

    kinds: frozenset[str]
    ordinal: int | None = None  # the item of a list the question asks for ("the second proposal")
    figures: frozenset[str] = frozenset()  # for a figure question: money, count, people, percent, age, area, rank
    year: bool = False  # a "when" question asking which year

    def wants(self, kind: str) -> bool:
        return kind in self.kinds

    def date_in(self, text: str, date: bool | None = None) -> bool:
        """The question wants a time and text states one: a year when the question asks which year (a
        month and day alone do not answer it), else any date (date: whether text holds one, if known)."""
        if not self.wants("when"):
            return False
        if self.year:
            return has_year(text)
        return has_date(text) if date is None else date

    def figure_in(self, text: str, number: bool | None = None) -> bool:
        """The question wants a figure and text states one: of the kind asked when the question says
        (a sum, a count, of people too, a share, an age, an area, a rank), else any number (number: whether text holds
        one, if known)."""
        if not self.wants("figure"):
            return False
        if self.figures:
            return self.figures <= figure_kinds(text)
        return has_number(text) if number is None else number


def intent_of(question: str) -> Intent:
    lang = "ko" if has_hangul(question) else "en"
    kinds = {kind for kind, by_lang in CUES.items() if by_lang[lang].search(question)}
    year = bool(YEAR_ASKED[lang].search(question))
    if year:  # "몇 년도에 열렸어?" asks when; a figure only if asked besides ("몇 년도에 몇 명 왔어?")
        rest = YEAR_ASKED[lang].sub(" ", question)
        kinds = {kind for kind in kinds if kind != "figure" or CUES["figure"][lang].search(rest)} | {"when"}
    if "meta" in kinds and "said" in kinds and not BYLINE_ASKED[lang].search(question):
        kinds.discard("meta")  # "what does the author argue?" asks for the argument, not the byline
    if "meta" in kinds:
        kinds -= {"who", "when", "where"}  # "who wrote it" asks for the byline, not a person in the story
    figures = frozenset(kind for kind, by_lang in FIGURE_CUES.items() if by_lang[lang].search(question))
    return Intent(frozenset(kinds), question_ordinal(question), figures if "figure" in kinds else frozenset(), year)
