"""The question as asked: validated, normalised and bounded before anything searches it."""

from __future__ import annotations

import re
import unicodedata

from .config import MAX_HISTORY, MAX_QUESTION_CHARS
from .errors import InputError

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_question(question: str) -> tuple[str, str | None]:
    """Validated question text and an optional notice (e.g. truncation)."""
    if not isinstance(question, str):
        raise InputError("the question must be text", key="question_not_text")
    # Lone surrogates (undecodable command-line bytes, bad JSON escapes) cannot be encoded: drop them.
    text = question.encode("utf-8", "ignore").decode("utf-8")
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width marks, BOM
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InputError("the question is empty; type a question about the articles", key="empty_question")
    if not any(ch.isalnum() for ch in text):
        raise InputError("the question has no words, only signs; type a question about the articles",
                         key="no_words")
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], f"question truncated to its first {MAX_QUESTION_CHARS} characters"
    return text, None


def clean_history(history) -> list[str]:
    """The conversation's earlier questions, cleaned like a question; blank or non-text ones dropped."""
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, (list, tuple)):
        raise InputError("history must be a list of earlier questions")
    out = []
    for item in history[-MAX_HISTORY:]:
        try:
            out.append(clean_question(item)[0])
        except InputError:
            continue
    return out
