"""The package's errors shown in the web page as Gradio messages: one line, no traceback."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import AssistantError
from .i18n import error_message


def guarded(fn: Callable, lang_arg: int | None = None) -> Callable:
    """fn, with an AssistantError turned into gr.Error (the message the user sees).

    lang_arg: which argument holds the interface language, for errors that have a translation.
    """

    def run(*args):
        import gradio as gr

        try:
            return fn(*args)
        except AssistantError as exc:
            lang = args[lang_arg] if lang_arg is not None and args else "en"
            raise gr.Error(error_message(exc, lang)) from None

    return run
