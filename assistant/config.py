"""Defaults shared by the facade, the CLI, the web app and the evaluation: one place for each."""

DEFAULT_K = 5  # passages cited per answer
MAX_K = 50
DEFAULT_CORPUS = "seeds"  # the articles the project ships with
DEFAULT_INDEX = "embeddings"  # where the index is built
MAX_QUESTION_CHARS = 1000  # longer questions are truncated, with a notice
MAX_HISTORY = 8  # earlier questions of a conversation that are read
FETCH_TIMEOUT = 20.0  # seconds to fetch one page added by URL
FETCH_MAX_BYTES = 5 * 1024 * 1024  # a saved news page is well under this; larger answers are not articles
DEFAULT_COLLECTION = "news_passages"  # the Milvus alias an index's builds are switched behind
