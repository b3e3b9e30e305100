"""The web app end to end: a real Gradio server on a free local port, driven by Debian's Chromium.

Also the /ask API through gradio_client, and a password-protected server.
"""

from __future__ import annotations

import os
import re

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (make browser)", allow_module_level=True)

import httpx  # noqa: E402
from conftest import collapse  # noqa: E402
from docx import Document  # noqa: E402
from gradio_client import Client  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

import assistant.web.app  # noqa: E402
import assistant.web.render  # noqa: E402

KOREAN_ROLES = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"
WONJU_EN = "How many companies joined the Wonju AI alliance, and what did they build together?"
ROLES_SOURCE = "002_f6fc0410c29b4f02.txt"
WONJU_SOURCE = "003_bd417f7486c5be64.txt"
XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CITATION_KEYS = {"rank", "score", "source", "title", "outlet", "author", "date", "paragraph", "passage", "quote"}
# gradio's queue calls pandas APIs that pandas 3 deprecates; not this project's concern.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
WAIT = 30_000  # ms: generous waits for slow machines; nothing sleeps for a fixed time
expect.set_options(timeout=WAIT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def url(seed_index) -> Iterator[str]:
    demo = assistant.web.app.build_app(seed_index)
    demo.queue()
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                css=assistant.web.render.CSS)
    try:
        yield demo.local_url
    finally:
        demo.close(verbose=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def open_page(browser: Browser, url: str, locale: str) -> Page:
    context = browser.new_context(locale=locale, accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea")
    # The interface language follows navigator.language once the page has loaded.
    expect(page.locator("#ask")).to_have_text("질문하기" if locale.startswith("ko") else "Ask")
    return page


@pytest.fixture
def ko_page(browser, url) -> Iterator[Page]:
    page = open_page(browser, url, "ko-KR")
    yield page
    page.context.close()


@pytest.fixture
def en_page(browser, url) -> Iterator[Page]:
    page = open_page(browser, url, "en-US")
    yield page
    page.context.close()


def ask(page: Page, question: str) -> None:
    before = page.locator("#chat [data-testid='bot']").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(before + 1)
    page.wait_for_selector("#cite-1 .cite-card")
    expect(page.locator("#question textarea")).to_have_value("")


def card_sources(page: Page) -> list[str]:
    return page.locator("[id^='cite-'] .cite-file").all_inner_texts()


# ---- asking --------------------------------------------------------------------------------------
def test_korean_question_shows_cited_cards_with_highlights(ko_page):
    page = ko_page
    ask(page, KOREAN_ROLES)
    cards = page.locator("[id^='cite-'] .cite-card")
    assert 1 <= cards.count() <= 5
    sources = card_sources(page)
    assert ROLES_SOURCE in sources, sources
    card = page.locator(f"[id^='cite-']:has(.cite-file:text-is('{ROLES_SOURCE}'))").first
    mark = card.locator("blockquote.cite-passage mark")
    expect(mark).to_have_count(1)
    assert mark.inner_text().strip()
    assert card.locator(".cite-card.answer").count() == 1
    chat = page.locator("#chat").inner_text()
    assert KOREAN_ROLES in chat and "기사 원문에서 찾은 인용문입니다" in chat
    assert "번째 문단" in page.locator("#cite-1").inner_text()  # Korean interface: Korean paragraph label


def test_english_question_in_an_english_browser(en_page):
    page = en_page
    expect(page.get_by_role("tab", name="Briefing")).to_be_visible()
    ask(page, WONJU_EN)
    assert WONJU_SOURCE in card_sources(page)
    assert "Quotes from the articles:" in page.locator("#chat").inner_text()
    expect(page.locator("#cite-1 mark")).to_have_count(1)
    assert "paragraph" in page.locator("#cite-1 .cite-meta").inner_text()
    # Every visible word of the English interface is English, the source panel's placeholder included.
    expect(page.locator("#source-view")).to_contain_text("Press “Open source” on a quote")


CONTRAST_JS = """(selector) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const el = document.querySelector(selector);
  let bg = el, color = getComputedStyle(bg).backgroundColor;
  while (bg && (color === 'rgba(0, 0, 0, 0)' || color === 'transparent')) {
    bg = bg.parentElement; color = bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)'; }
  const [a, b] = [lum(getComputedStyle(el).color), lum(color)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_citation_details_are_readable_and_filler_is_labelled(ko_page):
    """The citation line meets WCAG AA contrast (4.5:1); a declined question's cards say they are not answers."""
    page = ko_page
    ask(page, KOREAN_ROLES)
    assert page.evaluate(CONTRAST_JS, "#cite-1 .cite-meta") >= 4.5
    ask(page, "김치찌개 맛있게 끓이는 법 알려줘")
    expect(page.locator("#cite-1 .cite-card.nearest .cite-badge")).to_have_text("답변 아님")
    assert page.evaluate(CONTRAST_JS, "#cite-1 .cite-meta") >= 4.5


def test_an_empty_question_is_a_notice_and_leaves_the_chat_usable(ko_page):
    """Refused as a notice in the page's language; no error badge covers the chat or the question box."""
    page = ko_page
    ask(page, KOREAN_ROLES)
    page.fill("#question textarea", "  ?! ")
    page.click("#ask")
    toast = page.locator("[data-testid='toast-body']").first
    expect(toast).to_contain_text("질문에 글자가 없고 기호뿐입니다")
    expect(toast).to_have_class(re.compile(r"\bwarning\b"))  # a notice, not an error
    dismiss_toasts(page)
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(1)  # the earlier answer is still shown
    page.click("#question textarea", timeout=2000)  # nothing lies over the box
    ask(page, "홍기월 누구야?")
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(2)


def test_the_briefing_survives_a_reload(ko_page):
    page = ko_page
    ask(page, KOREAN_ROLES)
    quote = page.locator("#cite-1 blockquote mark").inner_text()
    page.get_by_role("tab", name="브리핑").click()
    page.click("#add-1")
    expect(page.locator("#brief-1")).to_be_visible()
    page.reload()
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="브리핑").click()
    expect(page.locator("#brief-1")).to_contain_text(quote.strip()[:40])
    expect(page.locator("#dl-md")).to_be_enabled()
    page.click("#rm-1")  # the next test's page shares nothing: each test has its own browser context
    expect(page.locator("#briefing-empty")).to_be_visible()


def test_open_source_shows_the_whole_article_with_the_quote_marked(ko_page, seed_index):
    page = ko_page
    ask(page, KOREAN_ROLES)
    page.get_by_role("tab", name="브리핑").click()  # the button must bring the source tab back
    source = page.locator("#cite-1 .cite-file").inner_text().strip()
    quote = page.locator("#cite-1 blockquote mark").inner_text()
    page.click("#open-1")
    view = page.locator("#source-view")
    expect(view.locator("article.source-view")).to_be_visible()
    article = seed_index.article(source)
    expect(view.locator("h2")).to_have_text(article.title)
    expect(view.locator("p[data-paragraph]")).to_have_count(len(article.paragraphs))
    text = collapse(view.inner_text())
    for para in article.paragraphs:  # the whole article, not only the cited passage
        assert collapse(article.text[para.start:para.end]) in text
    hl = view.locator("mark.quote#hl")
    expect(hl).to_have_count(1)
    expect(hl).to_be_in_viewport()  # the app scrolls the quote into view
    marked = collapse(" ".join(view.locator("mark.quote").all_inner_texts()))
    assert marked == collapse(quote)


def dismiss_toasts(page: Page) -> None:
    """Close the "added to the briefing" notices: stacked, they cover the download buttons for ~10 s."""
    page.evaluate("document.querySelectorAll(\"[data-testid='toast-close']\").forEach(b => b.click())")
    expect(page.locator("[data-testid='toast-body']")).to_have_count(0)


def download_text(page: Page, button: str, must_contain: list[str], binary: bool = False):
    """Download through the button, retrying briefly while the files are being refreshed."""
    deadline = time.monotonic() + 15
    while True:
        with page.expect_download() as info:
            page.click(button)
        path = info.value.path()
        text = ("\n".join(p.text for p in Document(str(path)).paragraphs) if binary
                else Path(path).read_text(encoding="utf-8"))
        if all(collapse(m) in collapse(text) for m in must_contain) or time.monotonic() > deadline:
            return info.value.suggested_filename, text
        page.wait_for_timeout(300)


def test_briefing_downloads_markdown_and_word(ko_page):
    page = ko_page
    ask(page, KOREAN_ROLES)
    quotes = [page.locator(f"#cite-{n} blockquote mark").inner_text() for n in (1, 2)]
    page.get_by_role("tab", name="브리핑").click()
    expect(page.locator("#briefing-empty")).to_be_visible()
    expect(page.locator("#dl-md")).to_be_disabled()
    page.click("#add-1")
    expect(page.locator("#brief-1")).to_be_visible()
    page.click("#add-2")
    expect(page.locator("#brief-2")).to_be_visible()
    page.click("#add-1")  # the same quote again is not added twice
    expect(page.locator("[data-testid='toast-text']").first).to_contain_text("브리핑에 추가했습니다")
    expect(page.locator("#dl-md")).to_be_enabled()
    expect(page.locator("[id^='brief-']")).to_have_count(2)
    dismiss_toasts(page)
    assert collapse(quotes[0]) in collapse(page.locator("#brief-1").inner_text())

    name, md = download_text(page, "#dl-md", quotes)
    assert name.endswith(".md")
    assert md.startswith("# 브리핑 자료") and "## 출처" in md
    flat = collapse(md)
    assert flat.index(collapse(quotes[0])) < flat.index("[^1]") < flat.index(collapse(quotes[1])) < flat.index("[^2]")
    assert md.count("[^1]:") == 1 and md.count("[^2]:") == 1 and "[^3]" not in md

    name, docx = download_text(page, "#dl-docx", quotes, binary=True)
    assert name.endswith(".docx")
    flat = collapse(docx)
    assert flat.startswith("브리핑 자료")
    assert flat.index(collapse(quotes[0])) < flat.index(collapse(quotes[1])) < flat.index("출처")


def test_a_note_typed_just_before_a_download_is_in_the_file(ko_page):
    """The note box saves when it loses focus, which clicking the download button does too late for that
    download: the files follow the note as it is typed (new-user trial: the first download lacked it)."""
    page = ko_page
    ask(page, KOREAN_ROLES)
    page.get_by_role("tab", name="브리핑").click()
    page.click("#add-1")
    expect(page.locator("#brief-1")).to_be_visible()
    dismiss_toasts(page)
    page.locator("#note-1 textarea").press_sequentially("장관 보고용 핵심 인용")
    page.wait_for_timeout(3000)  # the time to reach for the button; no blur has happened
    with page.expect_download() as info:
        page.click("#dl-md")
    assert "장관 보고용 핵심 인용" in Path(info.value.path()).read_text(encoding="utf-8")


# ---- injection -----------------------------------------------------------------------------------
def test_markup_in_a_question_is_shown_as_text_and_never_runs(en_page):
    page = en_page
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ask(page, XSS)
    user = page.locator("#chat [data-testid='user']").last
    expect(user).to_contain_text(XSS)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#chat img[src='x'], #chat script").count() == 0
    assert page.locator("[id^='cite-'] img, [id^='cite-'] script").count() == 0
    assert page.locator("[onerror]").count() == 0  # no element anywhere carries the handler
    assert dialogs == []


# ---- interface language -------------------------------------------------------------------------
def test_switching_the_interface_to_english(ko_page):
    page = ko_page
    expect(page.get_by_role("tab", name="브리핑")).to_be_visible()
    page.locator("#lang-switch").get_by_text("English", exact=True).click()
    expect(page.locator("#ask")).to_have_text("Ask")
    expect(page.get_by_role("tab", name="Briefing")).to_be_visible()
    expect(page.locator("#clear")).to_have_text("Clear chat")
    page.locator("#filters").get_by_text("Filters", exact=True).click()
    expect(page.locator("#f-language")).to_contain_text("Any")  # the filter's choices too, not only its label
    expect(page.locator("#f-language")).not_to_contain_text("전체")
    ask(page, KOREAN_ROLES)  # cards follow the interface language
    expect(page.locator("#open-1")).to_have_text("Open source")
    assert "paragraph" in page.locator("#cite-1 .cite-meta").inner_text()
    page.locator("#lang-switch").get_by_text("한국어", exact=True).click()
    expect(page.locator("#ask")).to_have_text("질문하기")
    expect(page.locator("#open-1")).to_have_text("원문 보기")


# ---- the /ask API --------------------------------------------------------------------------------
def test_on_a_phone_the_title_and_the_example_question_are_whole(ko_page):
    """At 390 pixels the title sits above the language switch instead of beside it (where it broke
    mid-word), and the question box has room for the example's second line."""
    page = ko_page
    page.set_viewport_size({"width": 390, "height": 844})
    title, switch = page.locator("#top h2").bounding_box(), page.locator("#lang-switch").bounding_box()
    assert switch["y"] >= title["y"] + title["height"] - 1  # below it, not beside it
    assert title["width"] > 250
    box = page.locator("#question textarea")
    line = float(box.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
    assert box.bounding_box()["height"] >= 2 * line
    page.set_viewport_size({"width": 1400, "height": 1000})
    assert page.locator("#lang-switch").bounding_box()["y"] < page.locator("#top h2").bounding_box()["y"] + 40


def test_the_filter_lists_follow_the_index(browser, hashing_assistant, small_corpus):
    """An article added and indexed while the app runs is listed in the filters once the page is
    reloaded (new-user trial: the list kept the articles of the app's start)."""
    demo = assistant.web.app.build_app(hashing_assistant)
    demo.queue()
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    page = None
    try:
        page = open_page(browser, demo.local_url, "en-US")
        page.click("#filters")
        titles = page.locator("#f-sources label")
        expect(titles).to_have_count(len(list(small_corpus.glob("*.txt"))))
        (small_corpus / "tidal.txt").write_text(
            "Tidal turbines power the harbour\n\nThe harbour authority switched its cranes to power from tidal "
            "turbines installed under the pier last spring.\n", encoding="utf-8")
        hashing_assistant.build(small_corpus)
        page.reload()
        page.wait_for_selector("#question textarea")
        page.click("#filters")
        expect(page.locator("#f-sources")).to_contain_text("Tidal turbines power the harbour")
    finally:
        if page is not None:
            page.context.close()
        demo.close(verbose=False)


def test_gradio_client_ask(url, seed_index):
    client = Client(url, verbose=False)
    result = client.predict(KOREAN_ROLES, api_name="/ask")
    assert isinstance(result, dict)
    assert {"question", "answered", "citations"} <= set(result)
    assert result["question"] == KOREAN_ROLES and result["answered"] is True
    assert result["citations"]
    for c in result["citations"]:
        assert set(c) >= CITATION_KEYS, set(c)
    assert ROLES_SOURCE in [c["source"] for c in result["citations"]]
    assert result == seed_index.ask(KOREAN_ROLES).to_dict()


def test_gradio_client_empty_question_is_an_error(url):
    client = Client(url, verbose=False)
    with pytest.raises(Exception, match="empty"):
        client.predict("   ", api_name="/ask")


def test_only_ask_and_article_are_in_the_public_api(url):
    info = Client(url, verbose=False).view_api(return_format="dict", print_info=False)
    assert list(info["named_endpoints"]) == ["/ask", "/article"]
    assert not info["unnamed_endpoints"]


# ---- password --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def private_url(seed_index) -> Iterator[str]:
    """The served app (assistant.web.app.server_app, as `assistant serve` runs it) with a password (user 'staff')."""
    from conftest import running

    with running(assistant.web.app.server_app(seed_index, password="s3cret")) as local_url:
        yield local_url


def test_password_protects_the_page_and_the_api(private_url):
    with httpx.Client(base_url=private_url, timeout=20, follow_redirects=True) as http:
        page = http.get("/")
        assert page.status_code == 200
        assert '"auth_required":true' in page.text.replace(" ", "")
        assert KOREAN_ROLES not in page.text  # the app's placeholder is not served
        for path in ("/config", "/gradio_api/info"):
            assert http.get(path).status_code == 401, path
        login = http.post("/login", data={"username": "staff", "password": "wrong"})
        assert login.status_code >= 400
        assert http.get("/config").status_code == 401
        login = http.post("/login", data={"username": "staff", "password": "s3cret"})
        assert login.status_code == 200
        assert http.get("/config").status_code == 200


def test_password_login_form_in_the_browser(browser, private_url):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(private_url)
        expect(page.locator("input[type='password']")).to_be_visible(timeout=WAIT)
        assert page.locator("#question").count() == 0
        page.locator("input[type='text']").first.fill("staff")
        page.locator("input[type='password']").fill("s3cret")
        page.locator("input[type='password']").press("Enter")
        page.wait_for_selector("#question textarea", timeout=WAIT)
    finally:
        context.close()


def test_password_protects_the_client_api(private_url):
    # gradio_client reports a refused login as ValueError or an HTTP error, depending on the step.
    with pytest.raises(Exception):  # noqa: B017
        Client(private_url, verbose=False).predict(KOREAN_ROLES, api_name="/ask")
    with pytest.raises(Exception):  # noqa: B017
        Client(private_url, auth=("staff", "wrong"), verbose=False)
    result = Client(private_url, auth=("staff", "s3cret"), verbose=False).predict(KOREAN_ROLES, api_name="/ask")
    assert result["question"] == KOREAN_ROLES and result["citations"]
