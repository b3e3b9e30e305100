"""The JSON API and the MCP server of a real server on 127.0.0.1 (uvicorn, the real seed index), over HTTP."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import ast
import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from conftest import SEEDS

from assistant.web.app import server_app

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ROLES_KO = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"
ROLES_SOURCE = "002_f6fc0410c29b4f02.txt"
PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def url(seed_index) -> Iterator[str]:
    from conftest import running

    with running(server_app(seed_index)) as base:
        yield base


@pytest.fixture(scope="module")
def http(url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client


def article_text(http: httpx.Client, source: str) -> str:
    r = http.get(f"/api/articles/{source}")
    assert r.status_code == 200
    return r.json()["text"]


def test_ask_returns_cited_verbatim_quotes(http):
    r = http.post("/api/ask", json={"question": ROLES_KO})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    answer = r.json()
    assert answer["answered"] is True and answer["question"] == ROLES_KO
    first = answer["citations"][0]
    assert first["source"] == ROLES_SOURCE and first["title"] and first["outlet"] and first["paragraph"] >= 1
    for citation in answer["citations"]:
        text = article_text(http, citation["source"])
        assert text[citation["quote_start"]:citation["quote_end"]] == citation["quote"]
        assert text[citation["passage_start"]:citation["passage_end"]] == citation["passage"]


def test_ask_is_the_same_object_as_the_facade(http, seed_index):
    body = {"question": "How many companies joined the Wonju AI alliance?", "k": 3}
    assert http.post("/api/ask", json=body).json() == json.loads(json.dumps(seed_index.ask(body["question"],
                                                                                          k=3).to_dict()))


def test_follow_up_is_read_with_its_history(http):
    history = ["How many companies joined the Wonju AI alliance?"]
    alone = http.post("/api/ask", json={"question": "And who leads it?"}).json()
    followed = http.post("/api/ask", json={"question": "And who leads it?", "history": history}).json()
    assert followed["resolved_question"] != "And who leads it?"
    assert "resolved_question" not in alone
    assert followed["citations"][0]["source"] == "003_bd417f7486c5be64.txt"


def test_filters_restrict_the_citations(http):
    r = http.post("/api/ask", json={"question": ROLES_KO, "filters": {"language": "ko"}, "k": 3})
    assert r.status_code == 200
    assert {c["language"] for c in r.json()["citations"]} == {"ko"}
    r = http.post("/api/ask", json={"question": ROLES_KO, "filters": {"sources": [ROLES_SOURCE]}})
    assert {c["source"] for c in r.json()["citations"]} == {ROLES_SOURCE}


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"question": "   "}, 400, "empty"),
    ({"question": ""}, 422, "question"),
    ({"question": "x" * 5000}, 422, "question"),
    ({"question": 5}, 422, "question"),
    ({}, 422, "question"),
    ({"question": "hi", "k": 0}, 422, "k"),
    ({"question": "hi", "k": 10_000}, 422, "k"),
    ({"question": "hi", "history": "not a list"}, 422, "history"),
    ({"question": "hi", "surprise": 1}, 422, "surprise"),
    ({"question": "hi", "filters": {"sources": ["no-such-article.txt"]}}, 400, "no-such-article.txt"),
    ({"question": "hi", "filters": {"outlets": ["Nowhere Times"]}}, 400, "Nowhere Times"),
    ({"question": "hi", "filters": {"date_from": "2024-13-01"}}, 422, "date_from"),
    ({"question": "hi", "filters": {"date_from": "2025-02-01", "date_to": "2025-01-01"}}, 400, "after"),
    ({"question": "hi", "filters": {"language": "fr"}}, 422, "language"),
])
def test_bad_input_gets_a_4xx_with_one_line(http, body, status, says):
    r = http.post("/api/ask", json=body)
    assert r.status_code == status, r.text
    message = r.json()["error"]
    assert says in message and "\n" not in message and "Traceback" not in message


def test_a_body_that_is_not_json_is_refused(http):
    for content in (b"\xff\xfe\x00", b"{not json", b"", b"[1, 2]"):
        r = http.post("/api/ask", content=content, headers={"content-type": "application/json"})
        assert r.status_code in (400, 422) and r.json()["error"], content


def test_a_body_sent_as_a_form_is_told_to_send_json(http):
    """curl -d '{"question": ...}' sends application/x-www-form-urlencoded; the reply says what to change."""
    for headers in ({"content-type": "application/x-www-form-urlencoded"}, {}):
        r = http.post("/api/ask", content='{"question": "광주"}'.encode(), headers=headers)
        assert r.status_code == 415 and "Content-Type: application/json" in r.json()["error"], headers


def test_articles_lists_the_corpus_and_serves_each_text(http, seed_index):
    listed = http.get("/api/articles").json()
    assert [a["source"] for a in listed] == [a.source for a in seed_index.articles()]
    assert all(a["title"] and a["paragraphs"] > 0 for a in listed)
    one = http.get(f"/api/articles/{ROLES_SOURCE}").json()
    assert one["text"] == seed_index.article(ROLES_SOURCE).text
    assert one["paragraphs"][0]["number"] == 1
    file_lines = (SEEDS / ROLES_SOURCE).read_text(encoding="utf-8").split("\n")  # a .txt seed: its lines
    first = one["paragraphs"][0]
    assert file_lines[first["line"] - 1].strip().startswith(one["text"][first["start"] : first["end"]][:30])
    r = http.get("/api/articles/missing.txt")
    assert r.status_code == 404 and "missing.txt" in r.json()["error"]


def test_openapi_schema_comes_from_the_framework(http):
    schema = http.get("/api/openapi.json").json()
    assert {"/api/ask", "/api/articles", "/api/articles/{source}"} <= set(schema["paths"])
    request = schema["components"]["schemas"]["AskIn"]
    assert request["required"] == ["question"] and {"history", "k", "filters"} <= set(request["properties"])
    assert http.get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "says"),
    [("GET", "/api/ask", 405, "use POST"), ("DELETE", "/api/articles", 405, "use GET"),
     ("PUT", "/api/articles/x.txt", 405, "use GET"), ("GET", "/api/nothing", 404, "/api/docs"),
     ("POST", "/api/ask/", 404, "did you mean /api/ask?")],
)
def test_a_request_the_api_does_not_serve_gets_its_error_shape(http, method, path, status, says):
    """Not the page's Gradio app's {"detail": "Not Found"}: the API's own one line, and what to use."""
    r = http.request(method, path, json={"question": ROLES_KO} if method == "POST" else None)
    assert r.status_code == status
    assert set(r.json()) == {"error"} and says in r.json()["error"]


def test_the_api_needs_the_staff_password_when_one_is_set(seed_index, tmp_path):
    from conftest import running

    from assistant.web.rebuild import Rebuilder

    rebuilder = Rebuilder(seed_index, tmp_path, poll_seconds=None)
    app = server_app(seed_index, tmp_path, staff_password=PASSWORD, rebuilder=rebuilder)
    body = {"question": ROLES_KO}
    with running(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        refused = client.post("/api/ask", json=body)
        assert refused.status_code == 401 and "password" in refused.json()["error"]
        assert client.get("/api/articles").status_code == 401
        wrong = client.post("/api/ask", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        bearer = client.post("/api/ask", json=body, headers={"Authorization": f"Bearer {PASSWORD}"})
        assert bearer.status_code == 200 and bearer.json()["citations"]
        basic = client.post("/api/ask", json=body, auth=("staff", PASSWORD))
        assert basic.status_code == 200
        assert client.post("/api/ask", json=body, auth=("someone", PASSWORD)).status_code == 401
        assert client.get("/api/openapi.json").status_code == 200  # the schema itself is not a secret


def test_mcp_client_lists_the_tools_and_gets_cited_quotes(url):
    from mcp import ClientSession
    from mcp.client.sse import sse_client

    async def session_run() -> tuple[dict, dict, dict]:
        async with sse_client(f"{url}/gradio_api/mcp/sse") as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            asked = await session.call_tool("ask", {"question": ROLES_KO})
            article = await session.call_tool("article", {"source": ROLES_SOURCE})
            # Gradio's MCP server sends a tool's dict as its Python literal text.
            return tools, ast.literal_eval(asked.content[0].text), ast.literal_eval(article.content[0].text)

    tools, answer, article = asyncio.run(session_run())
    assert {"ask", "article"} <= set(tools)
    assert "verbatim" in tools["ask"].description and "question" in tools["ask"].inputSchema["properties"]
    assert "history" in tools["ask"].inputSchema["properties"]
    assert answer["answered"] and answer["citations"][0]["source"] == ROLES_SOURCE
    for citation in answer["citations"]:
        assert citation["quote"] in article["text"] or citation["source"] != ROLES_SOURCE
    assert article["title"] and article["text"][article["paragraphs"][0]["start"]:].strip()


def test_a_password_covers_the_mcp_server_too(seed_index):
    """Gradio's login does not cover its MCP server: the password is asked for there as on /api."""
    from conftest import running
    from mcp import ClientSession
    from mcp.client.sse import sse_client

    async def tool_names(base: str) -> set[str]:
        headers = {"Authorization": f"Bearer {PASSWORD}"}
        async with sse_client(f"{base}/gradio_api/mcp/sse", headers=headers) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            return {tool.name for tool in (await session.list_tools()).tools}

    with running(server_app(seed_index, password=PASSWORD)) as base, httpx.Client(base_url=base, timeout=10) as http:
        with http.stream("GET", "/gradio_api/mcp/sse") as refused:
            assert refused.status_code == 401
        listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        assert http.post("/gradio_api/mcp/", json=listing).status_code == 401
        assert http.post("/api/ask", json={"question": ROLES_KO}).status_code == 401
        assert {"ask", "article"} <= asyncio.run(tool_names(base))
