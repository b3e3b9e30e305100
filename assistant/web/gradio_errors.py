"""The package's errors shown in the web page as Gradio messages: one line, no traceback."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import AssistantError


def guarded(fn: Callable) -> Callable:
    """fn, with an AssistantError turned into gr.Error (the message the user sees)."""

    def run(*args):
        import gradio as gr

        try:
            return fn(*args)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None

    return run
