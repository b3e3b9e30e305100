"""The Gradio web app: cited chat, source viewer, filters, briefing export. A thin layer over Assistant."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..api import Assistant
from ..config import DEFAULT_K
from ..errors import AssistantError, InputError
from ..language import language_of
from ..records import Filters
from . import briefing as basket
from .briefing import BriefingItem
from .corpus import MAX_UPLOAD_BYTES
from .gradio_errors import guarded
from .i18n import t
from .rebuild import POLL_SECONDS, Rebuilder
from .render import CSS, article_view, briefing_item_html, chat_reply, citation_card, md_escape, md_unescape
from .rest import article_dict
from .rest import install as install_api
from .staff import StaffHandlers, build_staff_app

SESSION_CAPACITY = 1000  # most recent browser/API sessions whose state is kept
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXPORTS_KEPT = 32  # briefing export folders kept per process (a note typed makes one per change)
BROWSER_LANGUAGE_JS = "() => ((navigator.language || 'en').toLowerCase().startsWith('ko') ? 'ko' : 'en')"
SCROLL_TO_QUOTE_JS = (
    "() => { setTimeout(() => document.getElementById('hl')?.scrollIntoView({block: 'center'}), 150); }"
)


@lru_cache(maxsize=1)
def process_export_dir() -> Path:
    """One folder per process for exported briefings, removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="assistant-briefing-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def is_date(text: str) -> bool:
    """A real calendar date written YYYY-MM-DD ("2024-13-45" has the form but is no date)."""
    if not DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def language_choices(lang: str) -> list[tuple[str, str]]:
    """The article-language filter's choices, "any" in the interface's language."""
    return [(t("any", lang), "any"), ("한국어", "ko"), ("English", "en")]


class Handlers:
    """Every UI action as a plain function of its inputs, so it can be tested without a browser."""

    def __init__(self, assistant: Assistant, export_dir: Path | None = None) -> None:
        self.assistant = assistant
        self.export_dir = Path(export_dir) if export_dir else process_export_dir()
        self.export_dir.mkdir(parents=True, exist_ok=True)

    # ---- asking --------------------------------------------------------------------------
    def filters(self, sources, outlets, date_from, date_to, language, ui_lang: str = "ko") -> Filters:
        for value in (date_from, date_to):
            if value and not is_date(value.strip()):
                raise InputError(t("bad_date", ui_lang))
        if date_from and date_to and date_from.strip() > date_to.strip():
            raise InputError(t("date_order", ui_lang))
        return Filters(
            sources=frozenset(sources or ()),
            outlets=frozenset(outlets or ()),
            date_from=(date_from or "").strip() or None,
            date_to=(date_to or "").strip() or None,
            language=language if language in ("ko", "en") else None,
        )

    def respond(self, message: str, history: list, sources=None, outlets=None, date_from="", date_to="",
                language="any", ui_lang: str = "ko") -> tuple[list, dict | None, str]:
        """Ask; append the question and the quoted reply to the chat. Returns (history, answer, textbox).

        The chat's earlier questions go with it, so a follow-up ("그럼 시장은?") is read in context.
        """
        filters = self.filters(sources, outlets, date_from, date_to, language, ui_lang)
        answer = self.assistant.ask(message, k=DEFAULT_K, filters=filters, history=earlier_questions(history))
        data = answer.to_dict()
        # The reply is in the question's language; a question with no words of either ("ㅋㅋㅋ", "???")
        # gets the interface's.
        lang = language_of(answer.question, default="ko" if ui_lang == "ko" else "en")
        data["lang"] = lang
        history = [
            *(history or []),
            {"role": "user", "content": md_escape(answer.question)},
            {"role": "assistant", "content": chat_reply(data, lang, [a for a in self.assistant.articles()
                                                                     if filters.admits(a)], bool(filters))},
        ]
        return history, data, ""

    def api_ask(self, question: str, history: list[str] | None = None) -> dict:
        return self.assistant.ask(question, history=history or None).to_dict()

    # ---- citations and sources --------------------------------------------------------------
    def cards(self, answer: dict | None, lang: str) -> list[str]:
        if not answer:
            return []
        return [citation_card(c, lang, answer["answered"]) for c in answer["citations"]]

    def open_source(self, answer: dict | None, index: int, lang: str) -> str:
        c = answer["citations"][index]
        article = self.assistant.article(c["source"])
        return article_view(article, lang, c["passage_start"], c["passage_end"], c["quote_start"], c["quote_end"])

    # ---- briefing --------------------------------------------------------------------------
    def add(self, answer: dict | None, index: int, items: list[dict]) -> list[dict]:
        item = BriefingItem.from_citation(answer["citations"][index], answer.get("question", ""))
        return _dump(basket.add(self.briefing_items(items), item))

    def briefing_items(self, items) -> list[BriefingItem]:
        """The basket as the browser keeps it (it survives reloads and restarts): only well-formed items whose
        quote is still a verbatim span of its article in the current index (the corpus may have changed).
        Checked wherever the basket is read, so no page-load event has to rewrite it (and race the user)."""
        kept = []
        for item in _load(items):
            article = self.assistant.index.article(item.source)
            if article is not None and item.quote and item.quote in article.text:
                kept.append(item)
        return kept

    def move(self, items: list[dict], index: int, delta: int) -> list[dict]:
        return _dump(basket.move(self.briefing_items(items), index, delta))

    def remove(self, items: list[dict], index: int) -> list[dict]:
        return _dump(basket.remove(self.briefing_items(items), index))

    def note(self, items: list[dict], index: int, text: str) -> list[dict]:
        return _dump(basket.set_note(self.briefing_items(items), index, text or ""))

    def export(self, items: list[dict], lang: str) -> tuple[str | None, str | None]:
        """Paths of the Markdown and Word files for the current basket (None when it is empty): one
        folder per basket content, so the files are rebuilt only when it changes, and only the newest
        EXPORTS_KEPT folders stay (the files follow a note as it is typed)."""
        loaded = self.briefing_items(items)
        if not loaded:
            return None, None
        key = hashlib.sha256(json.dumps([_dump(loaded), lang], ensure_ascii=False).encode()).hexdigest()[:20]
        folder = self.export_dir / key
        md, docx = folder / "briefing.md", folder / "briefing.docx"
        if not docx.exists():
            work = Path(tempfile.mkdtemp(dir=self.export_dir))  # written whole, then moved in place
            (work / md.name).write_text(basket.to_markdown(loaded, lang), encoding="utf-8")
            basket.to_docx(loaded, work / docx.name, lang)
            try:
                work.rename(folder)
            except OSError:  # another request wrote the same basket first
                shutil.rmtree(work, ignore_errors=True)
        os.utime(folder)
        self._prune_exports()
        return str(md), str(docx)

    def _prune_exports(self) -> None:
        folders = sorted((p for p in self.export_dir.iterdir() if p.is_dir()), key=_mtime, reverse=True)
        for old in folders[EXPORTS_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)

    def filter_choices(self) -> tuple[list[tuple[str, str]], list[str]]:
        """The filters' article (title, source) and outlet choices: those of the index now, so an
        article added while the app runs is listed too."""
        articles = self.assistant.articles()
        return [(a.title, a.source) for a in articles], sorted({a.outlet for a in articles if a.outlet})


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another request meanwhile
        return 0.0


def earlier_questions(history: list | None) -> list[str]:
    """The user's questions in a chat history (Gradio messages), oldest first, as they were asked."""
    out = []
    for message in history or []:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):  # Gradio may hand messages back as a list of parts
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        if isinstance(content, str) and content.strip():
            out.append(md_unescape(content))
    return out


def source_placeholder(lang: str) -> str:
    """What the source panel shows until a quote's source is opened."""
    return f'<p class="source-empty">{t("no_source", lang)}</p>'


def _added(items: list[dict], lang: str) -> list[dict]:
    import gradio as gr

    gr.Info(t("added", lang), duration=2, title=t("notice_title", lang))
    return items


def _load(items) -> list[BriefingItem]:
    """Basket items from the page's state; anything malformed (it comes from the browser) is dropped."""
    if not isinstance(items, list):
        return []
    loaded = []
    for data in items:
        try:
            item = BriefingItem.from_dict(data)
        except (TypeError, ValueError, AttributeError):
            continue
        if isinstance(item.quote, str) and isinstance(item.source, str) and isinstance(item.title, str) \
                and isinstance(item.paragraph, int) and isinstance(item.paragraph_end, int | None) \
                and (item.line is None or (type(item.line) is int and item.line >= 1)):
            loaded.append(item)
    return loaded


def browser_secret(index_dir: Path) -> str:
    """The key the browser-kept basket is sealed with, kept beside the index so a restarted server reads it."""
    path = Path(index_dir) / "browser-state.key"
    try:
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        secret = secrets.token_urlsafe(24)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secret, encoding="ascii")
        path.chmod(0o600)
        return secret
    except (OSError, UnicodeDecodeError):
        return secrets.token_urlsafe(24)  # a read-only index folder: the basket then lasts until a restart


def _dump(items: list[BriefingItem]) -> list[dict]:
    return [i.to_dict() for i in items]


def build_app(assistant: Assistant, lang: str = "ko"):
    """The Blocks app. Nothing is launched here."""
    import gradio as gr

    h = Handlers(assistant)
    article_choices, outlet_choices = h.filter_choices()

    with gr.Blocks(title=t("title", lang)) as demo:
        ui_lang = gr.State(lang)
        last_answer = gr.State(None)
        # The briefing basket lives in the browser (localStorage): it survives a reload and a server restart.
        items = gr.BrowserState([], storage_key="assistant-briefing", secret=browser_secret(assistant.index_dir))

        with gr.Row(elem_id="top"):
            header = gr.Markdown(f"## {t('title', lang)}\n{t('subtitle', lang)}")
            lang_switch = gr.Radio([("한국어", "ko"), ("English", "en")], value=lang, label=t("ui_language", lang),
                                   elem_id="lang-switch", scale=0, min_width=220)
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label=t("chat", lang), height=420, elem_id="chat", buttons=["copy"],
                                  feedback_options=None)
                with gr.Row():
                    question = gr.Textbox(label=t("question", lang), placeholder=t("placeholder", lang),
                                          elem_id="question", scale=5, max_lines=4)
                    ask = gr.Button(t("ask", lang), variant="primary", elem_id="ask", scale=1)
                clear = gr.Button(t("clear", lang), size="sm", elem_id="clear")
                with gr.Accordion(t("filters", lang), open=False, elem_id="filters") as filters_box:
                    f_sources = gr.CheckboxGroup(article_choices, label=t("articles", lang), elem_id="f-sources")
                    f_outlets = gr.CheckboxGroup(outlet_choices, label=t("outlets", lang), elem_id="f-outlets")
                    with gr.Row():
                        f_from = gr.Textbox(label=t("date_from", lang), elem_id="f-from")
                        f_to = gr.Textbox(label=t("date_to", lang), elem_id="f-to")
                    f_language = gr.Radio(language_choices(lang), value="any", label=t("language", lang),
                                          elem_id="f-language")
                quotes_title = gr.Markdown(f"### {t('quotes', lang)}")

                @gr.render(inputs=[last_answer, ui_lang])
                def show_citations(answer, current):
                    cards = h.cards(answer, current)
                    if not cards:
                        gr.Markdown(t("no_quotes", current))
                        return
                    for i, card in enumerate(cards):
                        with gr.Group(elem_classes=["citation"]):
                            gr.HTML(card, elem_id=f"cite-{i + 1}")
                            with gr.Row():
                                open_btn = gr.Button(t("open", current), size="sm", elem_id=f"open-{i + 1}")
                                add_btn = gr.Button(t("add", current), size="sm", elem_id=f"add-{i + 1}")
                        open_btn.click(lambda a, lg, i=i: (h.open_source(a, i, lg), gr.Tabs(selected="source-tab")),
                                       [last_answer, ui_lang], [source_view, side_tabs],
                                       api_visibility="private").then(None, js=SCROLL_TO_QUOTE_JS)
                        add_btn.click(lambda a, its, lg, i=i: _added(h.add(a, i, its), lg),
                                      [last_answer, items, ui_lang], items, api_visibility="private")

            with gr.Column(scale=2), gr.Tabs() as side_tabs:
                with gr.Tab(t("source", lang), id="source-tab") as source_tab:
                    source_view = gr.HTML(source_placeholder(lang), elem_id="source-view")
                with gr.Tab(t("briefing", lang), id="briefing-tab") as briefing_tab:
                    with gr.Row():
                        dl_md = gr.DownloadButton(t("download_md", lang), interactive=False, elem_id="dl-md", size="sm")
                        dl_docx = gr.DownloadButton(t("download_docx", lang), interactive=False, elem_id="dl-docx",
                                                    size="sm")

                    @gr.render(inputs=[items, ui_lang])
                    def show_briefing(current_items, current):
                        loaded = h.briefing_items(current_items)
                        if not loaded:
                            gr.Markdown(t("empty_briefing", current), elem_id="briefing-empty")
                            return
                        for i, item in enumerate(loaded):
                            with gr.Group(elem_classes=["brief"]):
                                gr.HTML(briefing_item_html(item, i + 1, current), elem_id=f"brief-{i + 1}")
                                note = gr.Textbox(item.note, label=t("note", current), elem_id=f"note-{i + 1}",
                                                  max_lines=3)
                                with gr.Row():
                                    up = gr.Button(t("up", current), size="sm", elem_id=f"up-{i + 1}")
                                    down = gr.Button(t("down", current), size="sm", elem_id=f"down-{i + 1}")
                                    rm = gr.Button(t("remove", current), size="sm", elem_id=f"rm-{i + 1}")
                            note.blur(lambda its, v, i=i: h.note(its, i, v), [items, note], items,
                                      api_visibility="private")
                            # The files follow the note as it is typed: a download clicked straight after
                            # typing starts before the blur has saved it (new-user trial).
                            note.input(lambda its, v, cur, i=i: refresh_downloads(h.note(its, i, v), cur),
                                       [items, note, ui_lang], [dl_md, dl_docx], trigger_mode="always_last",
                                       api_visibility="private")
                            up.click(lambda its, i=i: h.move(its, i, -1), items, items, api_visibility="private")
                            down.click(lambda its, i=i: h.move(its, i, 1), items, items, api_visibility="private")
                            rm.click(lambda its, i=i: h.remove(its, i), items, items, api_visibility="private")

        def refresh_downloads(current_items, current):
            md, docx = h.export(current_items, current)
            return gr.update(value=md, interactive=bool(md)), gr.update(value=docx, interactive=bool(docx))

        items.change(refresh_downloads, [items, ui_lang], [dl_md, dl_docx], api_visibility="private")
        demo.load(refresh_downloads, [items, ui_lang], [dl_md, dl_docx], api_visibility="private")

        ask_inputs = [question, chat, f_sources, f_outlets, f_from, f_to, f_language, ui_lang]
        for trigger in (ask.click, question.submit):
            # A bad question leaves the chat, the last answer and the typed text as they were.
            trigger(guarded(h.respond, lang_arg=-1, keep=lambda args: (args[1], gr.update(), args[0])), ask_inputs,
                    [chat, last_answer, question], api_visibility="private")
        clear.click(lambda: ([], None), None, [chat, last_answer], api_visibility="private")

        def relabel(current, shown):
            placeholders = {source_placeholder("ko"), source_placeholder("en")}
            return (
                current,
                gr.update(value=source_placeholder(current)) if shown in placeholders else gr.update(),
                gr.update(value=f"## {t('title', current)}\n{t('subtitle', current)}"),
                gr.update(label=t("ui_language", current)),
                gr.update(label=t("chat", current)),
                gr.update(label=t("question", current), placeholder=t("placeholder", current)),
                gr.update(value=t("ask", current)),
                gr.update(value=t("clear", current)),
                gr.update(label=t("filters", current)),
                gr.update(label=t("articles", current)),
                gr.update(label=t("outlets", current)),
                gr.update(label=t("date_from", current)),
                gr.update(label=t("date_to", current)),
                gr.update(label=t("language", current), choices=language_choices(current)),
                gr.update(value=f"### {t('quotes', current)}"),
                gr.update(label=t("source", current)),
                gr.update(label=t("briefing", current)),
                gr.update(label=t("download_md", current)),
                gr.update(label=t("download_docx", current)),
            )

        relabel_outputs = [ui_lang, source_view, header, lang_switch, chat, question, ask, clear, filters_box,
                           f_sources, f_outlets, f_from, f_to, f_language, quotes_title, source_tab, briefing_tab,
                           dl_md, dl_docx]
        lang_switch.change(relabel, [lang_switch, source_view], relabel_outputs, api_visibility="private")

        def filter_choices():
            sources, outlets = h.filter_choices()
            return gr.update(choices=sources), gr.update(choices=outlets)

        for event in (demo.load, filters_box.expand):
            event(filter_choices, None, [f_sources, f_outlets], api_visibility="private")
        demo.load(lambda browser: browser, lang_switch, lang_switch, js=BROWSER_LANGUAGE_JS, api_visibility="private")

        ask_api, article_api = _typed_api(h, gr)
        gr.api(ask_api, api_name="ask")
        gr.api(article_api, api_name="article")
    return demo


def _typed_api(h: Handlers, gr):
    def ask(question: str, history: list[str] | None = None) -> dict:
        """Answer a question about the news articles with verbatim quotes and their sources.

        Returns the same JSON object as `assistant ask --json`: "answered" (false when the articles do not
        cover the question; the citations are then only the nearest passages, not an answer) and "citations",
        best first, each with the verbatim "quote", the "passage" around it, and its source: "title",
        "outlet", "author", "date", "paragraph" number (and "paragraph_end", where the quote ends), "source"
        (pass it to the article tool), "line" (of a text file, where the quote starts) and "url".
        Citations with "answers" false are related reading. Quote them word for word and cite them.

        Args:
            question: the question, in Korean or English.
            history: the conversation's earlier questions, oldest first, so a follow-up is read in context.
        """
        try:
            return h.api_ask(question, history)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def article(source: str) -> dict:
        """One article's cleaned full text and metadata, to read a cited passage in its context.

        Returns "source", "title", "outlet", "author", "date", "language", "url", "text" (every quote of an
        answer is a span of it) and "paragraphs" (number, start and end offsets into text, PDF page, the
        line of a text file).

        Args:
            source: the article's source, as a citation of the ask tool names it.
        """
        try:
            return article_dict(h.assistant.article(source))
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    return ask, article


MCP_PATH = "/gradio_api/mcp"  # Gradio's MCP server (SSE at /gradio_api/mcp/sse); keyed like the JSON API
STAFF_PATH = "/staff"  # the corpus page; not served at all unless a staff password is configured


def server_app(assistant: Assistant, corpus: str | Path | None = None, password: str | None = None,
               staff_password: str | None = None, user: str = "staff", max_queue: int = 64,
               rebuilder: Rebuilder | None = None, mcp: bool = True):
    """The FastAPI app: the Q&A page at /, the JSON API at /api (docs at /api/docs), the MCP server at
    /gradio_api/mcp/sse (mcp=True), and the corpus page at /staff only when staff_password is set.

    password puts the public page (and its Gradio API) behind a login; the JSON API asks for the staff password
    when one is set, else for password. The corpus page is a separate Blocks, so none of its actions is an
    endpoint of the public app.
    """
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    app = FastAPI(title="Grounded news Q&A", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    install_api(app, assistant, secret=staff_password or password, user=user, keyed=(MCP_PATH,))
    if staff_password:
        if corpus is None or rebuilder is None:
            raise InputError("the corpus page needs the corpus folder and a rebuilder")
        staff = build_staff_app(StaffHandlers(assistant, corpus, rebuilder))
        staff.queue(max_size=max_queue, default_concurrency_limit=1)  # one corpus change at a time
        app.add_api_route(STAFF_PATH, lambda: RedirectResponse(STAFF_PATH + "/"), include_in_schema=False)
        gr.mount_gradio_app(app, staff, path=STAFF_PATH, auth=(user, staff_password), css=CSS, footer_links=[],
                            run_history=False, show_error=True, max_file_size=MAX_UPLOAD_BYTES, mcp_server=False)
    demo = build_app(assistant)
    demo.queue(max_size=max_queue, default_concurrency_limit=2)
    demo.state_session_capacity = SESSION_CAPACITY  # every API call gets a session; a bounded store keeps memory steady
    gr.mount_gradio_app(app, demo, path="/", auth=(user, password) if password else None, css=CSS,
                        footer_links=["api"], run_history=False, show_error=True, mcp_server=mcp)
    return app


def launch(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, password: str | None = None,
           user: str = "staff", max_queue: int = 64, corpus: str | Path | None = None,
           staff_password: str | None = None, poll_seconds: float | None = POLL_SECONDS, mcp: bool = True) -> None:
    """Serve server_app under uvicorn until stopped. With a corpus folder, its changes rebuild the index in the
    background."""
    import uvicorn

    rebuilder = Rebuilder(assistant, corpus, poll_seconds).start() if corpus is not None else None
    app = server_app(assistant, corpus, password, staff_password, user, max_queue, rebuilder, mcp)
    try:
        uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).run()
    finally:
        if rebuilder is not None:
            rebuilder.stop(timeout=1)
