"""The web app's handlers (assistant.web.app.Handlers) called directly, without a server or a browser."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from docx import Document

from assistant import Assistant, InputError
from assistant.web.app import Handlers
from assistant.web.i18n import t
from assistant.web.render import md_escape, md_unescape

KOREAN_ROLES = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"
WONJU_EN = "How many companies joined the Wonju AI alliance, and what did they build together?"
KIMCHI = "김치찌개 맛있게 끓이는 법 알려줘"
ROLES_SOURCE = "002_f6fc0410c29b4f02.txt"
WONJU_SOURCE = "003_bd417f7486c5be64.txt"
INJECTION = "<script>alert(1)</script><img src=x onerror=alert(2)>"
CITATION_KEYS = {"rank", "score", "source", "title", "outlet", "author", "date", "paragraph", "passage", "quote"}


@pytest.fixture
def h(seed_index, tmp_path) -> Handlers:
    return Handlers(seed_index, export_dir=tmp_path)


@pytest.fixture(scope="module")
def roles(seed_index, tmp_path_factory):
    """(history, answer) for the Korean roles question, asked once for the module."""
    history, answer, box = Handlers(seed_index, tmp_path_factory.mktemp("x")).respond(KOREAN_ROLES, [])
    assert box == ""
    return history, answer


def no_raw_html(text: str) -> bool:
    return not re.search(r"<\s*(script|img)", text, re.IGNORECASE)


# ---- asking --------------------------------------------------------------------------------------
def test_korean_question_gives_a_user_and_an_assistant_message(roles):
    history, answer = roles
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[0]["content"] == md_escape(KOREAN_ROLES)
    reply = history[1]["content"]
    assert reply.startswith(t("answer_intro", "ko"))
    assert answer["answered"] is True and answer["lang"] == "ko" and answer["question"] == KOREAN_ROLES
    assert 1 <= len(answer["citations"]) <= 5
    assert ROLES_SOURCE in [c["source"] for c in answer["citations"]]
    assert answer["citations"][0]["answers"] and answer["citations"][0]["source"] == ROLES_SOURCE
    answering = [c for c in answer["citations"] if c["answers"]]
    for c in answer["citations"]:
        assert set(c) >= CITATION_KEYS
        # The chat quotes the best answer only; the cards below show every citation, so it points at the rest.
        assert (f"“{md_escape(c['quote'])}”" in reply) == (c is answering[0])
    if len(answering) > 1:
        refs = ", ".join(f"[{c['rank']}]" for c in answering[1:])
        assert md_escape(t("more_quotes", "ko", n=len(answering) - 1, refs=refs)) in reply
    related = sum(1 for c in answer["citations"] if not c["answers"])
    assert (t("related_note", "ko", n=related) in reply) == bool(related)


def test_follow_up_keeps_the_earlier_history(h, roles):
    first, _ = roles
    history, answer, box = h.respond(WONJU_EN, first)
    assert box == ""
    assert history[:2] == first and len(first) == 2  # the earlier turn is kept and not mutated
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant"]
    assert history[2]["content"] == md_escape(WONJU_EN)
    assert history[3]["content"].startswith(t("answer_intro", "en"))  # the reply follows the question's language
    assert answer["lang"] == "en" and WONJU_SOURCE in [c["source"] for c in answer["citations"]]


def test_out_of_scope_question_says_so_and_lists_the_articles(h, seed_index):
    history, answer, _ = h.respond(KIMCHI, [])
    assert answer["answered"] is False
    reply = history[-1]["content"]
    assert t("not_covered", "ko") in reply
    assert t("corpus_covers", "ko") in reply
    assert t("answer_intro", "ko") not in reply
    for article in seed_index.articles():
        assert f"- {md_escape(article.title)}" in reply
    # The nearest passages are in the cards, labelled as not an answer; the chat does not repeat them.
    if answer["citations"]:
        assert md_escape(t("nearest_below", "ko")) in reply
        assert all(md_escape(c["quote"]) not in reply for c in answer["citations"])


def test_out_of_scope_cards_are_marked_as_nearest(h):
    _, answer, _ = h.respond(KIMCHI, [])
    cards = h.cards(answer, "ko")
    assert cards and all('class="cite-card nearest"' in c and t("not_an_answer", "ko") in c for c in cards)


def test_empty_question_raises_input_error(h):
    with pytest.raises(InputError):
        h.respond("   ?! ", [])


# ---- filters -------------------------------------------------------------------------------------
def test_filter_by_article(h):
    _, answer, _ = h.respond(KOREAN_ROLES, [], sources=[WONJU_SOURCE])
    assert answer["citations"] and {c["source"] for c in answer["citations"]} == {WONJU_SOURCE}


def test_filter_by_outlet(h):
    _, answer, _ = h.respond(KOREAN_ROLES, [], outlets=["The Asia Business Daily"])
    assert answer["citations"] and {c["outlet"] for c in answer["citations"]} == {"The Asia Business Daily"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_filter_by_article_language(h, language):
    _, answer, _ = h.respond(KOREAN_ROLES, [], language=language)
    assert answer["citations"] and {c["language"] for c in answer["citations"]} == {language}


def test_language_any_does_not_filter(h, roles):
    _, answer, _ = h.respond(KOREAN_ROLES, [], language="any")
    assert [c["source"] for c in answer["citations"]] == [c["source"] for c in roles[1]["citations"]]


def test_filter_by_dates(h, seed_index):
    dated = {a.source: a.date for a in seed_index.articles() if a.date}
    assert dated, "the seeds should have dated articles"
    _, answer, _ = h.respond(KOREAN_ROLES, [], date_from="2021-01-01", date_to=" 2030-12-31 ")
    expected = {s for s, d in dated.items() if "2021-01-01" <= d <= "2030-12-31"}
    assert answer["citations"] and {c["source"] for c in answer["citations"]} <= expected
    _, answer, _ = h.respond(KOREAN_ROLES, [], date_to="2021-01-01")
    assert {c["source"] for c in answer["citations"]} <= {s for s, d in dated.items() if d <= "2021-01-01"}
    for c in answer["citations"]:
        assert c["date"] is not None  # undated articles are left out once a date is set


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("bad", ["2023/01/01", "yesterday", "2023-1-1", "20230101", "2024-13-45", "2023-02-29"])
def test_bad_date_raises_input_error(h, field, bad):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        h.respond(KOREAN_ROLES, [], **{field: bad})


def test_a_filter_admitting_no_article_says_so(h):
    history, answer, _ = h.respond(KOREAN_ROLES, [], date_from="2030-01-01")
    assert not answer["answered"] and not answer["citations"]
    reply = history[-1]["content"]
    assert md_escape(t("filtered_none", "ko")) in reply
    assert md_escape(t("corpus_covers", "ko")) not in reply  # the whole corpus is not what was searched


def test_a_declined_question_under_filters_says_only_they_were_searched(h, seed_index):
    history, answer, _ = h.respond(KIMCHI, [], sources=[WONJU_SOURCE])
    assert not answer["answered"]
    reply = history[-1]["content"]
    assert md_escape(t("filtered_covers_one", "ko")) in reply
    english = h.respond("How do I cook kimchi stew?", [], sources=[WONJU_SOURCE], ui_lang="en")[0][-1]["content"]
    assert "Only the one article within your filters was searched" in md_unescape(english)
    titles = {a.source: a.title for a in seed_index.articles()}
    assert md_escape(titles[WONJU_SOURCE]) in reply
    assert not [s for s, title in titles.items() if s != WONJU_SOURCE and md_escape(title) in reply]


def test_filters_object(h):
    f = h.filters(["a.txt"], None, " 2020-01-01 ", "", "fr")
    assert f.sources == frozenset({"a.txt"}) and f.outlets == frozenset()
    assert f.date_from == "2020-01-01" and f.date_to is None
    assert f.language is None  # only ko/en restrict
    assert not h.filters(None, None, "", "", "any")


# ---- citations and the source view ------------------------------------------------------------------
def test_cards_show_the_quote_marked_inside_its_passage(h, roles):
    _, answer = roles
    cards = h.cards(answer, "ko")
    assert len(cards) == len(answer["citations"])
    for card, c in zip(cards, answer["citations"], strict=True):
        assert f'data-rank="{c["rank"]}"' in card
        first_line_of_quote = c["quote"].split("\n\n")[0]
        assert f"<mark>{html.escape(first_line_of_quote)}" in card
        assert html.escape(c["source"]) in card and html.escape(c["title"]) in card
    assert h.cards(None, "ko") == []


def test_open_source_shows_the_whole_article_with_the_quote_marked(h, seed_index, roles):
    _, answer = roles
    for i, c in enumerate(answer["citations"]):
        view = h.open_source(answer, i, "ko")
        article = seed_index.article(c["source"])
        assert view.count('id="hl"') == 1
        assert f"<h2>{html.escape(article.title)}</h2>" in view
        for para in article.paragraphs:  # every paragraph of the article is there, not just the passage
            assert f'data-paragraph="{para.number}"' in view
        assert len(re.findall(r"<p data-paragraph=", view)) == len(article.paragraphs)
        plain = html.unescape(re.sub(r"<[^>]+>", "", view))
        for para in article.paragraphs:
            assert article.text[para.start:para.end] in plain
        first = c["quote"].split("\n\n")[0]
        assert f'<mark class="quote" id="hl">{html.escape(first)}</mark>' in view
        assert '<mark class="passage">' in view or c["quote"] == c["passage"]


def test_open_source_of_an_unknown_citation_fails_cleanly(h, roles):
    _, answer = roles
    bad = {**answer, "citations": [{**answer["citations"][0], "source": "nope.txt"}]}
    with pytest.raises(InputError):
        h.open_source(bad, 0, "ko")


# ---- briefing ------------------------------------------------------------------------------------
def test_add_move_remove_and_note(h, roles):
    _, answer = roles
    c = answer["citations"]
    items = h.add(answer, 0, [])
    items = h.add(answer, 1, items)
    items = h.add(answer, 0, items)  # the same quote again: ignored
    assert [i["quote"] for i in items] == [c[0]["quote"], c[1]["quote"]]
    assert items[0]["question"] == KOREAN_ROLES and items[0]["source"] == c[0]["source"]
    assert items[0]["paragraph"] == c[0]["paragraph"] and items[0]["title"] == c[0]["title"]
    items = h.move(items, 1, -1)
    assert [i["quote"] for i in items] == [c[1]["quote"], c[0]["quote"]]
    items = h.note(items, 0, "  follow up  ")
    assert items[0]["note"] == "follow up" and items[1]["note"] == ""
    items = h.note(items, 0, None)
    assert items[0]["note"] == ""
    items = h.remove(items, 0)
    assert [i["quote"] for i in items] == [c[0]["quote"]]
    assert json.loads(json.dumps(items)) == items  # plain JSON, fit for gr.State


def test_export_writes_markdown_and_docx_that_parse_back(h, roles):
    _, answer = roles
    c = answer["citations"]
    items = h.note(h.add(answer, 1, h.add(answer, 0, [])), 1, "두 번째 메모")
    md_path, docx_path = h.export(items, "ko")
    md_path, docx_path = Path(md_path), Path(docx_path)
    assert md_path.suffix == ".md" and docx_path.suffix == ".docx"
    assert h.export_dir in md_path.parents and h.export_dir in docx_path.parents
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# 브리핑 자료")
    first, second = (q["quote"].split("\n\n")[0] for q in c[:2])
    assert md.index(first) < md.index("[^1]") < md.index(second) < md.index("[^2]") < md.index("## 출처")
    assert "*메모:* 두 번째 메모" in md
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert text.index(first) < text.index(second) < text.index("출처")
    assert "메모: 두 번째 메모" in text
    assert t("paragraph", "ko", n=c[0]["paragraph"]) in text


def test_export_into_a_folder_that_does_not_exist_yet(seed_index, roles, tmp_path):
    h = Handlers(seed_index, export_dir=tmp_path / "new" / "exports")
    md, docx = h.export(h.add(roles[1], 0, []), "en")
    assert Path(md).exists() and Path(docx).exists()


def test_export_of_an_empty_basket_is_nothing(h):
    assert h.export([], "ko") == (None, None)
    assert h.export(None, "en") == (None, None)


def test_each_export_gets_its_own_files(h, roles):
    _, answer = roles
    a = h.export(h.add(answer, 0, []), "en")
    b = h.export(h.add(answer, 1, []), "en")
    assert a[0] != b[0] and Path(a[0]).exists() and Path(b[0]).exists()
    assert "# Briefing" in Path(a[0]).read_text(encoding="utf-8")


def test_an_unchanged_basket_reuses_its_files_and_old_exports_are_pruned(h, roles, monkeypatch):
    """A note typed re-exports on every change: the same basket gives the same files, and only the
    newest EXPORTS_KEPT folders stay."""
    import assistant.web.app as app

    _, answer = roles
    items = h.add(answer, 0, [])
    assert h.export(items, "en") == h.export(items, "en")
    monkeypatch.setattr(app, "EXPORTS_KEPT", 3)
    paths = [h.export(h.note(items, 0, "x" * n), "en")[0] for n in range(1, 6)]
    folders = [p for p in h.export_dir.iterdir() if p.is_dir()]
    assert len(folders) == 3
    assert Path(paths[-1]).exists() and f"{'x' * 5}" in Path(paths[-1]).read_text(encoding="utf-8")


def test_filter_choices_follow_the_index(seed_index, tmp_path):
    sources, outlets = Handlers(seed_index, export_dir=tmp_path).filter_choices()
    assert [source for _, source in sources] == [a.source for a in seed_index.articles()]
    assert outlets == sorted({a.outlet for a in seed_index.articles() if a.outlet})


def test_a_date_range_ending_before_it_starts_is_refused(h):
    with pytest.raises(InputError, match="시작일이 종료일보다 늦습니다"):
        h.respond(KOREAN_ROLES, [], date_from="2024-05-01", date_to="2024-01-01")


# ---- the /ask API ------------------------------------------------------------------------------------
def test_api_ask_equals_the_cli_json(h, seed_index, capsys):
    from assistant.cli import main

    assert main(["ask", KOREAN_ROLES, "--json", "--index", str(seed_index.index_dir)]) == 0
    cli = json.loads(capsys.readouterr().out)
    api = h.api_ask(KOREAN_ROLES)
    assert set(api) == set(cli) == {"question", "answered", "citations"}
    assert [set(c) for c in api["citations"]] == [set(c) for c in cli["citations"]]
    assert all(set(c) >= CITATION_KEYS for c in api["citations"])
    assert api == cli
    json.dumps(api)  # JSON-serialisable as is


def test_api_ask_rejects_an_empty_question(h):
    with pytest.raises(InputError):
        h.api_ask("")


# ---- injection -----------------------------------------------------------------------------------
def test_question_with_markup_is_shown_literally_in_the_chat(h):
    history, answer, _ = h.respond(INJECTION, [])
    user = history[0]["content"]
    assert no_raw_html(user), user
    assert "&lt;script&gt;" in user and "&lt;img" in user
    for message in history:
        assert no_raw_html(message["content"])
    for card in h.cards(answer, "en"):
        assert no_raw_html(card)


EVIL = {
    "evil.txt": (
        "Robots <script>alert(1)</script> take over the harbor\n"
        "\n"
        "The harbor city opened a robotics laboratory <script>alert('x')</script> on Monday to test autonomous "
        "cranes at the container port. Engineers said the cranes <img src=x onerror=alert(2)> would load ships "
        "faster & more safely than before.\n"
        "\n"
        "The laboratory received funding from the port authority and three shipping companies. "
        "Officials expect the first robotic cranes to enter service within two years.\n"
    ),
    "farm.txt": (
        "Farmers adopt drone spraying for rice paddies\n"
        "\n"
        "Rice farmers in the southern province have started using drones to spray fertilizer over their paddies. "
        "The drones cover a field in minutes and cut the amount of chemicals used.\n"
        "\n"
        "Agricultural cooperatives rent the drones to members at a low daily price. "
        "Older farmers said the service lets them keep working their land.\n"
    ),
}


@pytest.fixture
def evil(tmp_path, make_corpus) -> Handlers:
    assistant = Assistant(index_dir=tmp_path / "evil-index", encoder="hashing")
    assistant.build(make_corpus(EVIL, name="evil"))
    article = assistant.article("evil.txt")
    # The markup survives cleaning, so escaping is really exercised.
    assert "<script>" in article.title and "<img src=x onerror=alert(2)>" in article.text
    return Handlers(assistant, export_dir=tmp_path)


def test_article_markup_is_escaped_in_cards_source_view_and_chat(evil):
    history, answer, _ = evil.respond("Which cranes did the harbor robotics laboratory test at the container port?", [])
    evil_cites = [i for i, c in enumerate(answer["citations"]) if c["source"] == "evil.txt"]
    assert evil_cites, answer["citations"]
    cards = evil.cards(answer, "en")
    for card in cards:
        assert no_raw_html(card), card
    joined = "".join(cards)
    assert "Robots &lt;script&gt;alert(1)&lt;/script&gt; take over the harbor" in joined
    assert "&lt;img src=x onerror=alert(2)&gt;" in joined or "&lt;script&gt;alert(&#x27;x&#x27;)" in joined
    for i in evil_cites:
        view = evil.open_source(answer, i, "en")
        assert no_raw_html(view), view
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in view
        assert "&lt;img src=x onerror=alert(2)&gt;" in view
        assert "faster &amp; more safely" in view
        assert view.count('id="hl"') == 1
    for message in history:
        assert no_raw_html(message["content"])


def test_article_markup_is_escaped_when_listed_as_not_covered(evil):
    history, answer, _ = evil.respond("Who won the football world cup final?", [])
    reply = history[-1]["content"]
    assert answer["answered"] is False and t("not_covered", "en") in reply
    assert no_raw_html(reply)
    assert "&lt;script&gt;" in reply


def test_briefing_of_an_article_with_markup_is_escaped_on_screen(evil):
    from assistant.web.briefing import BriefingItem
    from assistant.web.render import briefing_item_html

    _, answer, _ = evil.respond("Which cranes did the harbor robotics laboratory test at the container port?", [])
    i = next(i for i, c in enumerate(answer["citations"]) if c["source"] == "evil.txt")
    items = evil.add(answer, i, [])
    snippet = briefing_item_html(BriefingItem.from_dict(items[0]), 1, "en")
    assert no_raw_html(snippet) and "Robots &lt;script&gt;" in snippet


@pytest.mark.parametrize("ui_lang", ["ko", "en"])
def test_a_bad_question_is_refused_in_the_interface_language(h, ui_lang):
    import gradio as gr

    from assistant.web.gradio_errors import guarded

    with pytest.raises(gr.Error) as refused:
        guarded(h.respond, lang_arg=-1)("  ?! ", [], None, None, "", "", "any", ui_lang)
    assert refused.value.message == t("no_words", ui_lang)
    assert refused.value.title == t("error_title", ui_lang)


@pytest.mark.parametrize("ui_lang", ["ko", "en"])
def test_a_bad_question_in_the_chat_is_a_warning_that_leaves_the_page_as_it_was(h, ui_lang):
    """Gradio covers a failed output with an error badge until the next success: the chat and the
    question box stayed hidden behind it. A bad question is a warning toast, and nothing changes."""
    import gradio as gr

    from assistant.web.gradio_errors import guarded

    earlier = [{"role": "user", "content": "광주 AI 선포식에 몇 명 왔어?"}, {"role": "assistant", "content": "..."}]
    with pytest.warns(UserWarning, match=t("no_words", ui_lang)[:10]):
        chat, answer, typed = guarded(h.respond, lang_arg=-1, keep=lambda args: (args[1], gr.update(), args[0]))(
            "  ?! ", earlier, None, None, "", "", "any", ui_lang)
    assert chat == earlier and typed == "  ?! " and answer == gr.update()


def test_the_source_placeholder_follows_the_interface_language():
    from assistant.web.app import source_placeholder

    assert t("no_source", "en") in source_placeholder("en") and t("no_source", "ko") in source_placeholder("ko")


def test_a_basket_restored_from_the_browser_keeps_only_verbatim_well_formed_items(h, roles):
    _, answer = roles
    good = h.add(answer, 0, [])
    forged = {**good[0], "quote": good[0]["quote"] + " and a sentence the article never said"}
    bad_range = {**good[0], "paragraph_end": "4"}  # the paragraph a quote ends in is a number or nothing
    bad_lines = [{**good[0], "line": value} for value in (True, 0, -4, "23")]  # a line is a positive number
    restored = h.briefing_items([*good, forged, {"quote": 5}, "junk", {**good[0], "source": "gone.txt"}, bad_range,
                                 *bad_lines])
    assert [item.to_dict() for item in restored] == good
    assert h.briefing_items("not a list") == [] and h.briefing_items(None) == []
    # Every action reads the basket through the same check: a forged item never reaches an export.
    assert h.remove([forged, *good], 5) == good


def test_the_basket_key_is_kept_beside_the_index(tmp_path):
    from assistant.web.app import browser_secret

    first = browser_secret(tmp_path)
    assert first == browser_secret(tmp_path) and len(first) >= 24  # the same after a restart
    assert (tmp_path / "browser-state.key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("ui_lang", ["ko", "en"])
def test_an_unreachable_search_server_is_said_in_the_interface_language(ui_lang):
    from assistant.errors import IndexUnusableError
    from assistant.web.i18n import error_message

    exc = IndexUnusableError("cannot reach Milvus at http://10.0.0.1:19530 (...)", key="search_unavailable")
    assert error_message(exc, ui_lang) == t("search_unavailable", ui_lang)
    assert error_message(IndexUnusableError("no index in x"), ui_lang) == "no index in x"  # no translation: as is


def test_cards_say_when_a_date_is_unknown(h, roles):
    _, answer = roles
    assert any(not c.get("date") for c in answer["citations"])
    for lang, word in (("ko", "날짜 미상"), ("en", "n.d.")):
        for card, c in zip(h.cards(answer, lang), answer["citations"], strict=True):
            assert (word in card) == (not c.get("date")), (lang, c["source"])


def test_a_question_with_no_words_is_answered_in_the_interface_language(h):
    for ui_lang in ("ko", "en"):
        history, answer, _ = h.respond("ㅋㅋㅋㅋㅋ", [], ui_lang=ui_lang)
        assert answer["lang"] == ui_lang
        assert md_escape(t("not_covered", ui_lang)) in history[-1]["content"]


def test_a_question_of_signs_alone_is_told_it_has_no_words(h):
    with pytest.raises(InputError) as caught:
        h.respond("???!!", [])
    assert caught.value.key == "no_words"


def test_a_byline_answer_says_which_facts_the_article_does_not_give(h):
    history, answer, _ = h.respond("which paper ran the hong giwol story, and who wrote it?", [], ui_lang="en")
    assert answer["answered"] and answer["byline"] and not answer["byline"].get("author")
    reply = md_unescape(history[-1]["content"])
    assert "The Asia Business Daily" in reply and t("no_author", "en") in reply and t("undated", "en") in reply
