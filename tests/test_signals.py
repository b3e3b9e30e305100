"""signals.py row by row: figures, dates, people and headings in Korean and English text; the names a
question mentions (question_names) and the share of them a text mentions (name_overlap).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.names import romanizations
from assistant.signals import (
    NameKeys,
    figure_kinds,
    has_date,
    has_number,
    has_organisation,
    has_person,
    has_speech,
    has_year,
    is_heading,
    item_marks,
    latin_words,
    name_overlap,
    question_names,
    question_ordinal,
)
from assistant.terms import kiwi


@pytest.fixture(scope="module", autouse=True)
def _warm_kiwi():
    kiwi().tokenize("행사는 다음 달 열린다.")


def table(rows):
    """pytest.param rows from (id, *values) tuples."""
    return [pytest.param(*values, id=row_id) for row_id, *values in rows]


NUMBERS = [
    ("ko-people", "1,000명이 참석했다", True),
    ("ko-won", "예산은 400억 원", True),
    ("en-digits", "about 700 people were present", True),
    ("en-word", "three companies joined", True),
    ("en-percent", "up 12.5 percent from last year", True),
    ("en-none", "no figures here", False),
    ("ko-none", "시는 지역 대학과 협력한다", False),
    ("acronym-only", "GPT and AI", False),
]

DATES = [
    ("ko-full", "2020년 1월 29일", True),
    ("ko-last-day", "지난 29일 열렸다", True),
    ("ko-day", "행사는 29일 열렸다", True),
    ("ko-month-word", "3월 초", True),
    ("en-month-ordinal", "on January 29th", True),
    ("en-month-abbrev", "Jan. 29", True),
    ("en-relative", "last year", True),
    ("en-year", "in 2020", True),
    ("en-weekday", "on Monday", True),
    ("en-none", "no date", False),
    ("ko-none", "센터를 짓겠다고 밝혔다", False),
    # questionable: "1월에" (in January) is a date, but the \b after 월 fails before the particle 에.
    ("ko-month-with-particle", "1월에", True),
]

PEOPLE = [
    ("ko-name-role", "이용섭 시장은", True),
    ("ko-name-glued-role", "이용섭 광주시장은 말했다", True),
    ("ko-name-ssi", "홍길동 씨는", True),
    ("en-name-said", "Lee Yong-seop said", True),
    ("en-title-name", "Mayor Lee Yong-seop", True),
    ("en-name-comma", "Hong Giwol, a farmer", True),
    ("en-honorific", "Dr. Kim", True),
    ("en-minister", "Minister Choi Ki-young", True),
    ("en-institution", "the city said", False),
    ("ko-institution", "광주시는 밝혔다", False),
    ("en-capitalised-not-person", "The Harbor City opened", False),
]

HEADINGS = [
    ("en-headline", "Harbor city opens robotics laboratory", True),
    ("ko-headline", "부산시, 해양 데이터 센터 건립 추진", True),
    ("ko-quoted-headline", "“AI 시대 열렸다”", True),
    ("en-sentence", "The city opened a lab.", False),
    ("en-question", "Is this a question?", False),
    ("en-quoted-sentence", "He said “yes.”", False),
    ("ko-sentence-no-period", "센터를 짓겠다고 밝혔다", False),
    ("ko-sentence", "광주시는 발표했다.", False),
    ("too-long", "Harbor city opens robotics laboratory " * 3, False),
    ("headline-over-subheadline", "Harbor city opens robotics lab\n\nMayor promises 300 jobs by 2030", True),
    ("headline-over-body", "Harbor city opens robotics lab\n\nThe mayor promised 300 jobs by 2030.", False),
    ("pull-quote-lines-then-sentence", "산업 모델은\n\n전략적이고 개방적이며,\n\n구체적일 때 가능성이 높다.", False),
]


@pytest.mark.parametrize(("text", "expected"), table(NUMBERS))
def test_has_number(text, expected):
    assert has_number(text) is expected


@pytest.mark.parametrize(("text", "expected"), table(DATES))
def test_has_date(text, expected):
    assert has_date(text) is expected


YEARS = [
    ("en-year", "The forum was held on July 16, 2025.", True),
    ("ko-year", "2020년 1월 광주시는 선포식을 열었다.", True),
    ("ko-short-year", "지난 20년 8월 발언했다.", True),
    ("en-apostrophe-year", "the class of '24 graduated", True),
    ("en-month-day-only", "On August 28, the councillor spoke.", False),
    ("ko-month-day-only", "지난 8월 28일 5분 발언을 했다.", False),
    ("ko-duration", "지난 10년간 투자했다.", False),
    ("ko-span-after", "10년 후에는 달라진다.", False),
    ("ko-century", "100년 역사를 가진 도시", False),
    ("big-number", "1,221 AI specialists and 20245 visitors", False),
]


@pytest.mark.parametrize(("text", "expected"), table(YEARS))
def test_has_year(text, expected):
    assert has_year(text) is expected


@pytest.mark.parametrize(("text", "expected"), table(PEOPLE))
def test_has_person(text, expected):
    assert has_person(text) is expected


ORGANISATIONS = [
    ("en-corporation", "The city signed an MOU with Korea Electric Power Corporation and 12 others.", True),
    ("en-association", "It was co-hosted with the Korea Internet Corporations Association.", True),
    ("en-company-cloud", "Lim Kinam of Naver Cloud said so.", True),
    ("ko-hospital-with-particle", "연세대 원주세브란스기독병원을 주축으로 협약을 맺었다.", True),
    ("ko-company", "SK주식회사 등 17개사가 참여했다.", True),
    ("en-plain-sentence", "The city expects 7,000 new jobs over ten years.", False),
    ("en-lower-case-head", "a new data center will be built", False),
    ("ko-plain-sentence", "미래산업 발전기반을 조성하는 것은 결국 원주시의 몫이다.", False),
]


@pytest.mark.parametrize(("text", "expected"), table(ORGANISATIONS))
def test_has_organisation(text, expected):
    assert has_organisation(text) is expected


@pytest.mark.parametrize(("text", "expected"), table(HEADINGS))
def test_is_heading(text, expected):
    assert is_heading(text) is expected


# ---- question_names --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("question", "korean", "latin"),
    table([
        ("ko-place", "원주 AI 동맹에 몇 곳이 참여했어?", ["원주"], {"ai"}),
        ("ko-person", "이용섭 시장은 뭐라고 했어?", ["이용섭"], set()),
        ("ko-person-and-place", "이용섭 시장은 광주에서 뭐라고 했어?", ["이용섭", "광주"], set()),
        ("ko-latin-spelling-not-repeated", "광주 Gwangju 선포식에 몇 명 왔어?", ["광주"], set()),
        ("en-mid-sentence", "How many people attended the Gwangju AI ceremony?", [], {"gwangju", "ai"}),
        ("en-mixed-case-and-digits", "Did OpenAI and GPT4 matter?", [], {"openai", "gpt4"}),
        ("en-none", "when did it happen?", [], set()),
        ("en-opening-word-is-not-a-name", "What did they build?", [], set()),
    ]),
)
def test_question_names(question, korean, latin):
    keys = question_names(question)
    assert [name for name, _ in keys.korean] == korean
    assert keys.latin == frozenset(latin)
    assert all(key == key.lower() for key in keys.latin)
    assert len(keys) == len(korean) + len(latin)
    assert bool(keys) is bool(korean or latin)


def test_korean_names_carry_their_romanisations():
    keys = question_names("광주 AI 선포식에 몇 명 왔어?")
    (name, spellings), = keys.korean
    assert name == "광주"
    assert spellings == romanizations("광주")
    assert {"gwangju", "kwangju"} <= spellings


def test_romanised_spellings_are_not_repeated_in_latin():
    keys = question_names("광주 Gwangju Kwangju 선포식에 몇 명 왔어?")
    spelled = set().union(*(s for _, s in keys.korean))
    assert "gwangju" in spelled
    assert not keys.latin & spelled
    assert len(keys) == 1  # 광주 counted once, in any spelling


# questionable: a title word mid-sentence counts as a name ("mayor"), and the lower-case part of a
# hyphenated given name ("seop") is lost, so the article's own spelling finds only two of three.
def test_english_person_name_keys():
    keys = question_names("What did Mayor Lee Yong-seop say?")
    assert keys.latin == {"mayor", "lee", "yong"}
    assert name_overlap(keys, "Lee Yong-seop said") == pytest.approx(2 / 3)


# ---- name_overlap ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("question", "text", "share"),
    table([
        ("no-names", "when did it happen?", "anything at all", 0.0),
        ("ko-hangul", "광주 AI 선포식에 몇 명 왔어?", "광주 시민과 AI 기업이 모였다", 1.0),
        ("ko-romanised", "광주 AI 선포식에 몇 명 왔어?", "The AI ceremony in Gwangju", 1.0),
        ("ko-other-romanisation", "광주 AI 선포식에 몇 명 왔어?", "Kwangju hosted an AI ceremony", 1.0),
        ("ko-half", "광주 AI 선포식에 몇 명 왔어?", "Seoul hosted an AI ceremony", 0.5),
        ("ko-none-found", "광주 AI 선포식에 몇 명 왔어?", "부산에서 열린 행사", 0.0),
        ("ko-two-names-both", "이용섭 시장은 광주에서 뭐라고 했어?", "광주 시장 이용섭", 1.0),
        ("ko-two-names-one", "이용섭 시장은 광주에서 뭐라고 했어?", "Gwangju held a ceremony", 0.5),
        ("ko-person-glued-spelling", "이용섭 시장은 광주에서 뭐라고 했어?", "Lee Yongseop of Gwangju", 1.0),
        # questionable: the article's hyphenated spelling of 이용섭 is not found: Korean names are
        # looked up among whole words only, not in the glued text that finds split Latin names.
        ("ko-person-hyphenated-found", "이용섭 시장은 광주에서 뭐라고 했어?", "Mayor Lee Yong-seop of Gwangju", 1.0),
        ("en-word", "How many people attended the Gwangju ceremony?", "Gwangju held it", 1.0),
        ("en-case-insensitive", "How many people attended the Gwangju ceremony?", "GWANGJU held it", 1.0),
        ("en-hyphen-split-glued", "What did Yongseop say about it?", "Lee Yong-seop said", 1.0),
        ("en-space-split-glued", "What did Yongseop say about it?", "mayor lee yong seop said", 1.0),
        ("en-absent", "What did Yongseop say about it?", "The mayor said nothing", 0.0),
        ("en-short-not-glued", "Is the AI lab in Gwangju?", "Gwangju opened an A-I lab", 0.5),
        ("en-two-of-three", "Did OpenAI, Naver and Kakao sign?", "Naver and Kakao signed", 2 / 3),
    ]),
)
def test_name_overlap(question, text, share):
    assert name_overlap(question_names(question), text) == pytest.approx(share)


def test_name_overlap_counts_each_name_once():
    keys = question_names("광주 AI 선포식에 몇 명 왔어?")
    assert name_overlap(keys, "광주 Gwangju Kwangju 광주 AI AI") == 1.0


def test_name_overlap_uses_the_words_it_is_given():
    keys = question_names("What did Yongseop say about it?")
    text = "Lee Yong-seop said"
    assert name_overlap(keys, text, latin_words(text)) == 1.0
    # the cached words decide, not the text: they are the caller's promise about it
    assert name_overlap(keys, text, latin_words("nothing here")) == 0.0


def test_empty_keys_are_falsy_and_overlap_nothing():
    assert not NameKeys()
    assert len(NameKeys()) == 0
    assert name_overlap(NameKeys(), "Gwangju 광주") == 0.0


def test_latin_words():
    words, glued = latin_words("Lee Yong-seop, 광주 AI 2020!")
    assert words == {"lee", "yong", "seop", "ai", "2020"}
    assert glued == "leeyongseopai2020"


# The date pattern as a plain alternation (before each branch got its look-ahead): the reference.
PLAIN_DATE = re.compile(
    r"(?:19|20)\d{2}\s*(?:년|[-./])|\d{1,2}\s*월\s*\d{1,2}\s*일|\d{1,2}\s*(?:월|일)(?![가-힣]*[년월])|지난\s*\d+일|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}|\b(?:19|20)\d{2}\b|"
    r"\b(?:last|next|this) (?:year|month|week)|\b\d{1,2}(?:st|nd|rd|th)\b|\bon (?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)",
    re.IGNORECASE,
)
DATE_PIECES = ["2024", "1999", "년", "월", "일", "지난 ", "3", "12", " ", "-", ".", "/", "March", "mar", "JAN", "Sept",
               "on ", "Monday", "last ", "next ", "this ", "year", "week", "1st", "th", "a", "x", "가", "까지"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=12).map("".join))
def test_date_pattern_matches_exactly_what_the_plain_alternation_matched(text):
    from assistant.signals import DATE

    found, plain = DATE.search(text), PLAIN_DATE.search(text)
    assert (found.span() if found else None) == (plain.span() if plain else None)


@pytest.mark.parametrize(
    ("question", "ordinal"),
    [
        ("첫번째 제안은 뭔데", 1),
        ("두 번째 제안은 무엇입니까?", 2),
        ("셋째는?", 3),
        ("2번째 전략은?", 2),
        ("What was the fourth recommendation?", 4),
        ("and the 2nd one?", 2),
        ("세 지역이 협력하나요?", None),  # a count, not an item
        ("네 가지 전략이 뭐야", None),
        ("What did the mayor say?", None),
    ],
)
def test_question_ordinal(question, ordinal):
    assert question_ordinal(question) == ordinal


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("첫째, 목적을 구체화해야 한다. 둘째, 파트너십이다.", {1, 2}),
        ("Second, the city must act. Thirdly, it should invest.", {2, 3}),
        ("Steps:\n1. Plan the budget.\n2) Hire staff.", {1, 2}),
        ("③ 인재 양성", {3}),
        ("The second phase will cost more. He came first.", set()),  # ordinals inside a sentence start no item
        ("In 2024, the city invested 3.5 billion won.", set()),
    ],
)
def test_item_marks(text, marks):
    assert item_marks(text) == marks


def test_a_korean_question_finds_an_english_list_item():
    assert question_ordinal("두 번째 제안은?") in item_marks("First, plan. Second, build a council.")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("The city invested 426.9 billion won in the first phase.", {"money"}),
        ("총사업비 2조 원이 투입된다.", {"money"}),
        ("It will cost $400 million.", {"money"}),
        ("About 700 people attended, and 17 companies joined.", {"count", "people"}),
        ("The city announced four major strategies.", {"count"}),  # things counted, not people
        ("수료생 1,000명을 배출했다.", {"count", "people"}),
        ("기업 299개사가 협약을 맺었다.", {"count"}),
        ("Only 46.4% of graduates stayed.", {"percent"}),
        ("South Korea ranks sixth in the world.", {"rank"}),
        ("세계 6위 수준이다.", {"rank"}),
        ("김 의원(54세)은 이렇게 말했다.", {"age"}),
        ("The mayor, aged 61, spoke first.", {"age"}),
        ("The lab will sit on 46,200㎡ of land.", {"area"}),
        ("부지 3만 평에 단지를 짓는다.", {"area"}),
        ("10세대가 입주했다.", {"count"}),  # 세대 (households) is a count, not an age
        ("The alliance was declared in spring.", set()),
    ],
)
def test_figure_kinds(text, kinds):
    assert set(figure_kinds(text)) == kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Lim stressed, "AI projects can never be successful from the start."', True),
        ("He argued that the government should invest in infrastructure.", True),
        ("홍 의원은 인프라 집중이 필요하다고 강조했다.", True),
        ("“지역 인재를 지켜야 한다”", True),
        ("The city invested 426.9 billion won in the first phase.", False),
        ("원주시는 업무협약을 체결했다.", False),
    ],
)
def test_has_speech(text, expected):
    assert has_speech(text) is expected


def test_name_overlap_weighs_each_name():
    keys = question_names("Did OpenAI, Naver and Kakao sign?")
    weighted = replace(keys, weights={"openai": 3.0, "naver": 1.0, "kakao": 1.0})
    assert name_overlap(weighted, "Naver and Kakao signed") == pytest.approx(2 / 5)
    assert name_overlap(weighted, "OpenAI signed") == pytest.approx(3 / 5)


def test_a_title_is_found_through_the_word_it_derives_from():
    """"Councillor Hong Giwol" is named by an article that writes "City Council Member Hong Giwol", as
    names.unknown_names already counts it known; a short word is not cut down to another one."""
    keys = question_names("Which outlet reported Councillor Hong Giwol's speech?")
    assert name_overlap(keys, "Gwangju City Council Member Hong Giwol said") == 1.0
    assert name_overlap(question_names("Did Seoul say so?"), "Seo said so") == 0.0
