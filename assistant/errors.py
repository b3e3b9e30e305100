"""The package's own exceptions; the CLI and web app translate them at the edge."""


class AssistantError(Exception):
    """Base class: a problem the user can fix, with a message that says how. key names its message in the web
    app's strings (web/i18n.py), so the page can say it in the interface's language; str() is the English
    line the CLI and the API print."""

    def __init__(self, message: str = "", key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class InputError(AssistantError):
    """A bad question or argument."""


class CorpusError(AssistantError):
    """The corpus folder is missing, empty or unreadable."""


class FetchError(AssistantError):
    """A page could not be added by URL (bad URL, HTTP error, not HTML, too large, timed out)."""


class IndexUnusableError(AssistantError):
    """The index is missing, corrupt, or built by another encoder or format."""


class IndexFormatError(IndexUnusableError):
    """The index was written in another on-disk format (by an older or newer version)."""


class EncoderError(AssistantError):
    """An encoder could not be loaded (missing package or model)."""
