"""The package's errors shown in the web page as Gradio messages: one line, no traceback."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import AssistantError, InputError
from .i18n import error_message, t


def guarded(fn: Callable, lang_arg: int | None = None, keep: Callable[[tuple], tuple] | None = None) -> Callable:
    """fn, with an AssistantError turned into gr.Error (the message the user sees, titled in the
    interface language; the server logs no traceback for it).

    lang_arg: which argument holds the interface language, for errors that have a translation.
    keep: for a bad input (an empty question), the outputs that leave the page as it was, given fn's
    arguments: the message is then a warning toast, and no output is marked as failed (Gradio covers a
    failed output with an error badge until the next success, which hid the chat and the question box).
    """

    def run(*args):
        import gradio as gr

        try:
            return fn(*args)
        except AssistantError as exc:
            lang = args[lang_arg] if lang_arg is not None and args else "en"
            if keep is not None and isinstance(exc, InputError):
                gr.Warning(error_message(exc, lang), title=t("notice_title", lang))
                return keep(args)
            raise gr.Error(error_message(exc, lang), title=t("error_title", lang), print_exception=False) from None

    return run
