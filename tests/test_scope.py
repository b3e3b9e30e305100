"""covered, row by row: the best dense similarity among the hits against ANSWER_THRESHOLD, and, between
it and UNKNOWN_NAME_THRESHOLD, names in the question that no article mentions."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.names import Names
from assistant.records import Hit
from assistant.scope import ANSWER_THRESHOLD, SCOPE_FEATURES, UNKNOWN_NAME_THRESHOLD, covered, names_only, unrelated
from assistant.signals import question_names
from assistant.terms import kiwi

LOW = ANSWER_THRESHOLD
HIGH = UNKNOWN_NAME_THRESHOLD
MIDDLE = (LOW + HIGH) / 2
KNOWN = Names({"gwangju", "lee", "yong", "seop", "yongseop", "leeyongseop", "ai", "robot", "city"})
KOREAN_TEXT = "광주시는 로봇 산업을 키운다."
KNOWN_QUESTION = "What did Gwangju say about AI?"
UNKNOWN_QUESTION = "What did Daegu say about AI?"  # Daegu: no article mentions it


@pytest.fixture(scope="module", autouse=True)
def _warm_kiwi():
    """Load the Korean analyser and run it once (about a second), so no single test pays for it."""
    kiwi().tokenize("대구의 로봇 산업은?")


def hits(*dense: float | None) -> list[Hit]:
    """Hits in the given order, fused scores falling, with the given dense similarities."""
    return [Hit(passage_id=i, score=1.0 - i / 10, dense=d, lexical=3.0 if d is None else None) for i, d in enumerate(dense)]


@pytest.mark.parametrize(
    "retrieved, question, expected",
    [
        pytest.param([], KNOWN_QUESTION, False, id="no-hits"),
        pytest.param(hits(0.10), KNOWN_QUESTION, False, id="well-below-threshold"),
        pytest.param(hits(LOW - 0.001), KNOWN_QUESTION, False, id="just-below-threshold"),
        pytest.param(hits(LOW), KNOWN_QUESTION, True, id="at-threshold-known-names"),
        pytest.param(hits(MIDDLE), KNOWN_QUESTION, True, id="between-thresholds-known-names"),
        pytest.param(hits(MIDDLE), "How do cities use robots?", True, id="between-thresholds-no-names"),
        pytest.param(hits(MIDDLE), UNKNOWN_QUESTION, False, id="between-thresholds-unknown-name"),
        pytest.param(hits(LOW), UNKNOWN_QUESTION, False, id="at-threshold-unknown-name"),
        pytest.param(hits(HIGH - 0.001), UNKNOWN_QUESTION, False, id="just-below-high-threshold-unknown-name"),
        pytest.param(hits(HIGH), UNKNOWN_QUESTION, True, id="at-high-threshold-unknown-name"),
        pytest.param(hits(0.85), UNKNOWN_QUESTION, True, id="above-high-threshold-unknown-name"),
        pytest.param(hits(0.10, MIDDLE), KNOWN_QUESTION, True, id="best-hit-second-in-list"),
        pytest.param(hits(0.10, 0.05, 0.70), UNKNOWN_QUESTION, True, id="best-hit-last-above-high-threshold"),
        pytest.param(hits(0.10, 0.05, MIDDLE), UNKNOWN_QUESTION, False, id="best-hit-last-between-unknown-name"),
        pytest.param(hits(None, None), KNOWN_QUESTION, False, id="lexical-only-hits-count-as-zero"),
        pytest.param(hits(None, MIDDLE), KNOWN_QUESTION, True, id="lexical-only-hit-beside-a-dense-one"),
        pytest.param(hits(MIDDLE), "광주의 로봇 산업은?", True, id="korean-between-known-name"),
        pytest.param(hits(MIDDLE), "대구의 로봇 산업은?", False, id="korean-between-unknown-name"),
        pytest.param(hits(0.70), "대구의 로봇 산업은?", True, id="korean-above-high-unknown-name"),
        pytest.param(hits(0.10), "광주의 로봇 산업은?", False, id="korean-below-threshold-known-name"),
    ],
)
def test_covered(retrieved, question, expected):
    assert covered(question, retrieved, KNOWN, KOREAN_TEXT) is expected


@pytest.mark.parametrize(
    ("question", "greeting"),
    [("안녕하세요", True), ("안녕하세요!!", True), ("고마워요~", True), ("thanks!", True), ("Hello", True),
     ("감사합니다 ^^", True), ("안녕하세요 광주 AI 선포식은 언제 열렸어요?", False),
     ("hi, how much did Gwangju invest?", False), ("하이닉스", False), ("Hello there", False)],
)
def test_small_talk_is_a_greeting_or_thanks_and_nothing_more(question, greeting):
    from assistant.intent import small_talk

    assert small_talk(question) is greeting


@pytest.mark.parametrize("greeting", ["안녕하세요", "고맙습니다!", "thanks"])
def test_a_greeting_is_not_answered_with_quotes(seed_index, greeting):
    """"안녕" lands near "well" in the term bridge and a passage would follow as an answer; a greeting
    asks nothing of the articles. Its nearest passages are still shown, as related reading."""
    answer = seed_index.ask(greeting)
    assert answer.answered is False
    assert not any(c.answers for c in answer.citations)
    assert seed_index.ask("안녕하세요, 광주 AI 선포식은 언제 열렸어요?").answered is True


def test_thresholds_are_ordered():
    """The table assumes a band between the two thresholds."""
    assert 0 < ANSWER_THRESHOLD < MIDDLE < UNKNOWN_NAME_THRESHOLD < 1


def test_order_of_hits_does_not_matter():
    retrieved = hits(0.10, MIDDLE, 0.05)
    for question in (KNOWN_QUESTION, UNKNOWN_QUESTION):
        expected = covered(question, retrieved, KNOWN, KOREAN_TEXT)
        assert covered(question, list(reversed(retrieved)), KNOWN, KOREAN_TEXT) is expected
        assert covered(question, sorted(retrieved, key=lambda h: h.dense), KNOWN, KOREAN_TEXT) is expected



@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("홍기월", True, id="ko-name-alone"),
        pytest.param("홍기월 누구?", True, id="ko-name-and-question-word"),
        pytest.param("Lim Kinam?", True, id="en-name-opening-the-question"),
        pytest.param("who is Han Minsu", True, id="en-who-is"),
        pytest.param("홍기월 의원 나이 몇살이야?", False, id="ko-name-and-what-is-asked"),
        pytest.param("How old is Han Minsu?", False, id="en-name-and-what-is-asked"),
        pytest.param("누구야?", False, id="no-name"),
    ],
)
def test_names_only(question, expected):
    known = {"honggiwol"}  # the corpus spells 홍기월 as Hong Giwol: alone, the analyser misses the name
    assert names_only(question, question_names(question, known)) is expected


@pytest.mark.parametrize(
    ("question", "source"),
    [
        pytest.param("Lim Kinam?", "002_", id="en-person"),
        pytest.param("홍기월", "001_", id="ko-person-cut-short-by-the-analyser"),
        pytest.param("이용섭", "004_", id="ko-person-in-an-english-article"),
    ],
)
def test_a_question_of_names_the_articles_mention_is_answered(seed_index, question, source):
    answer = seed_index.ask(question)
    assert answer.answered
    assert answer.citations[0].source.startswith(source)


def test_a_question_of_a_name_no_article_mentions_is_declined(seed_index):
    assert not seed_index.ask("강기정").answered


def test_a_byline_question_about_an_identified_article_is_answered(seed_index):
    answer = seed_index.ask("which paper ran the hong giwol story?")  # typed in lower case
    assert answer.answered and answer.citations[0].source.startswith("001_")
    assert answer.byline and answer.byline.get("outlet")


@pytest.mark.parametrize(
    ("best_dense", "coverage", "expected"),
    [
        pytest.param(0.16, 0.0, True, id="dissimilar-and-no-word-shared"),
        pytest.param(0.16, 0.5, False, id="dissimilar-but-words-shared"),
        pytest.param(0.40, 0.0, False, id="similar-without-shared-words"),
    ],
)
def test_unrelated(best_dense, coverage, expected):
    x = np.zeros(len(SCOPE_FEATURES))
    x[SCOPE_FEATURES.index("best_dense")] = best_dense
    x[SCOPE_FEATURES.index("term_coverage")] = coverage
    assert unrelated(x) is expected


def test_an_unrelated_question_is_declined(seed_index):
    assert not seed_index.ask("김치찌개 맛있게 끓이는 법 알려줘").answered


def test_an_organisation_is_an_answer_to_who(seed_index):
    """"Who" asks for a person or an organisation: the sentence naming the hospital at the centre of the
    Wonju alliance answers "which institution leads it?" as much as a person's name would."""
    from assistant.scope import answer_sentence

    c = seed_index.candidates("Which institution leads the Wonju AI alliance, and which firms take part?")
    hits, _ = c.ranking()
    own = seed_index.index.bridge.translations_of(c.text, c.language)
    assert c.intent.wants("who") and answer_sentence(hits[:3], c.index, c.intent, own) > 0.3
