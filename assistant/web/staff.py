"""The staff corpus page: plain handlers over corpus.py and the Rebuilder, plus its Gradio layout."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from . import corpus as articles
from .gradio_errors import guarded
from .i18n import t
from .rebuild import Rebuilder
from .render import corpus_table, esc, rebuild_line

REFRESH_SECONDS = 2.0  # how often the open page shows the rebuild's progress and the files' status
META_LABELS = tuple(f"meta_{key}" for key in articles.META_FIELDS)
BROWSER_LANGUAGE_JS = "() => ((navigator.language || 'en').toLowerCase().startsWith('ko') ? 'ko' : 'en')"


def messages_html(messages: list[str]) -> str:
    return "".join(f'<p class="corpus-msg">{esc(m)}</p>' for m in messages)


class StaffHandlers:
    """Every corpus page action as a plain function; each change asks the Rebuilder for a new index."""

    def __init__(self, assistant, corpus: str | Path, rebuilder: Rebuilder) -> None:
        self.assistant = assistant
        self.corpus = Path(corpus)
        self.rebuilder = rebuilder

    def sources(self) -> list[str]:
        return [row["source"] for row in articles.status(self.assistant, self.corpus)]

    def refresh(self, lang: str) -> tuple[str, str]:
        """(rebuild line, table of files)."""
        self.rebuilder.check()  # a change made by other means shows as pending at once
        return rebuild_line(self.rebuilder.state(), lang), corpus_table(articles.status(self.assistant, self.corpus),
                                                                          lang)

    def _changed(self, messages: list[str], lang: str) -> tuple[str, str, str, list[str]]:
        self.rebuilder.check()
        line, table = self.refresh(lang)
        return messages_html(messages), line, table, self.sources()

    def upload(self, files: list | None, lang: str) -> tuple[str, str, str, list[str]]:
        if not files:
            raise InputError(t("no_files", lang))
        return self._changed(articles.upload(self.corpus, files, lang), lang)

    def add_urls(self, text: str, lang: str) -> tuple[str, str, str, list[str]]:
        return self._changed(articles.add_pages(self.corpus, text, lang), lang)

    def select(self, source: str | None, lang: str) -> list[str]:
        if not source:
            return [""] * len(articles.META_FIELDS)
        meta = articles.read_meta(self.corpus, source, lang)
        return [meta[key] for key in articles.META_FIELDS]

    def save(self, source: str | None, values: list[str], lang: str) -> tuple[str, str, str, list[str]]:
        if not source:
            raise InputError(t("choose_article", lang))
        articles.save_meta(self.corpus, source, dict(zip(articles.META_FIELDS, values, strict=True)), lang)
        return self._changed([t("meta_saved", lang, name=source)], lang)

    def remove(self, source: str | None, confirmed: bool, lang: str) -> tuple[str, str, str, list[str]]:
        if not source:
            raise InputError(t("choose_article", lang))
        if not confirmed:
            raise InputError(t("confirm_first", lang))
        return self._changed([articles.remove(self.corpus, source, lang)], lang)


def build_staff_app(handlers: StaffHandlers, lang: str = "ko"):
    """The corpus page as its own Blocks (served only behind the staff password). Nothing is launched here."""
    import gradio as gr

    h = handlers

    def changed(result):
        message, line, table, sources = result
        return message, line, table, gr.update(choices=sources, value=None)

    with gr.Blocks(title=t("staff_title", lang)) as demo:
        ui_lang = gr.State(lang)
        lang_switch = gr.Radio([("한국어", "ko"), ("English", "en")], value=lang, label=t("ui_language", lang),
                               elem_id="lang-switch")
        rebuild_view = gr.HTML(elem_id="rebuild-status")
        message = gr.HTML(elem_id="corpus-message")
        table = gr.HTML(elem_id="corpus-table", render=False)

        @gr.render(inputs=ui_lang)
        def controls(current):
            gr.Markdown(f"## {t('staff_title', current)}\n{t('staff_intro', current)}")
            with gr.Row():
                with gr.Column():
                    files = gr.File(label=t("upload_files", current), file_count="multiple", elem_id="upload-files",
                                    file_types=list(articles.UPLOAD_SUFFIXES))
                    upload = gr.Button(t("upload", current), variant="primary", elem_id="upload")
                with gr.Column():
                    urls = gr.Textbox(label=t("urls", current), lines=3, elem_id="urls")
                    add = gr.Button(t("add_urls", current), elem_id="add-urls")
            with gr.Group():
                source = gr.Dropdown(h.sources(), value=None, label=t("article_file", current), elem_id="article")
                with gr.Row():
                    fields = [gr.Textbox(label=t(key, current), elem_id=key.replace("_", "-"), max_lines=1)
                              for key in META_LABELS]
                with gr.Row():
                    save = gr.Button(t("save_meta", current), elem_id="save-meta")
                    confirm = gr.Checkbox(label=t("confirm_remove", current), elem_id="confirm-remove")
                    remove = gr.Button(t("remove_article", current), variant="stop", elem_id="remove-article")
            outputs = [message, rebuild_view, table, source]
            upload.click(guarded(lambda f, lg: changed(h.upload(f, lg))), [files, ui_lang], outputs,
                         api_visibility="private").success(lambda: None, None, files, api_visibility="private")
            add.click(guarded(lambda u, lg: changed(h.add_urls(u, lg))), [urls, ui_lang], outputs,
                      api_visibility="private")
            source.change(guarded(h.select), [source, ui_lang], fields, api_visibility="private")
            save.click(guarded(lambda s, lg, *v: changed(h.save(s, list(v), lg))), [source, ui_lang, *fields],
                       outputs, api_visibility="private")
            remove.click(guarded(lambda s, c, lg: changed(h.remove(s, c, lg))), [source, confirm, ui_lang],
                         outputs, api_visibility="private").success(lambda: False, None, confirm,
                                                                     api_visibility="private")

        table.render()
        timer = gr.Timer(REFRESH_SECONDS)
        timer.tick(guarded(h.refresh), ui_lang, [rebuild_view, table], api_visibility="private",
                   show_progress="hidden")
        lang_switch.change(lambda lg: (lg, *h.refresh(lg)), lang_switch, [ui_lang, rebuild_view, table],
                           api_visibility="private")
        demo.load(lambda browser: browser, lang_switch, lang_switch, js=BROWSER_LANGUAGE_JS, api_visibility="private")
        demo.load(guarded(h.refresh), ui_lang, [rebuild_view, table], api_visibility="private")
    return demo
