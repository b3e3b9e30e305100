"""The JSON API: POST /api/ask and GET /api/articles on the web app's own FastAPI app and port.

Requests are validated by pydantic models, so the OpenAPI schema (/api/openapi.json, docs at /api/docs) comes
from the framework. Bad input gets a 4xx with {"error": "one line"}; never a 500. Answers are the same JSON
object as `assistant ask --json`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api import Assistant
from ..config import DEFAULT_K, MAX_HISTORY, MAX_K, MAX_QUESTION_CHARS
from ..errors import AssistantError, IndexUnusableError
from ..records import Answer, Filters

API_PREFIX = "/api"
MAX_FILTER_VALUES = 200  # sources or outlets named in one request
# Answering is a few milliseconds of CPU work, mostly under the GIL: one thread answers one question at a time
# (more would only take turns), while the event loop keeps reading and writing other requests.
ANSWERING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answering")


class FiltersIn(BaseModel):
    """Restrict the search; every field is optional and all given ones must hold."""

    model_config = ConfigDict(extra="forbid")
    sources: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES,
                               description="article sources (file names, see GET /api/articles)")
    outlets: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    date_from: date | None = Field(None, description="inclusive, YYYY-MM-DD; undated articles are left out")
    date_to: date | None = Field(None, description="inclusive, YYYY-MM-DD")
    language: Literal["ko", "en"] | None = Field(None, description="the articles' language")


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="in Korean or English")
    history: list[Annotated[str, Field(max_length=MAX_QUESTION_CHARS)]] = Field(
        default_factory=list, max_length=MAX_HISTORY,
        description="the conversation's earlier questions, oldest first, so a follow-up is read in context")
    k: int = Field(DEFAULT_K, ge=1, le=MAX_K, description="passages to cite at most")
    filters: FiltersIn | None = None


class ArticleMeta(BaseModel):
    source: str = Field(description="the article file's name: what citations and filters name")
    title: str
    outlet: str | None
    author: str | None
    date: str | None
    language: str
    url: str | None


class ArticleOut(ArticleMeta):
    paragraphs: int


class ParagraphOut(BaseModel):
    number: int
    start: int = Field(description="offset into text")
    end: int
    page: int | None
    line: int | None = Field(description="the line of the .txt or .md file it starts on (null for other formats)")


class ArticleTextOut(ArticleMeta):
    text: str = Field(description="the cleaned article text; every quote is a span of it")
    paragraphs: list[ParagraphOut]


class ErrorOut(BaseModel):
    error: str


def authorized(header: str, secret: str, user: str) -> bool:
    """Whether an Authorization header carries the secret: "Bearer <secret>" or basic auth as (user, secret)."""
    scheme, _, value = header.partition(" ")
    given = None
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            name, _, given = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if not secrets.compare_digest(name.encode(), user.encode()):
            return False
    return given is not None and secrets.compare_digest(given.encode(), secret.encode())


UNAUTHORIZED = "this API needs the password: Authorization: Bearer <password>"


def key_check(secret: str | None, user: str):
    """A dependency admitting requests that carry the secret (see authorized); everyone when there is none."""

    def check(request: Request) -> None:
        if secret is not None and not authorized(request.headers.get("authorization", ""), secret, user):
            raise ApiError(401, UNAUTHORIZED)

    return check


class KeyedPaths:
    """ASGI middleware: requests under the given path prefixes need the secret too (e.g. Gradio's MCP server,
    which Gradio's own login does not cover). Pure ASGI, so streamed responses (SSE) pass through untouched."""

    def __init__(self, app, prefixes: tuple[str, ...], secret: str, user: str) -> None:
        self.app, self.prefixes, self.secret, self.user = app, prefixes, secret, user

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            if not authorized(header, self.secret, self.user):
                response = json_response({"error": UNAUTHORIZED}, 401, {"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def to_filters(given: FiltersIn | None, assistant: Assistant) -> Filters | None:
    """Filters for the search; a source or outlet that no article has is an error, not an empty answer."""
    if given is None:
        return None
    index = assistant.index
    unknown = sorted(s for s in set(given.sources) if index.article(s) is None)
    if unknown:
        raise ApiError(400, f"no article with source {unknown[0]!r}; GET {API_PREFIX}/articles lists them")
    unknown = sorted(set(given.outlets) - outlets_of(index))
    if unknown:
        raise ApiError(400, f"no article from outlet {unknown[0]!r}")
    if given.date_from and given.date_to and given.date_from > given.date_to:
        raise ApiError(400, "date_from is after date_to")
    return Filters(
        sources=frozenset(given.sources),
        outlets=frozenset(given.outlets),
        date_from=given.date_from.isoformat() if given.date_from else None,
        date_to=given.date_to.isoformat() if given.date_to else None,
        language=given.language,
    )


_OUTLETS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def outlets_of(index) -> frozenset[str]:
    """The outlets of an index's articles, computed once per loaded index (not per request)."""
    if index not in _OUTLETS:
        _OUTLETS[index] = frozenset(a.outlet for a in index.articles if a.outlet)
    return _OUTLETS[index]


class ApiError(Exception):
    """A request the API refuses: its HTTP status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def router(assistant: Assistant, secret: str | None = None, user: str = "staff") -> APIRouter:
    """The API routes; with a secret, each request must carry it (Authorization: Bearer, or Basic user:secret)."""
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(key_check(secret, user))], tags=["questions"])
    errors = {code: {"model": ErrorOut} for code in (400, 401, 404, 422, 503)}

    @api.post("/ask", response_model=Answer, responses=errors)
    async def ask(body: AskIn) -> Response:
        """Answer a question with verbatim quotes from the articles and their citations."""
        filters = to_filters(body.filters, assistant)
        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(ANSWERING, lambda: assistant.ask(
            body.question, k=body.k, filters=filters, history=body.history or None).to_dict())
        return json_response(data)

    @api.get("/articles", response_model=list[ArticleOut], responses=errors)
    def articles() -> Response:
        """Every indexed article with its metadata (source is what filters and citations name)."""
        return json_response([{**a.meta(), "paragraphs": len(a.paragraphs)} for a in assistant.articles()])

    @api.get("/articles/{source:path}", response_model=ArticleTextOut, responses=errors)
    def article(source: str) -> Response:
        """One article's cleaned text (what quotes are spans of) and metadata; 404 when no article has source."""
        found = assistant.index.article(source)
        if found is None:
            raise ApiError(404, f"no article with source {source!r}; GET {API_PREFIX}/articles lists them")
        return json_response(article_dict(found))

    return api


def json_response(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON bytes straight from orjson (the answer is already plain data; no model validation on the way out)."""
    return Response(orjson.dumps(data), status_code=status_code, headers=headers, media_type="application/json")


def article_dict(article) -> dict[str, Any]:
    """An article's metadata, cleaned text and paragraphs (number, offsets into text, PDF page)."""
    return {
        **article.meta(),
        "text": article.text,
        "paragraphs": [{"number": p.number, "start": p.start, "end": p.end, "page": p.page, "line": p.line}
                       for p in article.paragraphs],
    }


def install(app: FastAPI, assistant: Assistant, secret: str | None = None, user: str = "staff",
            keyed: tuple[str, ...] = ()) -> None:
    """Add the API routes, their error handlers and their OpenAPI docs to app (before Gradio is mounted at /).

    keyed: more path prefixes that need the secret when there is one (the MCP server's).
    """
    api = router(assistant, secret, user)
    app.include_router(api)
    known = [(route.path_regex, route.methods) for route in api.routes if isinstance(route, APIRoute)]

    # Any other request under the API's prefix is answered here, in the API's error shape: the page's
    # Gradio app, mounted at /, would otherwise answer it with its own {"detail": "Not Found"}.
    @app.api_route(API_PREFIX + "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def elsewhere(request: Request) -> Response:
        path = request.url.path.rstrip("/")
        allowed = next((methods for regex, methods in known if regex.match(path)), None)
        if allowed and request.method in allowed:  # "/api/ask/": the same endpoint with a trailing slash
            raise ApiError(404, f"no API endpoint {request.url.path}; did you mean {path}?")
        if allowed:
            raise ApiError(405, f"{request.method} is not used on {path}; use {' or '.join(sorted(allowed))}")
        raise ApiError(404, f"no API endpoint {path}; the API is {API_PREFIX}/ask, {API_PREFIX}/articles and "
                            f"{API_PREFIX}/articles/SOURCE (docs at {API_PREFIX}/docs)")

    if secret is not None and keyed:
        app.add_middleware(KeyedPaths, prefixes=keyed, secret=secret, user=user)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and kind != "application/json":  # curl -d sends a form by default
            said = f"was sent as {kind!r}" if kind else "has no content-type"
            message = f"the request body {said}; send JSON with the header 'Content-Type: application/json'"
            return json_response({"error": message}, 415)
        return json_response({"error": validation_message(exc)}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return json_response({"error": str(exc.detail)}, exc.status_code, exc.headers)

    @app.exception_handler(ApiError)
    async def refused_request(request: Request, exc: ApiError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return json_response({"error": str(exc)}, exc.status, headers)

    @app.exception_handler(AssistantError)
    async def refused(request: Request, exc: AssistantError) -> Response:
        return json_response({"error": str(exc)}, 503 if isinstance(exc, IndexUnusableError) else 400)


def validation_message(exc: RequestValidationError) -> str:
    """One line from pydantic's first complaint, e.g. "question: String should have at most 1000 characters"."""
    first = exc.errors()[0] if exc.errors() else {}
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    if not where and first.get("type") == "missing":
        return 'the request body must be a JSON object with a "question"'
    message = first.get("msg", "invalid request")
    return f"{where}: {message}" if where else message
