"""Follow-up questions: which questions lean on the conversation (leans_on_history), and how a
follow-up is read together with the earlier question it continues (resolve, Turn.text).
"""

from __future__ import annotations

import pytest

from assistant import config
from assistant.conversation import REACH_BACK, Turn, asked_before, leans_on_history, resolve
from assistant.intent import intent_of
from assistant.terms import kiwi

BASE = "광주 AI 선포식에 몇 명 왔어?"


@pytest.fixture(scope="module", autouse=True)
def _warm_kiwi():
    """Load the Korean analyser once, so no single test pays for it."""
    kiwi().tokenize("행사는 다음 달 열린다.")


LEANS = [
    # (id, question) -- each needs the conversation before it
    # Korean openers (connectives)
    ("ko-opener-geureom", "그럼 시장은 뭐라고 했어?"),
    ("ko-opener-geunde", "근데 예산은 얼마야?"),
    ("ko-opener-geuraeseo", "그래서 몇 명 왔어?"),
    ("ko-opener-geureotamyeon", "그렇다면 타 지역으로 빠져나간 비율은 얼마입니까?"),  # 그렇+다면, not a connective to Kiwi
    ("ko-opener-after-ok", "ㅇㅋ 그럼 오늘 행사 참석자는?"),
    # Korean back-references, named subject or not
    ("ko-back-reference-geujung-named", "그중에 진짜 광주로 들어온 데는 몇개?"),
    ("ko-back-reference-nameoji-named", "한전 말고 나머지는 어디어디야?"),
    ("ko-back-reference-dangsi", "당시 행사 참석 인원은 어느 정도였습니까?"),
    # Korean demonstratives
    ("ko-demonstrative-geugeo", "그거 언제 했어?"),
    ("ko-demonstrative-geogi", "거기 어디야?"),
    ("ko-demonstrative-geu-saram", "그 사람 누구야?"),
    ("ko-demonstrative-geubun", "그분은 뭐라고 했어?"),
    ("ko-demonstrative-igeo", "이거 누가 썼어?"),
    ("ko-demonstrative-geugot-long", "그곳 행사 참석자는 몇 명이었어?"),
    ("ko-demonstrative-geu-long", "그 행사 참석자는 몇 명이었어?"),
    ("ko-demonstrative-geudeul-long", "그들 기업 참여 규모는 얼마야?"),
    # Korean short questions
    ("ko-short-eolma", "얼마야?"),
    ("ko-short-eonje", "언제?"),
    ("ko-short-mayor", "시장은 뭐라고 했어?"),
    ("ko-short-remaining", "나머지는?"),
    # English openers
    ("en-opener-and", "And the budget?"),
    ("en-opener-and-who", "And who paid?"),
    ("en-opener-what-about", "What about the mayor?"),
    ("en-opener-how-about-named", "How about Busan?"),
    ("en-opener-also", "Also, who paid?"),
    ("en-opener-then", "Then what happened to the drones?"),
    ("en-opener-the-other", "The other ones?"),
    ("en-closer-then", "who's first and second then?"),
    ("en-person-pointed-at-acronym-only", "did he say anything about exporting AI?"),
    # English pointers
    ("en-pointer-they", "What did they build?"),
    ("en-pointer-it", "How much did it cost?"),
    ("en-pointer-it-lower", "who wrote it?"),
    ("en-pointer-they-it", "Did they finish it?"),
    # English short questions
    ("en-one-first", "What does the first one actually involve?"),
    ("en-the-piece", "What should the cooperation produce, according to the piece?"),
    ("en-the-author", "Who does the author blame?"),
    ("ko-what-about-name", "중국은?"),
    ("ko-what-about-also", "그럼 미국도?"),
    ("ko-what-about-how", "원주는 어때?"),
    ("ko-what-about-case", "중국의 경우는 어떻습니까?"),
    ("en-one-that", "How big is that one?"),
    ("ko-list-item", "두 번째 제안은 뭐야?"),
    ("en-list-item", "What is the third recommendation?"),
    ("en-short-when", "When?"),
    ("en-short-who", "Who?"),
    ("en-short-why", "Why?"),
    ("ko-also-one-name", "과기부 장관도 왔어?"),  # 도: also, beside what came before
    ("ko-also-company", "삼성도 들어가 있어?"),
    # Opening on a demonstrative or a person's pronoun: the subject was named before, whatever else is named
    ("ko-opens-geu-saram-named", "그 사람이 GPU 구매는 어느 기업에 맡기자고 했어?"),
    ("ko-opens-geogi-named", "거기 부산 데이터센터에도 참여하고 있습니까?"),
    ("ko-opens-i-gisa", "이 기사 누가 썼어?"),
    ("en-opens-person-named", "Did he say Gwangju needs the AI computing centre?"),
    ("en-opens-person-named-countries", "What did she say about Japan and China?"),
]

STANDS_ALONE = [
    # (id, question) -- each names its own topic
    ("ko-named", BASE),
    ("ko-named-with-demonstrative", "광주 AI 선포식에서 그 시장은 뭐라고 했어?"),
    ("ko-named-busan", "부산시 해양 데이터 센터는 언제 짓나요?"),
    ("ko-named-busan-trainees", "부산 해양 데이터 센터 교육생은 언제 선발해?"),
    ("ko-long-no-name", "드론 방제 비용은 얼마나 드나요?"),
    ("en-named-with-pronoun", "How many companies joined the Wonju alliance, and what did they build?"),
    ("en-named", "How many people attended the Gwangju AI ceremony?"),
    ("en-long-no-name", "What did the mayor say about robots in the harbor city?"),
    ("en-long-when", "When did the ceremony take place?"),
    ("en-long-where", "Where is the harbor city lab?"),
    ("en-long-lower", "how many drones do farmers in the southern province rent?"),
    ("ko-back-reference-later-in-the-question", "광주시와 협약한 기업 수와 그중 실제로 광주에 온 기업 수는?"),
    ("en-too-closer-named", "Is Naver Cloud part of the Wonju alliance too?"),
    ("en-which-one-named", "With how many groups did Gwangju sign an MOU, and which one is named?"),
    ("en-the-article-named", "Who wrote the article on the Wonju alliance?"),
    ("ko-polite-yo-after-ending", "국가 AI 컴퓨팅센터 사업 규모가 얼마나 되는 건가요?"),
    ("ko-topic-then-question", "중국은 AI에 얼마를 투자한다고 했어?"),
    ("ko-noun-phrase-question", "광주 AI 선포식 참석자 수는?"),
    ("ko-list-item-named", "김장기 박사의 두 번째 제안은 뭐야?"),
    ("ko-also-with-its-own-topic", "광주 AI 선포식에 대통령도 참석했나요?"),
    ("ko-also-beside-other-names", "원주 AI 얼라이언스에 삼성도 들어가 있어?"),
    ("ko-geu-as-interjection", "그래 광주 AI 선포식은 언제 열렸어?"),
    ("ko-i-as-time", "이제 광주 AI 선포식 참석자는 몇 명이야?"),
    ("en-person-later-named", "How many people did the mayor say he expects at the Gwangju AI ceremony?"),
]


@pytest.mark.parametrize("question", [r[1] for r in LEANS], ids=[r[0] for r in LEANS])
def test_leans_on_history(question):
    assert leans_on_history(question) is True


@pytest.mark.parametrize("question", [r[1] for r in STANDS_ALONE], ids=[r[0] for r in STANDS_ALONE])
def test_stands_alone(question):
    assert leans_on_history(question) is False


# 그때, 해당 and 나머지 point back although Kiwi tags them as nouns (NNG).
@pytest.mark.parametrize(
    "question",
    ["그때 행사 참석자는 몇 명이었어?", "해당 사업 예산은 얼마야?", "나머지 기업 참여 규모는 얼마야?"],
    ids=["geuttae", "haedang", "nameoji"],
)
def test_noun_tagged_demonstratives_point_back(question):
    assert leans_on_history(question) is True


# ---- resolve ---------------------------------------------------------------------------------

@pytest.mark.parametrize("history", [[], (), ["", "   "], [None, 5]], ids=["empty-list", "empty-tuple", "blanks",
                                                                            "non-text"])
def test_no_history_leaves_the_question_alone(history):
    turn = resolve("그럼 시장은 뭐라고 했어?", history)
    assert turn == Turn("그럼 시장은 뭐라고 했어?")
    assert turn.context is None
    assert turn.text == "그럼 시장은 뭐라고 했어?"


@pytest.mark.parametrize(
    ("question", "history", "context"),
    [
        ("그럼 시장은 뭐라고 했어?", [BASE], BASE),
        ("What about the mayor?", ["How many people attended the Gwangju AI ceremony?"],
         "How many people attended the Gwangju AI ceremony?"),
        # only the last earlier question is continued
        ("근데 언제였어?", ["부산시 해양 데이터 센터는 언제 짓나요?", BASE], BASE),
        # blank and non-text items are skipped, whitespace is trimmed
        ("근데 언제였어?", [f"  {BASE}  ", "  ", "", None, 5], BASE),
    ],
    ids=["ko-followup", "en-followup", "last-question", "blank-items-ignored"],
)
def test_followup_context_is_the_previous_question(question, history, context):
    turn = resolve(question, history)
    assert turn.question == question
    assert turn.context == context
    assert turn.text == f"{context} {question}"


@pytest.mark.parametrize(
    "question",
    [BASE, "How many companies joined the Wonju alliance, and what did they build?"],
    ids=["ko", "en-with-pronoun"],
)
def test_self_contained_question_ignores_history(question):
    turn = resolve(question, ["부산시 해양 데이터 센터는 언제 짓나요?", "그럼 예산은?"])
    assert turn == Turn(question)


@pytest.mark.parametrize(("question", "alone"), [
    ("김치찌개 어떻게 끓여", True),  # too few words to stand alone, and nothing in it points back
    ("예산은 얼마?", True),
    ("그럼 김치찌개는?", False),  # a connective: a follow-up whatever it asks about
    ("그 사람 누구야?", False),
])
def test_a_short_question_about_nothing_the_articles_know_is_read_alone(question, alone):
    """foreign (the Assistant's check of the corpus) decides only for a question that leans back for
    being short; one pointing back stays a follow-up whatever it asks about."""
    asked = []
    turn = resolve(question, [BASE], foreign=lambda q: asked.append(q) or True)
    assert (turn.context is None) is alone
    assert asked == ([question] if alone else [])
    assert resolve(question, [BASE], foreign=lambda q: False).context == BASE


def test_an_earlier_turn_read_alone_does_not_bring_its_history_back():
    """"그럼 재료는?" continues the kimchi question, which itself was read alone: the weather question
    before it is not part of the context."""
    history = ["내일 광주 날씨 어때", "김치찌개 어떻게 끓여"]
    turn = resolve("그럼 재료는?", history, foreign=lambda q: q == "김치찌개 어떻게 끓여")
    assert turn.context == "김치찌개 어떻게 끓여"


def test_chains_resolve_recursively():
    history = [BASE, "그럼 시장은 뭐라고 했어?"]
    turn = resolve("그래서 예산은 얼마야?", history)
    assert turn.context == f"{BASE} 그럼 시장은 뭐라고 했어?"
    assert turn.text == f"{BASE} 그럼 시장은 뭐라고 했어? 그래서 예산은 얼마야?"


def test_chain_stops_at_a_self_contained_question():
    history = ["부산시 해양 데이터 센터는 언제 짓나요?", BASE, "그럼 시장은 뭐라고 했어?"]
    turn = resolve("그래서 예산은 얼마야?", history)
    assert turn.context == f"{BASE} 그럼 시장은 뭐라고 했어?"
    assert "부산" not in turn.text


def test_chain_reaches_back_at_most_max_history_questions():
    followups = ["그럼 시장은?", "그래서 예산은?", "근데 언제야?", "그럼 장소는?", "그래서 누가 왔어?"]
    assert len(followups) >= REACH_BACK
    turn = resolve("그럼 기자는?", [BASE, *followups])
    assert turn.context == " ".join(followups[-REACH_BACK:])
    assert BASE not in turn.text


@pytest.mark.parametrize(
    ("context", "question"),
    [
        (None, "short question"),
        ("earlier question", "그럼 시장은?"),
        ("x" * (config.MAX_QUESTION_CHARS - 5), "그럼 시장은 뭐라고 했어?"),
        ("가" * (3 * config.MAX_QUESTION_CHARS), "And the budget?"),
    ],
    ids=["no-context", "short-context", "just-over-the-bound", "far-over-the-bound"],
)
def test_turn_text_is_bounded_and_keeps_the_question(context, question):
    text = Turn(question, context).text
    assert len(text) <= config.MAX_QUESTION_CHARS
    assert text.endswith(question)
    if context is None:
        assert text == question
    elif len(context) + 1 + len(question) <= config.MAX_QUESTION_CHARS:
        assert text == f"{context} {question}"
    else:
        assert len(text) == config.MAX_QUESTION_CHARS  # the oldest context is cut first


def test_resolve_bounds_a_long_chain():
    long_base = "광주 AI 선포식 " + "참석자 규모 " * 200 + "몇 명 왔어?"
    turn = resolve("그럼 시장은 뭐라고 했어?", [long_base])
    assert turn.context == long_base
    assert len(turn.text) == config.MAX_QUESTION_CHARS
    assert turn.text.endswith(" 그럼 시장은 뭐라고 했어?")


def test_a_follow_up_asking_nothing_asks_what_the_latest_question_that_asked_did():
    turn = resolve("시장은?", ["광주 AI 선포식에 몇 명 왔어?", "장관은 뭐래?"])
    assert turn.earlier == ("장관은 뭐래?", "광주 AI 선포식에 몇 명 왔어?")
    intent = asked_before(turn, intent_of(turn.question))
    assert intent.wants("said") and not intent.wants("figure")  # what the mayor said, not how many came
    # back past an earlier follow-up that asked nothing either, keeping the question's own list item
    turn = resolve("두 번째는?", ["광주 AI 예산 얼마야?", "그럼 원주는?"])
    intent = asked_before(turn, intent_of(turn.question))
    assert intent.wants("figure") and intent.ordinal == 2


def test_a_question_naming_its_subject_stands_alone_when_the_corpus_knows_the_name(seed_index):
    """"임기남 누구임" is two words, but 임기남 is the corpus's Lim Kinam: the question names its subject
    and stands alone after another article's question; without the corpus's names it is too short."""
    known = seed_index.index.names
    assert leans_on_history("임기남 누구임") is True
    assert leans_on_history("임기남 누구임", known) is False
    turn = resolve("임기남 누구임", ["원주 AI 얼라이언스 기고문은 누가 썼어?"], known)
    assert turn.context is None and turn.text == "임기남 누구임"
    assert leans_on_history("그럼 임기남은?", known) is True  # an opener still continues the conversation


@pytest.mark.parametrize(
    ("question", "leans"),
    [("GIST 뭐임", False), ("AIDC가 뭐야?", False),
     ("AI 예산은?", True),  # a name and nothing asked of it: what was asked before, of it
     ("AI 예산 얼마야?", True), ("MOU 언제 맺었어?", True),  # a short acronym names no subject of its own
     ("AIDC 그거 누가 했어?", True), ("GIST 관련해서 그 사람이 뭐라고 했어?", True),  # pointing back wins
     ("okay 그거 얼마야?", True), ("그래서 얼마?", True), ("시장은 뭐래?", True)],
)
def test_a_korean_question_opening_on_a_latin_word_names_its_subject(question, leans):
    assert leans_on_history(question) is leans
