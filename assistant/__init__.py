"""Grounded question answering over news articles: verbatim quotes with citations."""

from .api import Assistant
from .errors import AssistantError, CorpusError, EncoderError, IndexUnusableError, InputError
from .records import Answer, Article, Citation, Filters, Hit, Passage

__all__ = [
    "Answer",
    "Article",
    "Assistant",
    "AssistantError",
    "Citation",
    "CorpusError",
    "EncoderError",
    "Filters",
    "Hit",
    "IndexUnusableError",
    "InputError",
    "Passage",
]
