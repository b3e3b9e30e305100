"""The corpus page in a real browser: log in on /staff, upload an article, see it cited on the public page, remove it."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # gradio's queue calls pandas APIs that pandas 3 deprecates; not this project's concern.
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (make browser)", allow_module_level=True)

from conftest import SMALL_ARTICLES, running, write_corpus  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from assistant import Assistant  # noqa: E402
from assistant.web.app import server_app  # noqa: E402
from assistant.web.rebuild import Rebuilder  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "staff-secret"
WAIT = 60_000  # ms: a rebuild with the hashing encoder takes seconds, slow machines more
NAME = "mokpo_cooling.txt"
ARTICLE = (
    "Seawater cooling for Mokpo data center\n\n"
    "The city of Mokpo will cool its new AI data center with seawater pumped from the harbor, "
    "officials said on Tuesday. The system cuts the center's electricity use for cooling by half.\n"
)
expect.set_options(timeout=WAIT)


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    corpus = write_corpus(tmp_path / "corpus", SMALL_ARTICLES)
    assistant = Assistant(tmp_path / "index", encoder="hashing", auto_rebuild=False)
    assistant.build(corpus)
    rebuilder = Rebuilder(assistant, corpus, poll_seconds=1).start()
    try:
        with running(server_app(assistant, corpus, staff_password=PASSWORD, rebuilder=rebuilder)) as url:
            yield url
    finally:
        rebuilder.stop()


def test_staff_upload_is_cited_on_the_public_page_then_removed(server, tmp_path):
    upload = tmp_path / NAME
    upload.write_text(ARTICLE, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(WAIT)
        staff = context.new_page()
        staff.goto(server + "/staff/")
        staff.fill("input[type=password]", PASSWORD)
        staff.locator("input:not([type=password])").first.fill("staff")
        staff.keyboard.press("Enter")
        expect(staff.locator("#corpus-table tr[data-source='harbor.txt']")).to_have_attribute("data-status", "indexed")

        staff.set_input_files("#upload-files input[type=file]", str(upload))
        staff.click("#upload")
        expect(staff.locator("#corpus-message")).to_contain_text(f"{NAME}: uploaded")
        row = staff.locator(f"#corpus-table tr[data-source='{NAME}']")
        expect(row).to_have_attribute("data-status", "indexed")
        expect(staff.locator("#rebuild-status")).to_contain_text("up to date")

        public = context.new_page()
        public.goto(server + "/")
        public.fill("#question textarea", "How will Mokpo cool its AI data center?")
        public.click("#ask")
        expect(public.locator("#cite-1 .cite-file")).to_have_text(NAME)

        staff.locator("#article input").click()
        staff.get_by_role("option", name=NAME).click()
        expect(staff.locator("#meta-title textarea, #meta-title input").first).to_have_value("")
        staff.locator("#confirm-remove input").check()
        staff.click("#remove-article")
        expect(staff.locator("#corpus-message")).to_contain_text(f"{NAME}: removed")
        expect(row).to_have_count(0)
        expect(staff.locator("#rebuild-status")).to_contain_text("up to date")
        public.fill("#question textarea", "How will Mokpo cool its AI data center?")
        public.click("#ask")
        expect(public.locator("#chat [data-testid='bot']")).to_have_count(2)
        expect(public.locator(f".cite-file:text-is('{NAME}')")).to_have_count(0)
        browser.close()
